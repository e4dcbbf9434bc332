"""The token bucket on a simulated clock: N calls need (N-1)/rate seconds, shared and first-come first-served."""

from __future__ import annotations

import asyncio

import pytest

from egov_core.egov_client import TokenBucket


class SimulatedClock:
    """A clock that only moves when the bucket sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


@pytest.mark.parametrize(("rate", "calls"), [(1.0, 5), (2.5, 11), (10.0, 30)])
async def test_n_calls_take_n_minus_one_over_rate(rate: float, calls: int) -> None:
    clock = SimulatedClock()
    bucket = TokenBucket(rate, 1, clock=clock, sleep=clock.sleep)
    for _ in range(calls):
        await bucket.acquire()
    assert clock.now == pytest.approx((calls - 1) / rate)


async def test_burst_is_free_then_the_rate_applies() -> None:
    clock = SimulatedClock()
    bucket = TokenBucket(2.0, 3, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        assert await bucket.acquire() == 0.0
    await bucket.acquire()
    assert clock.now == pytest.approx(0.5)


async def test_concurrent_callers_share_one_bucket_in_arrival_order() -> None:
    clock = SimulatedClock()
    bucket = TokenBucket(1.0, 1, clock=clock, sleep=clock.sleep)
    order: list[int] = []

    async def call(i: int) -> None:
        await bucket.acquire()
        order.append(i)

    await asyncio.gather(*(call(i) for i in range(6)))
    assert order == list(range(6))
    assert clock.now == pytest.approx(5.0)


async def test_idle_time_refills_but_never_beyond_the_burst() -> None:
    clock = SimulatedClock()
    bucket = TokenBucket(1.0, 2, clock=clock, sleep=clock.sleep)
    await bucket.acquire()
    await bucket.acquire()
    clock.now += 100.0  # idle for a long time: only `burst` tokens come back
    for _ in range(3):
        await bucket.acquire()
    assert clock.now == pytest.approx(101.0)


def test_bad_parameters() -> None:
    with pytest.raises(ValueError, match="rate"):
        TokenBucket(0.0)
    with pytest.raises(ValueError, match="burst"):
        TokenBucket(1.0, 0)
