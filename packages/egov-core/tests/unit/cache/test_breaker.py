"""Circuit breaker state machine."""

from __future__ import annotations

import pytest
from egov_testsupport import FakeClock

from egov_core.cache import BreakerState, CircuitBreaker


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _state(breaker: CircuitBreaker) -> BreakerState:
    # A call, not attribute access, so the type checker does not narrow the state between asserts.
    return breaker.state


def test_opens_after_consecutive_failures_only(clock: FakeClock) -> None:
    breaker = CircuitBreaker(3, 5.0, clock=clock)
    breaker.record_failure()
    breaker.record_failure()
    breaker.record_success()  # resets the streak
    breaker.record_failure()
    breaker.record_failure()
    assert _state(breaker) is BreakerState.CLOSED
    assert breaker.allow()
    breaker.record_failure()
    assert _state(breaker) is BreakerState.OPEN
    assert not breaker.allow()
    assert breaker.opened_count == 1


def test_half_open_lets_one_trial_through_then_closes_on_success(clock: FakeClock) -> None:
    breaker = CircuitBreaker(1, 5.0, clock=clock)
    breaker.record_failure()
    clock.advance(4.9)
    assert not breaker.allow()
    clock.advance(0.2)
    assert _state(breaker) is BreakerState.HALF_OPEN
    assert breaker.allow()
    assert not breaker.allow()  # only one trial at a time
    breaker.record_success()
    assert _state(breaker) is BreakerState.CLOSED
    assert breaker.allow()


def test_failed_trial_reopens_for_a_full_period(clock: FakeClock) -> None:
    breaker = CircuitBreaker(2, 5.0, clock=clock)
    breaker.record_failure()
    breaker.record_failure()
    clock.advance(5.0)
    assert breaker.allow()
    breaker.record_failure()
    assert _state(breaker) is BreakerState.OPEN
    assert breaker.opened_count == 2
    clock.advance(4.0)
    assert not breaker.allow()
    clock.advance(1.0)
    assert breaker.allow()
