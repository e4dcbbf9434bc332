"""MCP tools over the statute citation graph: what a provision cites, what cites it, the path between two."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from mcp.server.mcpserver import MCPServer
from pydantic import Field

from egov_api.mcp_bridge import READ_ONLY, ApiBridge, LawId, Limit, ToolAnswer

__all__ = ["register"]

Path = Annotated[
    str, Field(pattern=r"^[0-9A-Za-z_\-\[\]]{1,300}$", description="elm path, e.g. MainProvision-Article_709.")
]
Kind = Annotated[
    Literal["cites", "delegates"] | None,
    Field(description="Only references (cites) or only delegations (政令 / 省令で定める: delegates)."),
]


def register(server: MCPServer[Any], bridge: ApiBridge) -> None:
    """Add the citation graph tools to ``server``."""

    @server.tool(
        annotations=READ_ONLY,
        description=(
            "What a provision cites: every reference in its text (and in the provisions inside it), resolved in "
            "context (前条, 同法, 第三項 …) to a law and provision, and its delegations (政令で定める → 施行令)."
        ),
    )
    async def provision_citations(law_id: LawId, path: Path, kind: Kind = None, limit: Limit = 20) -> ToolAnswer:
        params = {"kind": kind, "limit": limit}
        return await bridge.answer(
            await bridge.call("GET", f"/v1/laws/{law_id}/provisions/{path}/citations", params=params)
        )

    @server.tool(
        annotations=READ_ONLY,
        description=(
            "What cites a provision (or one inside it): provisions of every law's current text, then court "
            "decisions (参照法条)."
        ),
    )
    async def provision_cited_by(
        law_id: LawId,
        path: Path,
        kind: Kind = None,
        source: Annotated[
            Literal["statute", "decision"] | None, Field(description="Only statutes, or only court decisions.")
        ] = None,
        limit: Limit = 20,
    ) -> ToolAnswer:
        params = {"kind": kind, "source": source, "limit": limit}
        return await bridge.answer(
            await bridge.call("GET", f"/v1/laws/{law_id}/provisions/{path}/cited-by", params=params)
        )

    @server.tool(
        annotations=READ_ONLY,
        description=(
            "The shortest chain of citations from one provision to another (or to any provision of a law when "
            "to_path is omitted), each step with the reference as written."
        ),
    )
    async def citation_path(
        from_law_id: LawId,
        from_path: Path,
        to_law_id: LawId,
        to_path: Annotated[
            str | None, Field(pattern=r"^[0-9A-Za-z_\-\[\]]{1,300}$", description="elm path; omit for the law.")
        ] = None,
        max_depth: Annotated[int, Field(ge=1, le=6, description="Longest chain searched.")] = 4,
    ) -> ToolAnswer:
        params = {
            "from": f"{from_law_id}:{from_path}",
            "to": f"{to_law_id}:{to_path}" if to_path else to_law_id,
            "max_depth": max_depth,
        }
        return await bridge.answer(await bridge.call("GET", "/v1/graph/path", params=params))
