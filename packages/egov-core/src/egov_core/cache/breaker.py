"""A circuit breaker for the L2 cache: stop calling a sick Redis for a while, then probe it.

States: ``closed`` (calls go through), ``open`` (no calls until ``reset_s`` has passed since it
opened), ``half-open`` (one trial call; success closes, failure opens again).
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable

__all__ = ["BreakerState", "CircuitBreaker"]


class BreakerState(enum.IntEnum):
    """Breaker states; the integer is what ``/metrics`` exports."""

    CLOSED = 0
    OPEN = 1
    HALF_OPEN = 2


class CircuitBreaker:
    """Counts consecutive failures and opens after ``failures`` of them.

    Args:
        failures: consecutive failures that open the breaker.
        reset_s: how long an open breaker refuses calls before letting one trial call through.
        clock: monotonic seconds; injectable for tests.
    """

    def __init__(self, failures: int, reset_s: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.failures = failures
        self.reset_s = reset_s
        self._clock = clock
        self._consecutive = 0
        self._opened_at = 0.0
        self._state = BreakerState.CLOSED
        self._trial_in_flight = False
        self.opened_count = 0

    @property
    def state(self) -> BreakerState:
        """The current state (an open breaker whose wait is over reads as half-open)."""
        if self._state is BreakerState.OPEN and self._clock() - self._opened_at >= self.reset_s:
            return BreakerState.HALF_OPEN
        return self._state

    def allow(self) -> bool:
        """Whether a call may be made now. In half-open state only one caller gets ``True``."""
        state = self.state
        if state is BreakerState.CLOSED:
            return True
        if state is BreakerState.OPEN or self._trial_in_flight:
            return False
        self._state = BreakerState.HALF_OPEN
        self._trial_in_flight = True
        return True

    def record_success(self) -> None:
        """A call succeeded: close the breaker."""
        self._consecutive = 0
        self._trial_in_flight = False
        self._state = BreakerState.CLOSED

    def record_failure(self) -> None:
        """A call failed (error or timeout): open after enough of them, or at once when half-open."""
        self._consecutive += 1
        half_open = self._state is BreakerState.HALF_OPEN
        self._trial_in_flight = False
        if half_open or self._consecutive >= self.failures:
            if self._state is not BreakerState.OPEN:
                self.opened_count += 1
            self._state = BreakerState.OPEN
            self._opened_at = self._clock()
