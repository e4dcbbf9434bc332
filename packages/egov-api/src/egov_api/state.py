"""Typed application state and the dependency aliases routes use."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request
from starlette.types import ASGIApp

from egov_core.cache import TieredCache
from egov_core.citations import SqlLawDirectory
from egov_core.settings import EgovSettings
from egov_core.store import Connection, Database, Store

if TYPE_CHECKING:
    from egov_api.vector import VectorRuntime


@dataclass
class AppState:
    """What the lifespan opens, in one typed place (``app.state.egov``). Every component is None until the
    lifespan has run (and after it has ended).

    Attributes:
        settings: the validated settings of this process (the one root; ``settings.vector`` for Full).
        database: the store's read/write API.
        store: the open store (URL, embedded server handle, whether pgvector is installed).
        directory: the citation resolver's view of the laws (its name index is loaded once and kept fresh).
        cache: the tiered response cache (L1 + optional Redis).
        vector: the Full edition's runtime (embedder, health); None in Lite or when ``vector.enabled`` is false.
        mcp: the MCP session manager's lifespan, when ``/mcp`` is mounted.
        mcp_server: the MCP server (``mcp``'s ``MCPServer``) whose tools ``/mcp`` serves, when mounted.
        in_process: the served stack without the gate (quotas, keys) but with the input check, for callers
            inside this process that already passed the gate or need none (MCP tools, ``egov mcp``).
    """

    settings: EgovSettings
    database: Database | None = None
    store: Store | None = None
    directory: SqlLawDirectory | None = None
    cache: TieredCache | None = None
    vector: VectorRuntime | None = None
    mcp: Callable[[], AbstractAsyncContextManager[None]] | None = None
    mcp_server: Any = None
    in_process: ASGIApp | None = None


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
