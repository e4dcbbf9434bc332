"""The MCP server (official ``mcp`` SDK): egov's HTTP API as tools for LLM clients.

Every tool is a thin adapter over one of egov's own routes, called in-process through the app's ASGI
stack (fast path, cache, validation, limits and whatever guards the HTTP side has), so a tool answers
exactly what ``/v1`` answers and no second implementation exists. Bad input comes back as a tool error
(``isError``) naming the problem, as HTTP would answer it. Each answer is bounded (:data:`MAX_OUTPUT_CHARS`)
and carries provenance: law id, revision id, the e-Gov URL and the store's data version.

Transports: ``egov mcp`` (stdio, its own app in-process) and streamable HTTP at ``/mcp`` on the served app.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any, Literal

import httpx
import orjson
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import BaseModel, Field
from starlette.types import ASGIApp

from egov_api import __version__

__all__ = ["MAX_OUTPUT_CHARS", "ApiBridge", "ToolAnswer", "build_mcp_server"]

#: Largest JSON a tool returns (characters): lists are cut to fit, and ``truncated`` says so.
MAX_OUTPUT_CHARS = 20_000
#: Largest page a tool asks for (LLM contexts are small; HTTP allows 100).
MAX_TOOL_LIMIT = 20
EGOV_LAW_URL = "https://laws.e-gov.go.jp/law/{law_id}"
ATTRIBUTION = "出典：e-Gov法令検索 (https://laws.e-gov.go.jp/) — processed data; not the official text."

INSTRUCTIONS = (
    "egov answers questions about Japanese statutes (法令) and court decisions (判例) from a local copy of the "
    "e-Gov data. Find a law with search_laws, read provisions with get_provision (e-Gov elm path such as "
    "MainProvision-Article_709, or a citation such as 民法第七百九条), find provisions by words with "
    "keyword_search, resolve every citation in a text with resolve_citations, and find decisions with "
    "search_cases / cases_citing. Compare versions with law_diff (新旧対照) and law_amendments, and look up "
    "defined terms (定義語) with defined_terms. Cite the e-Gov URL of each provision you use."
)


class Provenance(BaseModel):
    """Where a law in an answer comes from."""

    law_id: str = Field(description="e-Gov 法令ID.")
    law_revision_id: str | None = Field(description="The revision the answer was read from (current if not pinned).")
    egov_url: str = Field(description="The law on e-Gov 法令検索.")


class ToolAnswer(BaseModel):
    """Every tool's output: the API's answer, bounded, with provenance."""

    result: Any = Field(description="The egov API's answer (JSON), lists cut to fit the size bound.")
    provenance: list[Provenance] = Field(description="Each law the answer mentions, with its revision and URL.")
    data_version: int = Field(description="The store's data version (changes with each published import).")
    truncated: bool = Field(description="True when lists were cut to keep the answer within the size bound.")
    attribution: str = ATTRIBUTION


class ApiBridge:
    """Calls egov's routes in-process through its ASGI app.

    Args:
        app: the egov ASGI app (``create_app()``), its lifespan running.
        revisions: ``law_ids -> {law_id: current law_revision_id}``, for provenance of answers that name none.
        data_version: the store's current data version.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        revisions: Callable[[list[str]], Any],
        data_version: Callable[[], int],
    ) -> None:
        self._client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://egov.mcp", timeout=60)
        self._revisions = revisions
        self._data_version = data_version

    async def aclose(self) -> None:
        """Close the in-process client."""
        await self._client.aclose()

    async def call(self, method: str, path: str, *, params: dict[str, Any] | None = None, body: Any = None) -> Any:
        """The route's JSON answer; a tool error with the problem's detail for any 4xx / 5xx."""
        query = {k: v for k, v in (params or {}).items() if v is not None}
        response = await self._client.request(method, path, params=query, json=body)
        if response.status_code >= 400:
            try:
                problem = response.json()
                detail = problem.get("detail") or problem.get("message") or problem.get("title")
                where = f" (parameter {problem['parameter']})" if problem.get("parameter") else ""
            except ValueError:
                detail, where = response.text[:200], ""
            raise ToolError(f"HTTP {response.status_code}: {detail}{where}")
        return response.json()

    async def answer(self, result: Any) -> ToolAnswer:
        """Bound ``result`` and attach provenance."""
        result, truncated = bound(result, MAX_OUTPUT_CHARS)
        pinned: dict[str, str | None] = {}
        for law_id, revision_id in _laws_in(result):
            if revision_id or law_id not in pinned:
                pinned[law_id] = revision_id or pinned.get(law_id)
        missing = [law_id for law_id, rev in pinned.items() if rev is None]
        current = await self._revisions(missing) if missing else {}
        provenance = [
            Provenance(law_id=i, law_revision_id=rev or current.get(i), egov_url=EGOV_LAW_URL.format(law_id=i))
            for i, rev in pinned.items()
        ]
        return ToolAnswer(result=result, provenance=provenance, data_version=self._data_version(), truncated=truncated)


def _laws_in(node: Any) -> list[tuple[str, str | None]]:
    """(law_id, law_revision_id or None) of every object in ``node`` naming a law, in order."""
    found: list[tuple[str, str | None]] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            law_id = item.get("law_id")
            if isinstance(law_id, str) and law_id:
                rev = item.get("law_revision_id")
                found.append((law_id, rev if isinstance(rev, str) else None))
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return found


def bound(result: Any, limit: int) -> tuple[Any, bool]:
    """``result`` with its longest lists (then long strings) cut until its JSON fits ``limit`` characters."""
    if len(orjson.dumps(result).decode()) <= limit:
        return result, False
    data = orjson.loads(orjson.dumps(result))
    for _ in range(200):
        if len(orjson.dumps(data).decode()) <= limit:
            return data, True
        longest = _longest(data)
        if longest is None:
            break
        container, key, value = longest
        container[key] = value[: max(len(value) // 2, 0)] if isinstance(value, list) else value[: len(value) // 2] + "…"
    text = orjson.dumps(data).decode()[: limit - 40]
    return {"cut_json": text}, True


def _longest(node: Any) -> tuple[Any, Any, Any] | None:
    best: tuple[int, Any, Any, Any] | None = None
    stack: list[Any] = [node]
    while stack:
        item = stack.pop()
        pairs = item.items() if isinstance(item, dict) else enumerate(item) if isinstance(item, list) else ()
        for key, value in pairs:
            if isinstance(value, list | str) and len(value) > 1:
                size = len(orjson.dumps(value))
                if best is None or size > best[0]:
                    best = (size, item, key, value)
            if isinstance(value, dict | list):
                stack.append(value)
    return None if best is None else (best[1], best[2], best[3])


#: Every tool only reads the local store (no side effects, no network beyond this process).
READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)

Limit = Annotated[int, Field(ge=1, le=MAX_TOOL_LIMIT, description=f"How many results (at most {MAX_TOOL_LIMIT}).")]
LawId = Annotated[str, Field(pattern=r"^[0-9A-Za-z_]{3,40}$", description="e-Gov 法令ID, e.g. 129AC0000000089 (民法).")]
AsOf = Annotated[str | None, Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="Read the text in force on this date.")]


def build_mcp_server(bridge: ApiBridge, *, vector: bool) -> MCPServer[Any]:
    """The MCP server with egov's tools (semantic / hybrid search only when ``vector`` routes are mounted)."""
    server: MCPServer[Any] = MCPServer("egov", version=__version__, instructions=INSTRUCTIONS, log_level="WARNING")

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


@asynccontextmanager
async def lifespan_of(app: ASGIApp) -> AsyncIterator[None]:
    """Run an ASGI app's lifespan (startup ... shutdown) around the block, through whatever wraps it.

    Startup and shutdown happen in one task of their own, as a server runs them: the app's lifespan holds
    task groups (the MCP session manager's) that must be left by the task that entered them.
    """
    to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    from_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": {}}
    task: asyncio.Task[None] = asyncio.create_task(app(scope, to_app.get, from_app.put))  # type: ignore[arg-type]  # ASGI callables

    async def reply() -> dict[str, Any]:
        getter = asyncio.create_task(from_app.get())
        await asyncio.wait([getter, task], return_when=asyncio.FIRST_COMPLETED)
        if not getter.done():
            getter.cancel()
            task.result()  # the app ended without answering: raise its error
            raise RuntimeError("the app's lifespan ended without answering")
        return getter.result()

    await to_app.put({"type": "lifespan.startup"})
    started = await reply()
    if started["type"] != "lifespan.startup.complete":
        raise RuntimeError(f"startup failed: {started.get('message', started['type'])}")
    try:
        yield
    finally:
        await to_app.put({"type": "lifespan.shutdown"})
        await reply()
        await task


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
