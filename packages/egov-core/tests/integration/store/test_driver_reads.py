"""Reads that run on the asyncpg connection under SQLAlchemy's (``store._driver``): a connection that breaks
under them must not go back to the pool for the next request, and their errors are egov's, never asyncpg's."""

from __future__ import annotations

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information
import pytest
from sqlalchemy.engine import make_url

from egov_core.errors import StorageUnavailableError
from egov_core.settings import EgovSettings
from egov_core.store import Database, create_engine
from egov_core.store._driver import fetch

pytestmark = pytest.mark.integration


def _one_connection(url: str) -> Database:
    """A pool of exactly one connection: the next read gets the connection the last one left behind."""
    return Database(create_engine(EgovSettings(database={"url": url, "pool_size": 1, "max_overflow": 0})))


async def _pid(database: Database) -> int:
    async with database.read() as conn:
        return int((await fetch(conn, "SELECT pg_backend_pid()"))[0][0])


async def test_connection_terminated_while_pooled_is_replaced(db_url: str) -> None:
    """pg_terminate_backend on the pooled connection: at most the one read that finds it dead fails, with a
    503-kind error, and every read after it gets a fresh connection (the dead one used to be handed out again
    and again). Whether that read fails is a race: once the event loop has seen the socket close, the pool's
    checkout hook replaces the connection before anything is sent on it."""
    database = _one_connection(db_url)
    admin = await asyncpg.connect(make_url(db_url).set(drivername="postgresql").render_as_string(False))
    try:
        first = await _pid(database)
        assert await admin.fetchval("SELECT pg_terminate_backend($1)", first)
        try:
            second = await _pid(database)
        except StorageUnavailableError:  # this read found the connection dead: it must not be handed out again
            second = await _pid(database)
        assert second != first
        assert await _pid(database) == second  # one pooled connection, alive, serving every read since
    finally:
        await admin.close()
        await database.dispose()


async def test_client_side_driver_error_is_translated() -> None:
    """asyncpg's InternalClientError family is a driver error like the others: translated, never raw."""
    from egov_core.store.errors import translate_error

    translated = translate_error(asyncpg.exceptions.InternalClientError("cannot switch to state 12"))
    assert isinstance(translated, StorageUnavailableError)
