"""The MCP server end to end with the SDK's own client: ``egov mcp`` over stdio (a subprocess) and streamable
HTTP at /mcp of a real Granian server, both on the small corpus."""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client

from egov_api.mcp_server import MAX_OUTPUT_CHARS

pytestmark = pytest.mark.integration

TOOLS = {
    "search_laws",
    "get_provision",
    "resolve_citations",
    "keyword_search",
    "search_cases",
    "cases_citing",
    "law_revisions",
    "law_diff",
    "law_amendments",
    "defined_terms",
    "provision_citations",
    "provision_cited_by",
    "citation_path",
}


@pytest.fixture(scope="module")
def mcp_http(lawapi_http: str) -> str:
    """The /mcp URL of the served app."""
    return lawapi_http + "/mcp"


@asynccontextmanager
async def stdio_session(lawapi_db: str) -> AsyncIterator[ClientSession]:
    egov = str(Path(sys.executable).with_name("egov"))
    env = {"EGOV_DATABASE__URL": lawapi_db, "EGOV_VECTOR__ENABLED": "false"}
    params = StdioServerParameters(command=egov, args=["mcp"], env=env)
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        yield session


@asynccontextmanager
async def http_session(url: str) -> AsyncIterator[ClientSession]:
    async with streamable_http_client(url) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        yield session


def answer(result: Any) -> dict[str, Any]:
    assert not result.is_error, result.content
    data: dict[str, Any] = result.structured_content
    assert data is not None
    assert len(json.dumps(data, ensure_ascii=False)) <= MAX_OUTPUT_CHARS + 2_000  # provenance beside the bound
    return data


async def exercise(session: ClientSession) -> None:
    tools = {t.name: t for t in (await session.list_tools()).tools}
    assert set(tools) == TOOLS  # Lite: no semantic / hybrid tools
    for tool in tools.values():
        assert tool.description
        assert tool.input_schema["type"] == "object"
        assert tool.output_schema is not None
        assert tool.annotations is not None
        assert tool.annotations.read_only_hint is True

    found = answer(await session.call_tool("search_laws", {"query": "民法"}))
    assert "129AC0000000089" in {p["law_id"] for p in found["provenance"]}

    by_path = answer(
        await session.call_tool("get_provision", {"law_id": "129AC0000000089", "path": "MainProvision-Article_709"})
    )
    assert "故意又は過失" in by_path["result"]["full_text"]
    prov = by_path["provenance"][0]
    assert prov["law_id"] == "129AC0000000089"
    assert prov["law_revision_id"]
    assert prov["egov_url"] == "https://laws.e-gov.go.jp/law/129AC0000000089"
    assert by_path["data_version"] >= 1

    by_citation = answer(await session.call_tool("get_provision", {"citation": "民法第七百九条"}))
    assert by_citation["result"]["path"] == "MainProvision-Article_709"

    cited = answer(await session.call_tool("resolve_citations", {"text": "民法第七百九条及び第七百十条による。"}))
    assert [c["resolution"]["path"] for c in cited["result"]["items"]] == [
        "MainProvision-Article_709",
        "MainProvision-Article_710",
    ]

    # The citation graph (built for the constitution): 第六十一条 「前条第二項の規定を準用する」.
    kenpo = "321CONSTITUTION"
    out = answer(await session.call_tool("provision_citations", {"law_id": kenpo, "path": "MainProvision-Article_61"}))
    assert [(c["raw"], c["target_path"]) for c in out["result"]["items"]] == [
        ("前条第二項", "MainProvision-Article_60-Paragraph_2")
    ]
    into = answer(
        await session.call_tool("provision_cited_by", {"law_id": kenpo, "path": "MainProvision-Article_60-Paragraph_2"})
    )
    assert "MainProvision-Article_61-Paragraph_1" in {i["path"] for i in into["result"]["items"]}
    chain = answer(
        await session.call_tool(
            "citation_path",
            {"from_law_id": kenpo, "from_path": "Article_61", "to_law_id": kenpo, "to_path": "Article_60"},
        )
    )
    assert [s["target_path"] for s in chain["result"]["steps"]] == ["MainProvision-Article_60-Paragraph_2"]
    nowhere = await session.call_tool(
        "citation_path", {"from_law_id": kenpo, "from_path": "Article_60", "to_law_id": "129AC0000000089"}
    )
    assert nowhere.is_error

    hits = answer(await session.call_tool("keyword_search", {"query": "不法行為", "limit": 5}))
    assert hits["result"]["items"]
    assert all(p["law_revision_id"] for p in hits["provenance"])

    revisions = answer(await session.call_tool("law_revisions", {"law_id": "505AC0000000032"}))
    assert len(revisions["result"]["items"]) >= 3

    diff = answer(
        await session.call_tool(
            "law_diff",
            {
                "law_id": "505AC0000000032",
                "from_revision": "505AC0000000032_20230630_000000000000000",
                "to_revision": "505AC0000000032_20240218_000000000000000",
            },
        )
    )
    assert diff["result"]["counts"]["inserted"] > 0
    assert diff["result"]["changes"]
    assert [a["law_revision_id"] for a in diff["result"]["amendments"]] == ["505AC0000000032_20240218_000000000000000"]
    timeline = answer(
        await session.call_tool("law_amendments", {"law_id": "505AC0000000032", "enforced_after": "2023-06-01"})
    )
    assert [i["amendment"]["enforcement_date"] for i in timeline["result"]["items"]] == ["2023-06-30", "2024-02-18"]
    terms = answer(await session.call_tool("defined_terms", {"law_id": "415AC0000000057", "term": "個人データ"}))
    assert [d["path"] for d in terms["result"]["items"]] == ["MainProvision-Article_2-Paragraph_6"]
    where = answer(await session.call_tool("defined_terms", {"term": "個人情報"}))
    assert "415AC0000000057" in {d["law_id"] for d in where["result"]["items"]}
    used = answer(
        await session.call_tool(
            "get_provision",
            {"law_id": "415AC0000000057", "path": "MainProvision-Article_23", "definitions": True},
        )
    )
    assert "個人データ" in {d["term"] for d in used["result"]["definitions"]}
    assert (await session.call_tool("defined_terms", {})).is_error

    answer(await session.call_tool("cases_citing", {"law_id": "129AC0000000089", "path": "MainProvision-Article_709"}))
    answer(await session.call_tool("search_cases", {"query": "損害賠償"}))

    # Bad input is a tool error naming the problem, never a crash.
    missing = await session.call_tool(
        "get_provision", {"law_id": "129AC0000000089", "path": "MainProvision-Article_99999"}
    )
    assert missing.is_error
    assert "404" in missing.content[0].text
    invalid = await session.call_tool("keyword_search", {"query": "", "limit": 500})
    assert invalid.is_error
    neither = await session.call_tool("get_provision", {})
    assert neither.is_error
    unknown_law = await session.call_tool("law_revisions", {"law_id": "999AC0000000999"})
    assert unknown_law.is_error


async def test_mcp_over_stdio(lawapi_db: str) -> None:
    async with stdio_session(lawapi_db) as session:
        await exercise(session)


async def test_mcp_over_streamable_http(mcp_http: str) -> None:
    async with http_session(mcp_http) as session:
        await exercise(session)


async def test_tool_output_is_bounded(mcp_http: str) -> None:
    text = "民法第七百九条、" * 1200  # 1,200 citations: far beyond the bound once resolved
    async with http_session(mcp_http) as session:
        data = answer(await session.call_tool("resolve_citations", {"text": text[:10_000]}))
    assert data["truncated"] is True


def _sse_json(body: str) -> dict[str, Any]:
    """The JSON-RPC message of a one-event SSE answer."""
    data = [line.removeprefix("data:").strip() for line in body.splitlines() if line.startswith("data:")]
    assert len(data) == 1, body[:300]
    message: dict[str, Any] = json.loads(data[0])
    return message


def test_any_request_is_answered_without_a_session(mcp_http: str) -> None:
    """Stateless /mcp: a request needs no session another process opened (with several workers or pods, the
    client's next connection may reach any of them; a stateful session answered "Session not found" there)."""
    headers = {"accept": "application/json, text/event-stream", "content-type": "application/json"}
    call = {
        "jsonrpc": "2.0",
        "id": 7,
        "method": "tools/call",
        "params": {"name": "law_revisions", "arguments": {"law_id": "505AC0000000032"}},
    }
    init = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}},
    }
    opened = httpx.post(mcp_http, json=init, headers=headers, timeout=30)
    assert opened.status_code == 200, opened.text
    assert "mcp-session-id" not in opened.headers  # nothing kept per client
    for _ in range(4):  # a new connection each time, no session id, no initialize on it
        r = httpx.post(mcp_http, json=call, headers={**headers, "mcp-protocol-version": "2025-06-18"}, timeout=30)
        assert r.status_code == 200, r.text
        result = _sse_json(r.text)["result"]
        assert not result["isError"], result
        assert "505AC0000000032" in json.dumps(result["structuredContent"])
