"""The MCP server (official ``mcp`` SDK): egov's HTTP API as tools for LLM clients.

Every tool is a thin adapter over one of egov's own routes, called in-process through the app's ASGI
stack (fast path, cache, validation, limits and whatever guards the HTTP side has), so a tool answers
exactly what ``/v1`` answers and no second implementation exists. Bad input comes back as a tool error
(``isError``) naming the problem, as HTTP would answer it. Each answer is bounded (:data:`MAX_OUTPUT_CHARS`)
and carries provenance: law id, revision id, the e-Gov URL and the store's data version.

Transports: ``egov mcp`` (stdio, its own app in-process) and streamable HTTP at ``/mcp`` on the served app.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Literal

from mcp.server.mcpserver import MCPServer
from starlette.types import ASGIApp

from egov_api import __version__, mcp_tools_graph, mcp_tools_laws, mcp_tools_search
from egov_api.mcp_bridge import MAX_OUTPUT_CHARS, ApiBridge, ToolAnswer

__all__ = ["MAX_OUTPUT_CHARS", "ApiBridge", "ToolAnswer", "build_mcp_server"]

INSTRUCTIONS = (
    "egov answers questions about Japanese statutes (法令) and court decisions (判例) from a local copy of the "
    "e-Gov data. Find a law with search_laws, read provisions with get_provision (e-Gov elm path such as "
    "MainProvision-Article_709, or a citation such as 民法第七百九条), find provisions by words with "
    "keyword_search, resolve every citation in a text with resolve_citations, and find decisions with "
    "search_cases / cases_citing. Compare versions with law_diff (新旧対照) and law_amendments, and look up "
    "defined terms (定義語) with defined_terms. Follow the citation graph with provision_citations (what a "
    "provision cites), provision_cited_by (what cites it) and citation_path (the chain between two provisions). "
    "Cite the e-Gov URL of each provision you use."
)


def build_mcp_server(bridge: ApiBridge, *, vector: bool) -> MCPServer[Any]:
    """The MCP server with egov's tools (semantic / hybrid search only when ``vector`` routes are mounted)."""
    server: MCPServer[Any] = MCPServer("egov", version=__version__, instructions=INSTRUCTIONS, log_level="WARNING")
    mcp_tools_laws.register(server, bridge)
    mcp_tools_search.register(server, bridge, vector=vector)
    mcp_tools_graph.register(server, bridge)
    return server


Transport = Literal["stdio"]


def bridge_for(state: Any, target: ASGIApp) -> ApiBridge:
    """An :class:`ApiBridge` calling ``target``, with provenance and data version from the app's ``state``."""

    async def revisions(law_ids: list[str]) -> dict[str, str]:
        from egov_core.store.compat import current_revision_ids

        assert state.database is not None, "lifespan not started"
        async with state.database.read() as conn:
            return await current_revision_ids(conn, law_ids)

    def data_version() -> int:
        return int(state.cache.data_version) if state.cache is not None else 0

    return ApiBridge(target, revisions=revisions, data_version=data_version)


async def run_stdio(settings: Any) -> None:
    """``egov mcp``: the app in-process (no port), the tools ``create_app`` mounted on stdin / stdout."""
    from egov_api.app import create_app

    app: Any = create_app(settings)
    async with app.router.lifespan_context(app):
        bridge = bridge_for(app.state.egov, app.state.egov.in_process or app)
        try:
            vector = app.state.egov.vector is not None
            await build_mcp_server(bridge, vector=vector).run_stdio_async()
        finally:
            await bridge.aclose()


def mount_mcp(app: Any, target: ASGIApp, *, host: str) -> None:
    """Serve the tools over streamable HTTP at ``/mcp`` of ``app`` (the FastAPI app); tools call ``target``
    (the whole served stack). The session manager runs inside the app's lifespan (``state.mcp``)."""
    state = app.state.egov
    bridge = bridge_for(state, target)
    server = build_mcp_server(bridge, vector=state.vector is not None)
    # Stateless: every request is answered on its own, by whichever worker or replica receives it. A stateful
    # session lives in the memory of the process that opened it, so with several Granian workers (or pods)
    # the client's next request met "Session not found" on another one, and each session opened and never
    # closed stayed in memory for 30 minutes. The tools are read-only and keep no per-client state.
    http_app = server.streamable_http_app(streamable_http_path="/mcp", host=host, stateless_http=True)
    app.router.routes.extend(http_app.routes)

    @asynccontextmanager
    async def running() -> AsyncIterator[None]:
        async with server.session_manager.run():
            try:
                yield
            finally:
                await bridge.aclose()

    state.mcp = running
    state.mcp_server = server
