"""L1: LRU order, the byte bound and per-entry TTL."""

from __future__ import annotations

import pytest
from egov_testsupport import FakeClock

from egov_core.cache import CachedResponse, L1Cache


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _resp(n: int, fill: bytes = b"x") -> CachedResponse:
    return CachedResponse(status=200, body=fill * n)


def test_hit_and_miss_are_counted(clock: FakeClock, law_response: CachedResponse) -> None:
    l1 = L1Cache(1_000_000, clock=clock)
    assert l1.get("k") is None
    assert l1.set("k", law_response, 10)
    assert l1.get("k") is law_response
    assert (l1.hits, l1.misses, len(l1)) == (1, 1, 1)
    assert l1.bytes == law_response.size + 1


def test_entries_expire_after_their_ttl(clock: FakeClock, law_response: CachedResponse) -> None:
    l1 = L1Cache(1_000_000, clock=clock)
    l1.set("short", law_response, 1)
    l1.set("long", law_response, 24 * 3600)
    clock.advance(0.999)
    assert l1.get("short") is law_response
    assert l1.ttl_left("short") is not None
    clock.advance(0.002)
    assert l1.get("short") is None
    assert l1.ttl_left("short") is None
    assert l1.get("long") is law_response
    assert l1.expirations == 1
    assert l1.bytes == law_response.size + len("long")


def test_least_recently_used_goes_first_when_over_the_byte_bound(clock: FakeClock) -> None:
    one = _resp(1000)
    l1 = L1Cache(3 * (one.size + 1), max_entry_bytes=10_000, clock=clock)
    for key in "abc":
        l1.set(key, one, 60)
    assert l1.get("a") is one  # "b" is now the least recently used
    l1.set("d", one, 60)
    assert l1.get("b") is None
    assert {k for k in "acd" if l1.get(k) is not None} == {"a", "c", "d"}
    assert l1.evictions == 1
    assert l1.bytes <= l1.max_bytes


def test_oversized_values_and_zero_ttl_are_not_stored(clock: FakeClock) -> None:
    l1 = L1Cache(80_000, clock=clock)  # entries up to 10,000 bytes
    assert not l1.set("big", _resp(20_000), 60)
    assert not l1.set("zero", _resp(10), 0)
    assert len(l1) == 0
    assert l1.bytes == 0


def test_replacing_and_deleting_keep_the_byte_count(clock: FakeClock) -> None:
    l1 = L1Cache(1_000_000, clock=clock)
    l1.set("k", _resp(100), 60)
    l1.set("k", _resp(300), 60)
    assert l1.bytes == _resp(300).size + 1
    l1.delete("k")
    l1.delete("k")
    assert l1.bytes == 0
    assert len(l1) == 0
    l1.set("k", _resp(10), 60)
    l1.clear()
    assert l1.bytes == 0
    assert l1.get("k") is None


def test_disabled_l1_stores_nothing(clock: FakeClock, law_response: CachedResponse) -> None:
    l1 = L1Cache(0, clock=clock)
    assert not l1.set("k", law_response, 60)
    assert l1.get("k") is None
