"""Database, the one way in: reads, writes and maintenance on a real server, driver errors translated once."""

from __future__ import annotations

import asyncio
import socket

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from egov_core.errors import StorageBusyError, StorageError, StorageUnavailableError
from egov_core.settings import EgovSettings
from egov_core.store import Database, create_engine
from egov_core.store.maintenance import vacuum_analyze

pytestmark = pytest.mark.integration


def _database(url: str, **db: object) -> Database:
    return Database(create_engine(EgovSettings(database={"url": url, **db})))


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def test_write_commits_and_rolls_back(db_url: str) -> None:
    database = _database(db_url)
    try:
        async with database.write() as conn:
            await conn.execute(text("INSERT INTO meta (key, value) VALUES ('t1', 'a')"))

        async def aborted() -> None:
            async with database.write() as conn:
                await conn.execute(text("INSERT INTO meta (key, value) VALUES ('t2', 'b')"))
                raise RuntimeError("abort")

        with pytest.raises(RuntimeError):
            await aborted()
        async with database.read() as conn:
            keys = set((await conn.execute(text("SELECT key FROM meta WHERE key LIKE 't%'"))).scalars())
        assert keys == {"t1"}
    finally:
        await database.dispose()


async def test_failed_statement_is_storage_error(db_url: str) -> None:
    database = _database(db_url)
    try:
        with pytest.raises(StorageError) as caught:
            async with database.read() as conn:
                await conn.execute(text("SELECT * FROM no_such_table"))
        assert not isinstance(caught.value, StorageUnavailableError)
    finally:
        await database.dispose()


async def test_backend_terminated_mid_statement_is_unavailable(db_url: str) -> None:
    database = _database(db_url)
    admin = await asyncpg.connect(_libpq(db_url))
    try:

        async def sleeper() -> None:
            async with database.read() as conn:
                await conn.execute(text("SELECT pg_sleep(30)"))

        task = asyncio.create_task(sleeper())
        for _ in range(500):
            killed = await admin.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)'"
            )
            if killed:
                break
            await asyncio.sleep(0.01)
        with pytest.raises(StorageUnavailableError):
            await task
        await database.ping()  # the pool replaces the dead connection
    finally:
        await admin.close()
        await database.dispose()


async def test_statement_timeout_is_busy_and_maintenance_has_none(db_url: str) -> None:
    database = _database(db_url, statement_timeout_ms=100)
    try:
        with pytest.raises(StorageBusyError):
            async with database.read() as conn:
                await conn.execute(text("SELECT pg_sleep(1)"))
        async with database.maintenance() as conn:
            assert (await conn.execute(text("SHOW statement_timeout"))).scalar_one() == "0"
            await conn.execute(text("SELECT pg_sleep(0.3)"))
        # The pooled connection is handed out again with the configured timeout.
        async with database.read() as conn:
            assert (await conn.execute(text("SHOW statement_timeout"))).scalar_one() == "100ms"
    finally:
        await database.dispose()


async def test_exhausted_pool_is_busy(db_url: str) -> None:
    """Every pooled connection in use past the pool's wait: busy (503 + Retry-After), not a failed statement."""
    settings = EgovSettings(
        database={"url": db_url, "read_pool_size": 1, "read_max_overflow": 0, "read_connect_timeout_s": 0.2}
    )
    database = Database(create_engine(settings, replica=True))  # the replica pool's wait is the short one
    try:
        async with database.read() as held:
            await held.execute(text("SELECT 1"))
            with pytest.raises(StorageBusyError):
                async with database.read() as conn:
                    await conn.execute(text("SELECT 1"))
    finally:
        await database.dispose()


async def test_vacuum_is_not_cancelled_by_the_statement_timeout(db_url: str) -> None:
    """VACUUM (ANALYZE) waits for another transaction's lock longer than the API's statement timeout:
    it used to inherit that timeout and fail after bulk imports under load."""
    settings = EgovSettings(database={"url": db_url, "statement_timeout_ms": 100})
    engine = create_engine(settings)
    admin = await asyncpg.connect(_libpq(db_url))
    try:
        lock = admin.transaction()
        await lock.start()
        await admin.execute("LOCK TABLE laws IN SHARE UPDATE EXCLUSIVE MODE")
        vacuum = asyncio.create_task(vacuum_analyze(engine, ("laws",)))
        await asyncio.sleep(0.5)
        assert not vacuum.done()
        await lock.rollback()
        await vacuum
    finally:
        await admin.close()
        await engine.dispose()


async def test_nothing_listening_is_unavailable() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    database = _database(f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres")
    try:
        with pytest.raises(StorageUnavailableError):
            await database.ping()
    finally:
        await database.dispose()
