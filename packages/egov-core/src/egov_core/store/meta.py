"""The ``meta`` key/value table: small facts about the store (data_version has its own module)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

__all__ = ["get_meta", "set_meta"]


async def get_meta(conn: AsyncConnection, key: str) -> str | None:
    """The value stored under ``key`` (None when there is none)."""
    value = (await conn.execute(text("SELECT value FROM meta WHERE key = :key"), {"key": key})).scalar_one_or_none()
    return None if value is None else str(value)


async def set_meta(conn: AsyncConnection, key: str, value: str) -> None:
    """Store ``value`` under ``key`` (replacing what was there), in the caller's transaction."""
    await conn.execute(
        text(
            "INSERT INTO meta (key, value) VALUES (:key, :value) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"
        ),
        {"key": key, "value": value},
    )
