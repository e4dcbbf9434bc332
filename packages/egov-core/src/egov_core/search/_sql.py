"""Shared plumbing of the search modules: connections, filters."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from egov_core.errors import InvalidQueryError

# Prior weights of a unit: law type, and main provision vs 附則 (a question about a law is about its 本則, and an
# Act governs where its 施行令 repeats it). The numbers order results sensibly; they are not tuned.
#: ``search_units su``'s law-type weight, as SQL.
TYPE_WEIGHT = (
    "CASE su.law_type WHEN 'Constitution' THEN 1.3 WHEN 'Act' THEN 1.0 WHEN 'CabinetOrder' THEN 0.8 "
    "WHEN 'ImperialOrder' THEN 0.7 WHEN 'MinisterialOrdinance' THEN 0.7 WHEN 'Rule' THEN 0.6 ELSE 0.5 END"
)
#: ``search_units su``'s 附則 weight, as SQL.
SUPPL_WEIGHT = "CASE WHEN su.in_suppl THEN 0.4 ELSE 1.0 END"

#: Largest page a search returns.
MAX_LIMIT = 100
#: Deepest offset a search accepts (deep pages of a keyword search are not useful and cost).
MAX_OFFSET = 10_000


@asynccontextmanager
async def connection(conn_or_engine: AsyncConnection | AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """The connection itself, or a fresh one from the engine (closed afterwards)."""
    if isinstance(conn_or_engine, AsyncConnection):
        yield conn_or_engine
    else:
        async with conn_or_engine.connect() as conn:
            yield conn


def check_page(limit: int, offset: int) -> None:
    """Raise :class:`InvalidQueryError` for a page outside the documented bounds."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidQueryError(f"limit must be between 1 and {MAX_LIMIT}")
    if not 0 <= offset <= MAX_OFFSET:
        raise InvalidQueryError(f"offset must be between 0 and {MAX_OFFSET}")


def any_filter(column: str, name: str, values: Sequence[Any] | None, where: list[str], params: dict[str, Any]) -> None:
    """Add ``column = ANY(:name)`` when ``values`` is given (an empty list matches nothing)."""
    if values is None:
        return
    where.append(f"{column} = ANY(:{name})")
    params[name] = list(values)
