"""What every MCP tool shares: the in-process bridge to egov's routes, the size bound, provenance, and the
parameter types the tools declare."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import httpx
import orjson
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import BaseModel, Field
from starlette.types import ASGIApp

__all__ = [
    "ATTRIBUTION",
    "MAX_OUTPUT_CHARS",
    "MAX_TOOL_LIMIT",
    "READ_ONLY",
    "ApiBridge",
    "AsOf",
    "LawId",
    "Limit",
    "Provenance",
    "ToolAnswer",
    "bound",
]

#: Largest JSON a tool returns (characters): lists are cut to fit, and ``truncated`` says so.
MAX_OUTPUT_CHARS = 20_000
#: Largest page a tool asks for (LLM contexts are small; HTTP allows 100).
MAX_TOOL_LIMIT = 20
EGOV_LAW_URL = "https://laws.e-gov.go.jp/law/{law_id}"
ATTRIBUTION = "出典：e-Gov法令検索 (https://laws.e-gov.go.jp/) — processed data; not the official text."


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
