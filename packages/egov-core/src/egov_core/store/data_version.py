"""``data_version``: the global counter every published import bumps (cache keys and ETags carry it)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from egov_core.store.errors import translate_errors

__all__ = ["DATA_VERSION_CHANNEL", "bump_data_version", "get_data_version"]

#: The NOTIFY channel that carries each new data_version (delivered when the import commits).
DATA_VERSION_CHANNEL = "egov_data_version"


async def bump_data_version(conn: AsyncConnection) -> int:
    """Increment data_version and NOTIFY it, inside the caller's transaction (visible on its commit).

    Returns:
        The new data_version.
    """
    new = (
        await conn.execute(
            text("UPDATE meta SET value = (value::bigint + 1)::text WHERE key = 'data_version' RETURNING value")
        )
    ).scalar_one()
    await conn.execute(text("SELECT pg_notify(:channel, :value)"), {"channel": DATA_VERSION_CHANNEL, "value": new})
    return int(new)


async def get_data_version(engine: AsyncEngine | AsyncConnection) -> int:
    """The current data_version."""
    query = text("SELECT value FROM meta WHERE key = 'data_version'")
    with translate_errors():
        if isinstance(engine, AsyncConnection):
            return int((await engine.execute(query)).scalar_one())
        async with engine.connect() as conn:
            return int((await conn.execute(query)).scalar_one())
