"""``data_version``: the global counter every published import bumps (cache keys and ETags carry it)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from egov_core.store.errors import translate_errors

__all__ = ["BUMP_DATA_VERSION_SQL", "DATA_VERSION_CHANNEL", "DATA_VERSION_SQL", "bump_data_version", "get_data_version"]

#: The NOTIFY channel that carries each new data_version (delivered when the import commits).
DATA_VERSION_CHANNEL = "egov_data_version"
#: The one statement that reads data_version (drivers that bypass SQLAlchemy, like the cache's LISTEN
#: connection, run it as it is).
DATA_VERSION_SQL = "SELECT value FROM meta WHERE key = 'data_version'"
#: The one statement that bumps it and NOTIFYs the new value, in one round trip (``value`` column).
BUMP_DATA_VERSION_SQL = f"""
WITH v AS (UPDATE meta SET value = (value::bigint + 1)::text WHERE key = 'data_version' RETURNING value)
SELECT pg_notify('{DATA_VERSION_CHANNEL}', value), value FROM v
"""


async def bump_data_version(conn: AsyncConnection) -> int:
    """Increment data_version and NOTIFY it, inside the caller's transaction (visible on its commit).

    Returns:
        The new data_version.
    """
    row = (await conn.execute(text(BUMP_DATA_VERSION_SQL))).one()
    return int(row.value)


async def get_data_version(engine: AsyncEngine | AsyncConnection) -> int:
    """The current data_version."""
    query = text(DATA_VERSION_SQL)
    with translate_errors():
        if isinstance(engine, AsyncConnection):
            return int((await engine.execute(query)).scalar_one())
        async with engine.connect() as conn:
            return int((await conn.execute(query)).scalar_one())
