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
        decisions = []
        for i in range(5):
            limiter = a if i % 2 else b
            decisions.append(await limiter.hit("ip:1", 4))
            await limiter.flush()  # counts go to Redis in the background: let this one land first
        assert [d.allowed for d in decisions] == [True, True, True, True, False]
        # Far from the quota a limiter's remaining count may lag what the other counted meanwhile; near it,
        # it waits for Redis's own count, so the quota holds exactly across the two.
        assert [d.remaining for d in decisions][3:] == [0, 0]
        assert all(d.shared for d in decisions)
        assert decisions[0].reset_s == 40
        assert decisions[-1].headers() == [
            (b"ratelimit-policy", b'"default";q=4;w=60'),
            (b"ratelimit", b'"default";r=0;t=40'),
        ]
        clock.now += 40  # the next window
        assert (await a.hit("ip:1", 4)).remaining == 3
        await a.flush()
    finally:
        await a.close()
        await b.close()


async def test_without_redis_it_counts_in_process_and_still_limits() -> None:
    breaker = CircuitBreaker(2, 60.0)
    limiter = RateLimiter(window_s=60, redis_url=f"redis://127.0.0.1:{free_port()}/0", timeout_ms=50, breaker=breaker)
    try:
        decisions = []
        for _ in range(5):
            decisions.append(await limiter.hit("ip:2", 3))
            await limiter.flush()
    finally:
        await limiter.close()
    assert [d.allowed for d in decisions] == [True, True, True, False, False]
    assert not decisions[-1].shared
    assert breaker.state is BreakerState.OPEN
    assert limiter.redis_errors == 2  # the breaker stopped asking


async def test_with_redis_away_each_process_allows_its_share() -> None:
    """Two worker processes counting in-process (Redis away) allow the quota between them, not each."""
    port = free_port()  # nothing listens: every Redis call fails and the breakers open
    limiters = [
        RateLimiter(
            window_s=60,
            redis_url=f"redis://127.0.0.1:{port}/0",
            timeout_ms=50,
            breaker=CircuitBreaker(1, 60.0),
            processes=2,
        )
        for _ in range(2)
    ]
    try:
        allowed = 0
        for i in range(20):
            limiter = limiters[i % 2]
            allowed += (await limiter.hit("ip:3", 6)).allowed
            await limiter.flush()
    finally:
        for limiter in limiters:
            await limiter.close()
    assert allowed == 6
    # Without Redis configured at all the same share holds; an odd quota rounds each share up.
    alone = RateLimiter(window_s=60, redis_url=None, processes=2)
    assert [(await alone.hit("ip:4", 5)).allowed for _ in range(4)] == [True, True, True, False]


def test_local_counter_memory_is_bounded() -> None:
    counter = LocalCounter(max_clients=100)
    for i in range(1000):
        counter.incr(f"ip:{i}", 7)
    assert len(counter._counts) <= 100
    assert counter.incr("ip:x", 7) == 1
    assert counter.incr("ip:x", 7) == 2
    assert counter.incr("ip:x", 8) == 1  # a new window


async def test_a_request_never_waits_for_redis() -> None:
    # A paused Redis (no answer at all) costs the request nothing: the count goes out in the background.
    import asyncio

    held: list[asyncio.StreamWriter] = []

    async def silent(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)  # accepts, never answers

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    limiter = RateLimiter(window_s=60, redis_url=f"redis://127.0.0.1:{port}/0", timeout_ms=1000)
    try:
        started = asyncio.get_running_loop().time()
        decisions = [await limiter.hit("ip:3", 100) for _ in range(20)]  # far from the quota
        assert asyncio.get_running_loop().time() - started < 0.5
        assert [d.remaining for d in decisions] == list(range(99, 79, -1))
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()
        await limiter.close()
