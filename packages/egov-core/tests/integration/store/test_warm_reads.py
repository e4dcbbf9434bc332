"""Warm read connections (Database(keep_warm=...)): reused after a clean read, never after a failed one, replaced
when the server closed them, handed back when the pool is at its limit, closed on dispose."""

from __future__ import annotations

import asyncio

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from egov_core.errors import StorageError
from egov_core.settings import EgovSettings
from egov_core.store import Database, create_engine
from egov_core.store import warm as warm_module

pytestmark = pytest.mark.integration


def _database(url: str, keep: int = 2, **db: object) -> Database:
    return Database(create_engine(EgovSettings(database={"url": url, **db})), keep_warm=keep)


async def _backend_pid(database: Database) -> int:
    async with database.read() as conn:
        return int((await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one())


def _checked_out(database: Database) -> int:
    return int(database.engine.sync_engine.pool.checkedout())  # type: ignore[attr-defined]


async def test_clean_read_reuses_the_connection_and_dispose_returns_it(db_url: str) -> None:
    database = _database(db_url)
    try:
        first = await _backend_pid(database)
        assert await _backend_pid(database) == first
        assert _checked_out(database) == 1  # the warm one: still counted by the pool
    finally:
        await database.dispose()
    assert _checked_out(database) == 0


async def test_without_keep_warm_every_read_returns_its_connection(db_url: str) -> None:
    database = _database(db_url, keep=0)
    try:
        await _backend_pid(database)
        assert _checked_out(database) == 0
    finally:
        await database.dispose()


async def test_concurrent_reads_keep_at_most_keep_warm(db_url: str) -> None:
    database = _database(db_url, keep=2)
    try:

        async def hold() -> None:
            async with database.read() as conn:
                await conn.execute(text("SELECT pg_sleep(0.05)"))

        await asyncio.gather(*(hold() for _ in range(5)))
        assert _checked_out(database) == 2
        pids = {await _backend_pid(database) for _ in range(4)}
        assert len(pids) == 1  # taken and given back in turn: the most recently used one
    finally:
        await database.dispose()


async def test_failed_read_does_not_keep_its_connection(db_url: str) -> None:
    database = _database(db_url)
    try:
        await _backend_pid(database)
        assert _checked_out(database) == 1

        async def failing() -> None:
            async with database.read() as conn:
                await conn.execute(text("SELECT * FROM no_such_table"))

        with pytest.raises(StorageError):
            await failing()
        assert _checked_out(database) == 0
        async with database.read() as conn:  # the pool's connection (reset on return) serves the next read
            assert (await conn.execute(text("SELECT 1"))).scalar_one() == 1
    finally:
        await database.dispose()


async def test_connection_closed_by_the_server_while_warm_is_replaced(db_url: str) -> None:
    database = _database(db_url)
    admin = await asyncpg.connect(make_url(db_url).set(drivername="postgresql").render_as_string(False))
    try:
        first = await _backend_pid(database)
        await admin.execute("SELECT pg_terminate_backend($1)", first)
        for _ in range(100):  # the loop sees the socket close, and asyncpg marks the connection closed
            await asyncio.sleep(0.01)
            if not await admin.fetchval("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", first):
                break
        await asyncio.sleep(0.05)
        second = await _backend_pid(database)  # no error: a fresh connection
        assert second != first
    finally:
        await admin.close()
        await database.dispose()


async def test_old_warm_connection_goes_back_to_the_pool(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    database = _database(db_url)
    try:
        await _backend_pid(database)
        (kept,) = database._warm._idle
        since = kept.info[warm_module._SINCE]
        await _backend_pid(database)
        assert kept.info[warm_module._SINCE] == since  # taken and given back: still the same warm spell
        monkeypatch.setattr(warm_module, "MAX_AGE_S", 0.0)
        await _backend_pid(database)
        # Handed back to the pool (which gave the connection out again): a new warm spell began.
        (again,) = database._warm._idle
        assert again.info[warm_module._SINCE] > since
    finally:
        await database.dispose()


async def test_at_the_pool_limit_a_waiting_read_gets_the_connection(db_url: str) -> None:
    """One connection in all: a read waiting on the pool gets it as soon as the holder ends, not after the
    pool's timeout (a warm connection sitting idle would leave it waiting)."""
    database = _database(db_url, keep=1, pool_size=1, max_overflow=0)
    try:
        release = asyncio.Event()

        async def holder() -> None:
            async with database.read() as conn:
                await conn.execute(text("SELECT 1"))
                await release.wait()

        async def waiter() -> int:
            return await _backend_pid(database)

        held = asyncio.create_task(holder())
        await asyncio.sleep(0.05)
        waiting = asyncio.create_task(waiter())
        await asyncio.sleep(0.05)
        assert not waiting.done()
        release.set()
        await asyncio.wait_for(held, 5)
        assert await asyncio.wait_for(waiting, 5) > 0
    finally:
        await database.dispose()


async def test_cancelled_read_returns_its_connection(db_url: str) -> None:
    database = _database(db_url)
    try:

        async def sleeper() -> None:
            async with database.read() as conn:
                await conn.execute(text("SELECT pg_sleep(30)"))

        task = asyncio.create_task(sleeper())
        await asyncio.sleep(0.2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        for _ in range(100):
            if _checked_out(database) == 0:
                break
            await asyncio.sleep(0.02)
        assert _checked_out(database) == 0
        assert await _backend_pid(database) > 0
    finally:
        await database.dispose()
