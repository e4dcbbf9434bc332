"""The asyncpg connection under a SQLAlchemy one, for the few hot reads that run their SQL on it directly.

SQLAlchemy's execution layer (statement compilation cache, execution context, result metadata, rows) costs
about 200 µs of CPU per statement on this stack, several times the asyncpg round trip itself (measured:
checkout + three ``SELECT 1`` 712 µs through SQLAlchemy, 278 µs on the driver connection). The uncached
article GET is one statement; running it on the driver keeps that cost off every cache miss. The statement
joins whatever the SQLAlchemy connection is in (autocommit, or the REPEATABLE READ transaction of a pooled
replica read, begun by the data_version check), and asyncpg prepares it once per connection (its statement
cache), which PgBouncer in transaction mode tracks (``max_prepared_statements``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information
from sqlalchemy.ext.asyncio import AsyncConnection


async def fetch(conn: AsyncConnection, sql: str, *args: Any) -> Sequence[Any]:
    """Run ``sql`` (asyncpg ``$n`` parameters) on the driver connection under ``conn``; its records.

    Driver errors are raised as they are: the caller's :meth:`~egov_core.store.Database.read` block (or
    :func:`~egov_core.store.translate_errors`) translates them, and judges replica trouble, as for any other.
    """
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection
    try:
        records: Sequence[Any] = await driver.fetch(sql, *args)  # type: ignore[union-attr]
    except BaseException as error:
        if _unusable_after(error, driver):
            # SQLAlchemy never saw this error, so its pool would take the connection back as it is: closed
            # under us (pg_terminate_backend, a restart) or with a cancelled operation still in flight, where
            # the next request to check it out fails with "another operation is in progress". Invalidate it:
            # the pool drops it and opens a fresh one.
            with contextlib.suppress(Exception):
                await conn.invalidate(error if isinstance(error, Exception) else None)
        raise
    return records


def _unusable_after(error: BaseException, driver: Any) -> bool:
    """Whether the driver connection may be left in a state no later statement can use."""
    if isinstance(error, asyncpg.PostgresError) and not isinstance(error, asyncpg.PostgresConnectionError):
        # The server answered the statement with an error: the connection itself is fine.
        return bool(driver.is_closed())
    return True
