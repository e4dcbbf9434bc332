"""Shared plumbing of the search modules: connections, page bounds."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncConnection

from egov_core.errors import InvalidQueryError
from egov_core.store.database import ReadSource

#: Largest page a search returns.
MAX_LIMIT = 100
#: Deepest offset a search accepts (deep pages of a keyword search are not useful and cost).
MAX_OFFSET = 10_000


@asynccontextmanager
async def connection(conn_or_engine: AsyncConnection | ReadSource) -> AsyncIterator[AsyncConnection]:
    """The connection itself, or a fresh one from the engine or read source (returned afterwards)."""
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
