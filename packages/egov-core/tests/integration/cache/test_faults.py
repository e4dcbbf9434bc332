"""Redis faults with a real redis-server process: SIGSTOP, kill + restart, never started.

Every call must return the origin's answer with no error and within a generous bound, the breaker must
open, and the cache must recover without being rebuilt.
"""

from __future__ import annotations

import asyncio
import itertools
import time

from egov_testsupport import RedisServer

from egov_core.cache import BreakerState, CachedResponse, CacheKind, StaticVersion, TieredCache
from egov_core.settings import CacheSettings, RedisSettings

# A bound on any single call while Redis misbehaves: correctness ("bounded"), not a performance target.
BOUND_S = 2.0


def make_cache(url: str, prefix: str) -> TieredCache:
    redis = RedisSettings.model_validate(
        {"url": url, "key_prefix": prefix, "timeout_ms": 100, "breaker_failures": 3, "breaker_reset_s": 0.5}
    )
    return TieredCache.from_settings(CacheSettings(), redis, version=StaticVersion(1))


_keys = itertools.count()


async def until_breaker_closes(cache: TieredCache, limit_s: float = 15.0) -> None:
    """Keep reading fresh keys (the breaker only closes after a successful call) until it is closed."""

    async def origin() -> CachedResponse:
        return CachedResponse(status=200, body=b"")

    async with asyncio.timeout(limit_s):
        while cache.redis is not None and cache.redis.state is not BreakerState.CLOSED:
            await cache.get_or_compute(CacheKind.LIST, f"probe{next(_keys)}", origin)
            await asyncio.sleep(0.05)


async def read_through(cache: TieredCache, response: CachedResponse, seconds: float) -> tuple[int, float]:
    """Read distinct keys (so every call goes past L1 to Redis) for ``seconds``; returns (calls, slowest)."""
    calls, slowest = 0, 0.0

    async def origin() -> CachedResponse:
        return response

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        got = await cache.get_or_compute(CacheKind.LAW, f"k{next(_keys)}", origin)
        slowest = max(slowest, time.monotonic() - started)
        assert got == response
        calls += 1
        await asyncio.sleep(0.01)
    return calls, slowest


async def test_sigstop_redis_reads_stay_correct_and_bounded(
    redis: RedisServer, prefix: str, law_response: CachedResponse
) -> None:
    cache = make_cache(redis.url, prefix)
    try:
        await read_through(cache, law_response, 0.3)
        assert cache.redis is not None
        assert cache.redis.state is BreakerState.CLOSED
        redis.pause()
        # Eight concurrent readers for three seconds against a frozen Redis.
        results = await asyncio.gather(*(read_through(cache, law_response, 3.0) for _ in range(8)))
        assert all(calls > 0 for calls, _ in results)
        assert max(slowest for _, slowest in results) < BOUND_S
        stats = cache.stats()
        assert stats["l2_breaker_opened"] >= 1
        assert stats["l2_errors"] >= 3
        assert stats["l2_skipped"] > 0  # the open breaker spared most calls the timeout
        assert cache.health() == "degraded"
        redis.resume()
        await until_breaker_closes(cache)
        sets_before = cache.stats()["l2_sets"]
        await read_through(cache, law_response, 0.3)
        await cache.wait_for_writes()
        assert cache.stats()["l2_sets"] > sets_before
        assert cache.health() == "ok"
    finally:
        redis.resume()
        await cache.close()


async def test_kill_and_restart_redis_recovers_without_restarting_the_cache(
    redis: RedisServer, prefix: str, law_response: CachedResponse
) -> None:
    writer, reader = make_cache(redis.url, prefix), make_cache(redis.url, prefix)
    origin_calls = 0

    async def origin() -> CachedResponse:
        nonlocal origin_calls
        origin_calls += 1
        return law_response

    try:
        await writer.get_or_compute(CacheKind.LAW, "before", origin)
        await writer.wait_for_writes()
        redis.kill()
        calls, slowest = await read_through(reader, law_response, 1.5)
        assert calls > 0
        assert slowest < BOUND_S
        assert reader.health() == "degraded"
        redis.start()  # same port, empty
        # Keep writing and reading one fresh key until it round-trips through Redis again.
        attempt = 0
        async with asyncio.timeout(15):
            while True:
                attempt += 1
                key = f"after{attempt}"
                await writer.get_or_compute(CacheKind.LAW, key, origin)
                await writer.wait_for_writes()
                hits = reader.stats()["l2_hits"]
                await reader.get_or_compute(CacheKind.LAW, key, origin)
                if reader.stats()["l2_hits"] > hits:
                    break
                await asyncio.sleep(0.1)
        assert reader.health() == "ok"
    finally:
        await writer.close()
        await reader.close()


async def test_redis_unreachable_from_the_start_serves_from_origin_and_l1(
    dead_redis_url: str, prefix: str, law_response: CachedResponse
) -> None:
    cache = make_cache(dead_redis_url, prefix)
    calls = 0

    async def origin() -> CachedResponse:
        nonlocal calls
        calls += 1
        return law_response

    try:
        for _ in range(5):
            started = time.monotonic()
            assert await cache.get_or_compute(CacheKind.LAW, "k", origin) == law_response
            assert time.monotonic() - started < BOUND_S
        assert calls == 1  # L1 still works
        for i in range(5):
            await cache.get_or_compute(CacheKind.LAW, f"other{i}", origin)
        assert cache.stats()["l2_breaker_opened"] >= 1
        assert cache.health() == "degraded"
    finally:
        await cache.close()
