"""RateLimiter on a real Redis (shared by every worker) and its in-process fallback when Redis is away."""

from __future__ import annotations

import secrets

import pytest
from egov_api_testsupport import free_port
from egov_testsupport import FakeClock

from egov_api.edge.ratelimit import LocalCounter, RateLimiter
from egov_core.cache import BreakerState, CircuitBreaker

from .conftest import REDIS_URL

pytestmark = pytest.mark.integration


async def test_two_limiters_share_one_count_in_redis() -> None:
    prefix = "t" + secrets.token_hex(4)
    clock = FakeClock(1_000_040.0)  # 20 s into a 60 s window (1,000,020 = 16,667 × 60)
    # A generous timeout: on a loaded machine a 100 ms call may time out and count locally, which is the
    # fallback working, not what this test is about.
    a = RateLimiter(window_s=60, redis_url=REDIS_URL, key_prefix=prefix, clock=clock, timeout_ms=2000)
    b = RateLimiter(window_s=60, redis_url=REDIS_URL, key_prefix=prefix, clock=clock, timeout_ms=2000)
    try:
        decisions = [await (a if i % 2 else b).hit("ip:1", 4) for i in range(5)]
        assert [d.allowed for d in decisions] == [True, True, True, True, False]
        assert [d.remaining for d in decisions] == [3, 2, 1, 0, 0]
        assert all(d.shared for d in decisions)
        assert decisions[0].reset_s == 40
        assert decisions[-1].headers() == [
            (b"ratelimit-policy", b'"default";q=4;w=60'),
            (b"ratelimit", b'"default";r=0;t=40'),
        ]
        clock.now += 40  # the next window
        assert (await a.hit("ip:1", 4)).remaining == 3
    finally:
        await a.close()
        await b.close()


async def test_without_redis_it_counts_in_process_and_still_limits() -> None:
    breaker = CircuitBreaker(2, 60.0)
    limiter = RateLimiter(window_s=60, redis_url=f"redis://127.0.0.1:{free_port()}/0", timeout_ms=50, breaker=breaker)
    try:
        decisions = [await limiter.hit("ip:2", 3) for _ in range(5)]
    finally:
        await limiter.close()
    assert [d.allowed for d in decisions] == [True, True, True, False, False]
    assert not any(d.shared for d in decisions)
    assert breaker.state is BreakerState.OPEN
    assert limiter.redis_errors == 2  # the breaker stopped asking


def test_local_counter_memory_is_bounded() -> None:
    counter = LocalCounter(max_clients=100)
    for i in range(1000):
        counter.incr(f"ip:{i}", 7)
    assert len(counter._counts) <= 100
    assert counter.incr("ip:x", 7) == 1
    assert counter.incr("ip:x", 7) == 2
    assert counter.incr("ip:x", 8) == 1  # a new window
