"""MCP tools over laws and their text: find a law, read a provision, resolve citations, revisions, 新旧対照
diffs, amendments and defined terms."""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from egov_api.mcp_bridge import READ_ONLY, ApiBridge, AsOf, LawId, Limit, ToolAnswer

__all__ = ["register"]


def register(server: MCPServer[Any], bridge: ApiBridge) -> None:
    """Add the law and text tools to ``server``."""

    @server.tool(
        annotations=READ_ONLY,
        description="Find laws by title, common abbreviation (労基法) or law number (昭和二十二年法律第四十九号).",
    )
    async def search_laws(
        query: Annotated[str, Field(min_length=1, max_length=100, description="Title, abbreviation or law number.")],
        limit: Limit = 10,
    ) -> ToolAnswer:
        if "号" in query and "第" in query:
            data = await bridge.call("GET", "/api/2/laws", params={"law_num": query, "limit": limit})
            laws = [
                {
                    "law_id": x["law_info"]["law_id"],
                    "title": x["revision_info"]["law_title"],
                    "law_num": x["law_info"]["law_num"],
                }
                for x in data["laws"]
            ]
            return await bridge.answer({"total": data["total_count"], "items": laws})
        by_abbrev = await bridge.call("GET", "/v1/laws", params={"abbrev": query, "limit": limit})
        if by_abbrev["items"]:
            return await bridge.answer(by_abbrev)
        return await bridge.answer(await bridge.call("GET", "/v1/laws", params={"title": query, "limit": limit}))

    @server.tool(
        annotations=READ_ONLY,
        description=(
            "Read a provision: by e-Gov elm path (law_id + path, e.g. MainProvision-Article_709-Paragraph_1) or by a "
            "citation string (民法第七百九条第一項, 労基法20条). Optionally as in force on a date (asof)."
        ),
    )
    async def get_provision(
        law_id: Annotated[str | None, Field(pattern=r"^[0-9A-Za-z_]{3,40}$", description="e-Gov 法令ID.")] = None,
        path: Annotated[
            str | None, Field(max_length=300, description="elm path, e.g. MainProvision-Article_709.")
        ] = None,
        citation: Annotated[str | None, Field(max_length=200, description="A citation, e.g. 民法第七百九条.")] = None,
        asof: AsOf = None,
        definitions: Annotated[bool, Field(description="Also give the defined terms the provision uses.")] = False,
    ) -> ToolAnswer:
        if citation:
            resolved = (await bridge.call("GET", "/v1/resolve", params={"q": citation}))["resolution"]
            if resolved["status"] != "resolved" or not resolved.get("path"):
                raise ToolError(f"cannot resolve {citation!r}: {resolved.get('reason') or resolved['status']}")
            law_id, path = resolved["law_id"], resolved["path"]
        if not law_id or not path:
            raise ToolError("give law_id and path, or a citation")
        params = {"asof": asof, "expand": "definitions" if definitions else None}
        provision = await bridge.call("GET", f"/v1/laws/{law_id}/provisions/{path}", params=params)
        return await bridge.answer(provision)

    @server.tool(
        annotations=READ_ONLY,
        description="Find and resolve every statute citation in a Japanese text (条・項・号, 同法, 前条 …).",
    )
    async def resolve_citations(
        text: Annotated[str, Field(min_length=1, max_length=10_000, description="The text to read.")],
    ) -> ToolAnswer:
        return await bridge.answer(await bridge.call("POST", "/v1/citations", body={"text": text}))

    @server.tool(
        annotations=READ_ONLY,
        description="A law's revisions (versions of its text), newest first, with enforcement dates.",
    )
    async def law_revisions(law_id: LawId) -> ToolAnswer:
        return await bridge.answer(await bridge.call("GET", f"/v1/laws/{law_id}/revisions"))

    @server.tool(
        annotations=READ_ONLY,
        description=(
            "新旧対照: what changed in a law between two revisions or dates (provisions inserted, deleted, amended, "
            "renumbered, with character edits), and the amendments in between. from / to: a law_revision_id or a "
            "date (YYYY-MM-DD); to defaults to the current text."
        ),
    )
    async def law_diff(
        law_id: LawId,
        from_revision: Annotated[
            str, Field(pattern=r"^[0-9A-Za-z_\-]{1,64}$", description="Revision id or date to compare from.")
        ],
        to_revision: Annotated[
            str | None, Field(pattern=r"^[0-9A-Za-z_\-]{1,64}$", description="Revision id or date to compare to.")
        ] = None,
        limit: Limit = 10,
    ) -> ToolAnswer:
        params = {"from": from_revision, "to": to_revision, "limit": limit}
        return await bridge.answer(await bridge.call("GET", f"/v1/laws/{law_id}/diff", params=params))

    @server.tool(
        annotations=READ_ONLY,
        description=(
            "A law's amendments enforced between two dates (exclusive bounds), each with the provisions it changed; "
            "pending=true keeps those not yet in force (未施行)."
        ),
    )
    async def law_amendments(
        law_id: LawId,
        enforced_after: AsOf = None,
        enforced_before: AsOf = None,
        pending: Annotated[bool, Field(description="Only amendments not yet in force today.")] = False,
        limit: Limit = 10,
    ) -> ToolAnswer:
        params = {
            "enforced_after": enforced_after,
            "enforced_before": enforced_before,
            "pending": pending,
            "limit": limit,
        }
        return await bridge.answer(await bridge.call("GET", f"/v1/laws/{law_id}/amendments", params=params))

    @server.tool(
        annotations=READ_ONLY,
        description=(
            "Defined terms (定義語): a law's definitions with their scope (law_id, optionally one term), or every law "
            "that defines a term (term alone)."
        ),
    )
    async def defined_terms(
        law_id: Annotated[str | None, Field(pattern=r"^[0-9A-Za-z_]{3,40}$", description="e-Gov 法令ID.")] = None,
        term: Annotated[str | None, Field(min_length=1, max_length=60, description="The term, e.g. 個人情報.")] = None,
        asof: AsOf = None,
        limit: Limit = 20,
    ) -> ToolAnswer:
        if law_id:
            params = {"term": term, "asof": asof, "limit": limit}
            return await bridge.answer(await bridge.call("GET", f"/v1/laws/{law_id}/definitions", params=params))
        if not term:
            raise ToolError("give law_id (a law's definitions) or term (where it is defined)")
        return await bridge.answer(await bridge.call("GET", "/v1/definitions", params={"term": term, "limit": limit}))
