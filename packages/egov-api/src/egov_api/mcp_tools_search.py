"""MCP tools that search: provisions by keyword (and by meaning in the Full edition), court decisions."""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from pydantic import Field

from egov_api.mcp_bridge import READ_ONLY, ApiBridge, AsOf, LawId, Limit, ToolAnswer

__all__ = ["register"]


def register(server: MCPServer[Any], bridge: ApiBridge, *, vector: bool) -> None:
    """Add the search tools to ``server`` (semantic / hybrid only when ``vector`` routes are mounted)."""

    @server.tool(
        annotations=READ_ONLY,
        description='Keyword search over provisions (Japanese-aware; spaces AND, OR, -exclude, "phrase").',
    )
    async def keyword_search(
        query: Annotated[str, Field(min_length=1, max_length=200, description="e.g. 不法行為 損害賠償.")],
        law_id: Annotated[str | None, Field(pattern=r"^[0-9A-Za-z_]{3,40}$", description="Only this law.")] = None,
        asof: AsOf = None,
        limit: Limit = 10,
    ) -> ToolAnswer:
        params = {"q": query, "law_id": law_id, "asof": asof, "limit": limit}
        return await bridge.answer(await bridge.call("GET", "/v1/search", params=params))

    if vector:

        @server.tool(annotations=READ_ONLY, description="Semantic search over provisions by meaning (Full edition).")
        async def semantic_search(
            query: Annotated[str, Field(min_length=1, max_length=500, description="A question or a description.")],
            limit: Limit = 10,
        ) -> ToolAnswer:
            return await bridge.answer(
                await bridge.call("GET", "/v1/search/semantic", params={"q": query, "limit": limit})
            )

        @server.tool(
            annotations=READ_ONLY,
            description="Hybrid search over provisions: keyword, semantic and named laws fused (Full edition).",
        )
        async def hybrid_search(
            query: Annotated[str, Field(min_length=1, max_length=500, description="A question or keywords.")],
            limit: Limit = 10,
        ) -> ToolAnswer:
            return await bridge.answer(
                await bridge.call("GET", "/v1/search/hybrid", params={"q": query, "limit": limit})
            )

    @server.tool(
        annotations=READ_ONLY,
        description="Keyword search over court decisions (判例): case names, 判示事項, 裁判要旨, full texts.",
    )
    async def search_cases(
        query: Annotated[str, Field(min_length=1, max_length=200, description="e.g. 輸血拒否.")],
        limit: Limit = 10,
    ) -> ToolAnswer:
        return await bridge.answer(await bridge.call("GET", "/v1/search/cases", params={"q": query, "limit": limit}))

    @server.tool(
        annotations=READ_ONLY, description="Court decisions whose 参照法条 cite a law or one of its provisions."
    )
    async def cases_citing(
        law_id: LawId,
        path: Annotated[
            str | None, Field(max_length=300, description="elm path, e.g. MainProvision-Article_709.")
        ] = None,
        limit: Limit = 10,
    ) -> ToolAnswer:
        params = {"path": path, "limit": limit}
        return await bridge.answer(await bridge.call("GET", f"/v1/laws/{law_id}/cases", params=params))
