"""The ``sync_cursor`` in ``meta``: when the last successful sync started (ISO 8601), and e-Gov's calendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.errors import InvalidDateError
from egov_core.store import Database, get_meta, set_meta

__all__ = ["SYNC_CURSOR_KEY", "get_sync_cursor", "jst_date", "set_sync_cursor"]

#: The ``meta`` key of the cursor.
SYNC_CURSOR_KEY = "sync_cursor"

#: e-Gov stamps ``updated`` in Japan time (no DST), so "updated on or after a day" is a JST day.
JST = timezone(timedelta(hours=9), "JST")


def jst_date(moment: datetime) -> date:
    """The JST calendar day of ``moment`` (a naive value is taken as JST already, as e-Gov means it)."""
    return moment.date() if moment.tzinfo is None else moment.astimezone(JST).date()


def parse_cursor(value: str) -> datetime:
    """An ISO date or datetime from ``meta`` (a bare date is midnight JST).

    Raises:
        InvalidDateError: the stored value is not ISO 8601.
    """
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), datetime.min.time(), JST)
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InvalidDateError(f"meta.{SYNC_CURSOR_KEY} is not an ISO date or datetime: {value!r}") from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=JST)


async def get_sync_cursor(engine: AsyncEngine) -> datetime | None:
    """When the last successful sync started (None: the store was never synced).

    Raises:
        InvalidDateError: the stored value is not ISO 8601.
    """
    async with Database(engine).read() as conn:
        value = await get_meta(conn, SYNC_CURSOR_KEY)
    return None if value is None else parse_cursor(value)


async def set_sync_cursor(engine: AsyncEngine, moment: datetime) -> str:
    """Record ``moment`` as the cursor and return the stored text (readers' data is untouched: no version bump)."""
    value = moment.isoformat()
    async with Database(engine).write() as conn:
        await set_meta(conn, SYNC_CURSOR_KEY, value)
    return value
