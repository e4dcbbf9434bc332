"""L1 and L2 against a real redis-server: hits and misses per tier, TTL per kind, PTTL in Redis."""

from __future__ import annotations

import asyncio

import redis.asyncio as aioredis
from egov_testsupport import RedisServer

from egov_core.cache import CachedResponse, CacheKind, StaticVersion, TieredCache
from egov_core.settings import CacheSettings, RedisSettings

TTLS = {"ttl_law": 30, "ttl_search": 5, "ttl_list": 12}


def make_cache(url: str, prefix: str, version: StaticVersion | None = None, **cache: object) -> TieredCache:
    settings = CacheSettings.model_validate({**TTLS, **cache})
    redis = RedisSettings.model_validate({"url": url, "key_prefix": prefix, "breaker_reset_s": 0.5})
    return TieredCache.from_settings(settings, redis, version=version or StaticVersion(1))


class Origin:
    """Counts how often the origin is asked."""

    def __init__(self, response: CachedResponse) -> None:
        self.response = response
        self.calls = 0

    async def __call__(self) -> CachedResponse:
        self.calls += 1
        return self.response


async def test_hits_and_misses_per_tier(redis: RedisServer, prefix: str, law_response: CachedResponse) -> None:
    # Two caches = two processes' L1s sharing one Redis.
    first, second = make_cache(redis.url, prefix), make_cache(redis.url, prefix)
    origin = Origin(law_response)
    try:
        assert await first.get_or_compute(CacheKind.LAW, "411AC0000000127", origin) == law_response
        await first.wait_for_writes()
        assert await first.get_or_compute(CacheKind.LAW, "411AC0000000127", origin) == law_response
        s1 = first.stats()
        assert (s1["l1_misses"], s1["l1_hits"], s1["l2_misses"], s1["l2_sets"], s1["origin_computes"]) == (
            1,
            1,
            1,
            1,
            1,
        )

        assert await second.get_or_compute(CacheKind.LAW, "411AC0000000127", origin) == law_response
        assert await second.get_or_compute(CacheKind.LAW, "411AC0000000127", origin) == law_response
        s2 = second.stats()
        assert (s2["l1_misses"], s2["l2_hits"], s2["l1_hits"], s2["origin_computes"]) == (1, 1, 1, 0)
        assert origin.calls == 1
        assert second.health() == "ok"
        assert s2["l2_breaker_state"] == 0
    finally:
        await first.close()
        await second.close()


async def test_ttl_per_kind_in_redis_and_l1(redis: RedisServer, prefix: str, law_response: CachedResponse) -> None:
    cache = make_cache(redis.url, prefix)
    client = aioredis.Redis.from_url(redis.url)
    try:
        for kind in (CacheKind.LAW, CacheKind.PROVISION, CacheKind.SEARCH, CacheKind.CITATION, CacheKind.LIST):
            await cache.get_or_compute(kind, "民法", Origin(law_response))
        await cache.wait_for_writes()
        pttl = {kind: await client.pttl(cache.key(kind.value, "民法")) for kind in CacheKind}
        assert 25_000 < pttl[CacheKind.LAW] <= 30_000
        assert 25_000 < pttl[CacheKind.PROVISION] <= 30_000
        assert 0 < pttl[CacheKind.SEARCH] <= 5_000
        assert 0 < pttl[CacheKind.CITATION] <= 5_000
        assert 7_000 < pttl[CacheKind.LIST] <= 12_000
        assert pttl[CacheKind.CASE] == -2  # never stored
        left = cache.l1.ttl_left(cache.key("search", "民法"))
        assert left is not None
        assert 0 < left <= 5
    finally:
        await client.aclose()
        await cache.close()


async def test_entries_expire_in_both_tiers(redis: RedisServer, prefix: str, law_response: CachedResponse) -> None:
    cache = make_cache(redis.url, prefix, ttl_search=1)
    client = aioredis.Redis.from_url(redis.url)
    origin = Origin(law_response)
    try:
        await cache.get_or_compute(CacheKind.SEARCH, "q=税", origin)
        await cache.wait_for_writes()
        key = cache.key("search", "q=税")
        assert 0 < await client.pttl(key) <= 1000
        await asyncio.sleep(1.2)
        assert await client.pttl(key) == -2
        assert cache.peek(key) is None
        await cache.get_or_compute(CacheKind.SEARCH, "q=税", origin)
        assert origin.calls == 2
    finally:
        await client.aclose()
        await cache.close()


async def test_l2_hit_fills_l1_for_the_rest_of_the_redis_ttl(
    redis: RedisServer, prefix: str, law_response: CachedResponse
) -> None:
    writer, reader = make_cache(redis.url, prefix), make_cache(redis.url, prefix)
    client = aioredis.Redis.from_url(redis.url)
    try:
        await writer.get_or_compute(CacheKind.LAW, "k", Origin(law_response))
        await writer.wait_for_writes()
        key = writer.key("law", "k")
        await client.pexpire(key, 3000)
        assert await reader.get_or_compute(CacheKind.LAW, "k", Origin(law_response)) == law_response
        left = reader.l1.ttl_left(key)
        assert left is not None
        assert left <= 3.0
    finally:
        await client.aclose()
        await writer.close()
        await reader.close()


async def test_single_flight_with_l2_two_hundred_cold_callers(
    redis: RedisServer, prefix: str, law_response: CachedResponse
) -> None:
    cache = make_cache(redis.url, prefix)
    calls = 0

    async def slow_origin() -> CachedResponse:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.1)
        return law_response

    try:
        results = await asyncio.gather(*(cache.get_or_compute(CacheKind.LAW, "cold", slow_origin) for _ in range(200)))
        assert all(r == law_response for r in results)
        assert calls == 1
        stats = cache.stats()
        # Only the leader asked Redis: once, a miss — or an error, when its first connection took longer than the
        # timeout on a loaded machine (the followers still waited for the leader instead of asking themselves).
        assert stats["l2_misses"] + stats["l2_errors"] == 1
        assert stats["l2_hits"] == stats["l2_busy"] == stats["l2_skipped"] == 0
    finally:
        await cache.close()


async def test_unreadable_l2_value_is_a_miss(redis: RedisServer, prefix: str, law_response: CachedResponse) -> None:
    cache = make_cache(redis.url, prefix)
    client = aioredis.Redis.from_url(redis.url)
    origin = Origin(law_response)
    try:
        await client.set(cache.key("law", "junk"), b"not a cached response", px=10_000)
        assert await cache.get_or_compute(CacheKind.LAW, "junk", origin) == law_response
        assert origin.calls == 1
    finally:
        await client.aclose()
        await cache.close()


async def test_a_burst_beyond_the_pool_is_answered_and_bounded(
    redis: RedisServer, prefix: str, law_response: CachedResponse
) -> None:
    cache = make_cache(redis.url, prefix)
    try:
        keys = [f"burst{i}" for i in range(300)]  # far more than the 16 calls allowed in flight
        results = await asyncio.gather(*(cache.get_or_compute(CacheKind.SEARCH, k, Origin(law_response)) for k in keys))
        assert all(r == law_response for r in results)
        await cache.wait_for_writes()
        stats = cache.stats()
        assert stats["l2_busy"] > 0  # calls beyond the bound were plain misses, not queued, not failures
        assert stats["l2_sets"] + stats["l2_busy"] + stats["l2_errors"] + stats["l2_skipped"] >= 300
    finally:
        await cache.close()
