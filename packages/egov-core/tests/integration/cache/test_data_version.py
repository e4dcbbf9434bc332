"""DataVersionWatcher against a real PostgreSQL ``meta`` table: NOTIFY, poll fallback, reconnects."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information
import pytest

from egov_core.cache import CachedResponse, CacheKind, DataVersionWatcher, TieredCache, asyncpg_dsn
from egov_core.settings import CacheSettings

Bump = Callable[..., Awaitable[int]]


async def wait_for(predicate: Callable[[], bool], limit_s: float = 10.0) -> None:
    """Poll until ``predicate()`` holds; fail after ``limit_s`` seconds (a bound, not a performance target)."""
    async with asyncio.timeout(limit_s):
        while not predicate():  # noqa: ASYNC110 - the state lives in another object, nothing to await on
            await asyncio.sleep(0.02)


def test_asyncpg_dsn_strips_the_driver() -> None:
    assert asyncpg_dsn("postgresql+asyncpg://u:p@h:5432/db") == "postgresql://u:p@h:5432/db"
    assert asyncpg_dsn("postgresql://h/db") == "postgresql://h/db"


async def test_notify_moves_the_version_and_the_cache_misses(meta_dsn: str, bump: Bump, law_body: bytes) -> None:
    # A long poll interval: only NOTIFY can deliver the change within the wait below.
    watcher = DataVersionWatcher(meta_dsn, poll_interval_s=60)
    await watcher.start()
    cache = TieredCache(CacheSettings(), version=watcher)
    try:
        start = watcher.current
        assert start >= 1
        assert watcher.connected

        async def origin() -> CachedResponse:
            body = b'{"data_version":%d,"law":' % watcher.current + law_body + b"}"
            return CachedResponse.build(body, content_type=b"application/json", max_age=60)

        before = await cache.get_or_compute(CacheKind.LAW, "411AC0000000127", origin)
        assert len(cache.l1) == 1
        new = await bump()
        await wait_for(lambda: watcher.current == new)
        assert len(cache.l1) == 0  # old-version entries dropped at once
        after = await cache.get_or_compute(CacheKind.LAW, "411AC0000000127", origin)
        assert before.body.startswith(b'{"data_version":%d,' % start)
        assert after.body.startswith(b'{"data_version":%d,' % new)
        assert after.etag != before.etag
    finally:
        await watcher.stop()


async def test_poll_catches_a_bump_without_notify(meta_dsn: str, bump: Bump) -> None:
    watcher = DataVersionWatcher(poll_interval_s=0.1)
    await watcher.start(meta_dsn)  # the DSN may come late (embedded database)
    try:
        new = await bump(notify=False)
        await wait_for(lambda: watcher.current == new)
    finally:
        await watcher.stop()


async def test_reconnects_after_its_connection_is_killed(meta_dsn: str, bump: Bump) -> None:
    watcher = DataVersionWatcher(meta_dsn, poll_interval_s=0.1)
    changes: list[tuple[int, int]] = []
    watcher.on_change(lambda old, new: changes.append((old, new)))
    await watcher.start()
    admin = await asyncpg.connect(meta_dsn)
    try:
        killed = await admin.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        assert killed >= 1
        await wait_for(lambda: watcher.connects >= 2)
        new = await bump()
        await wait_for(lambda: watcher.current == new)
        assert changes[-1][1] == new
    finally:
        await admin.close()
        await watcher.stop()


async def test_starts_without_a_database_and_catches_up_later() -> None:
    watcher = DataVersionWatcher("postgresql://postgres@127.0.0.1:1/none", poll_interval_s=0.05, timeout_s=0.5)
    await watcher.start()
    try:
        assert watcher.current == 0
        assert not watcher.connected
        await wait_for(lambda: watcher.errors >= 2)
    finally:
        await watcher.stop()


async def test_start_without_any_dsn_is_an_error() -> None:
    with pytest.raises(ValueError, match="DSN"):
        await DataVersionWatcher().start()
