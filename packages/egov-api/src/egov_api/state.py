"""Typed application state and the dependency aliases routes use."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request

from egov_core.settings import EgovSettings
from egov_core.store import Connection, Database, Engine


@dataclass
class AppState:
    """What the lifespan opens, in one typed place (``app.state.egov``).

    Attributes:
        settings: the validated settings of this process.
        database: the store's read/write API (None until the lifespan has run).
        engine: the database engine (None until the lifespan has run).
        read_engine: the same pool in autocommit mode, for the read-only routes: under READ COMMITTED every
            statement takes its own snapshot anyway, so the BEGIN / ROLLBACK round trips around each
            request bought nothing (None until the lifespan has run).
        extras: optional components (cache, data-version watcher, vector search, citation directory).
        in_process: the served stack without the gate (quotas, keys) but with the input check, for callers
            inside this process that already passed the gate or need none (MCP tools, ``egov mcp``).
    """

    settings: EgovSettings
    database: Database | None = None
    engine: Engine | None = None
    read_engine: Engine | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    in_process: Any = None


def get_state(request: Request) -> AppState:
    """The app's :class:`AppState`."""
    state: AppState = request.app.state.egov
    return state


async def get_conn(request: Request) -> AsyncIterator[Connection]:
    """A database connection for one request (read-only work; database errors translated once)."""
    database = get_state(request).database
    assert database is not None, "lifespan not started"
    async with database.read() as conn:
        yield conn


State = Annotated[AppState, Depends(get_state)]
Conn = Annotated[Connection, Depends(get_conn)]
Settings = Annotated[EgovSettings, Depends(lambda request: get_state(request).settings)]
