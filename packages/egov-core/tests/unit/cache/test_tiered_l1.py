"""TieredCache without Redis: keys, TTL per kind, version keys, non-200 handling, stats."""

from __future__ import annotations

import asyncio

import pytest
from egov_testsupport import FakeClock

from egov_core.cache import CachedResponse, CacheKind, StaticVersion, TieredCache
from egov_core.settings import CacheSettings, RedisSettings


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _cache(clock: FakeClock, version: StaticVersion | None = None, **kw: object) -> TieredCache:
    settings = CacheSettings.model_validate({"ttl_law": 20, "ttl_search": 5, "ttl_list": 7, **kw})
    return TieredCache(settings, version=version or StaticVersion(1), clock=clock)


async def test_miss_then_l1_hit(clock: FakeClock, law_response: CachedResponse) -> None:
    cache = _cache(clock)
    calls = 0

    async def compute() -> CachedResponse:
        nonlocal calls
        calls += 1
        return law_response

    assert await cache.get_or_compute(CacheKind.LAW, "129AC0000000089", compute) is law_response
    assert await cache.get_or_compute(CacheKind.LAW, "129AC0000000089", compute) is law_response
    assert calls == 1
    stats = cache.stats()
    assert (stats["l1_hits"], stats["origin_computes"], stats["l1_entries"], stats["l2_enabled"]) == (1, 1, 1, 0)
    assert cache.health() == "absent"


async def test_ttl_follows_the_kind(clock: FakeClock, law_response: CachedResponse) -> None:
    cache = _cache(clock)

    async def compute() -> CachedResponse:
        return law_response

    expected = {
        CacheKind.LAW: 20,
        CacheKind.PROVISION: 20,
        CacheKind.STRUCTURE: 20,
        CacheKind.CASE: 20,
        CacheKind.SEARCH: 5,
        CacheKind.CITATION: 5,
        CacheKind.LIST: 7,
    }
    for kind in CacheKind:
        await cache.get_or_compute(kind, "q", compute)
        assert cache.ttl(kind) == expected[kind]
        assert cache.l1.ttl_left(cache.key(kind.value, "q")) == expected[kind]
    clock.advance(5.5)
    assert cache.peek(cache.key("search", "q")) is None
    assert cache.peek(cache.key("list", "q")) is not None
    clock.advance(2)
    assert cache.peek(cache.key("list", "q")) is None
    assert cache.peek(cache.key("law", "q")) is not None


async def test_a_new_data_version_misses(clock: FakeClock, law_body: bytes) -> None:
    version = StaticVersion(7)
    cache = _cache(clock, version)

    async def compute() -> CachedResponse:
        return CachedResponse.build(b"v%d" % version.current + law_body, content_type=b"application/json", max_age=1)

    old = await cache.get_or_compute(CacheKind.LAW, "k", compute)
    assert cache.key("law", "k") == "egov:7:law:k"
    version.current = 8
    new = await cache.get_or_compute(CacheKind.LAW, "k", compute)
    assert old.body.startswith(b"v7")
    assert new.body.startswith(b"v8")


async def test_non_200_is_returned_but_not_stored(clock: FakeClock) -> None:
    cache = _cache(clock)
    calls = 0

    async def not_found() -> CachedResponse:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0)
        return CachedResponse(status=404, body=b'{"title":"law-not-found"}')

    results = await asyncio.gather(*(cache.get_or_compute(CacheKind.LAW, "nope", not_found) for _ in range(3)))
    assert [r.status for r in results] == [404, 404, 404]
    assert len(cache.l1) == 0
    assert calls == 3  # one leader, two followers compute their own answer


async def test_two_hundred_concurrent_misses_compute_once(clock: FakeClock, law_response: CachedResponse) -> None:
    cache = _cache(clock)
    calls = 0

    async def compute() -> CachedResponse:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.05)
        return law_response

    results = await asyncio.gather(*(cache.get_or_compute(CacheKind.SEARCH, "税", compute) for _ in range(200)))
    assert all(r is law_response for r in results)
    assert calls == 1
    assert cache.stats()["origin_shared"] == 199


async def test_disabled_cache_always_computes(clock: FakeClock, law_response: CachedResponse) -> None:
    cache = _cache(clock, enabled=False)
    calls = 0

    async def compute() -> CachedResponse:
        nonlocal calls
        calls += 1
        return law_response

    for _ in range(2):
        await cache.get_or_compute(CacheKind.LAW, "k", compute)
    assert calls == 2


def test_from_settings_without_redis_url_has_no_l2() -> None:
    cache = TieredCache.from_settings(CacheSettings(), RedisSettings(key_prefix="t"))
    assert cache.redis is None
    assert cache.key("law", "x") == "t:1:law:x"
