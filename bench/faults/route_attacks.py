"""Worst inputs on the routes added after the first fault table: 新旧対照 diffs across the most distant revisions of
the largest law, the citation graph where it is densest, the e-Gov-compatible keyword search and full texts at
their bounds, and the MCP endpoint (oversized, batched, huge tool arguments, a flood of sessions).

Each attack picks its targets from the stack's own database, so the same rows run on the sample corpus (the
quick run) and on the sample plus the shared data's multi-revision laws (``nox -s faults``).
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx

from bench.faults.load import Tally
from bench.faults.rows import Row
from bench.faults.server_attacks import _as_client, _client, _finish
from bench.faults.stack import Stack

MB = 1e6
#: Longest a worst-case answer may take on the loaded 2-core host the table is measured on.
WORST_S = 10.0


def _check_common(row: Row) -> None:
    row.check("0 5xx (503 + Retry-After allowed), 0 timeouts", row.tally.server_errors == 0 and row.tally.timeouts == 0)
    row.check(f"every answer < {WORST_S:.0f} s", row.tally.worst_s < WORST_S)


def _statuses(row: Row) -> None:
    row.tally.notes.append("statuses " + ", ".join(f"{k}×{v}" for k, v in sorted(row.tally.statuses.items())))


class Slowest:
    """The slowest request of a row, named in its notes (which input costs most)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.what = ""

    async def send(
        self, row: Row, client: httpx.AsyncClient, method: str, url: str, **kwargs: Any
    ) -> httpx.Response | None:
        started = time.monotonic()
        response = await row.tally.send(client, method, url, **kwargs)
        took = time.monotonic() - started
        if took > self.seconds:
            params = kwargs.get("params") or {}
            shown = "&".join(f"{k}={str(v)[:24]}" for k, v in params.items())
            self.seconds, self.what = took, f"{method} {url[:60]}{'?' + shown if shown else ''}"
        return response

    def note(self, row: Row) -> None:
        if self.what:
            row.tally.notes.append(f"slowest {self.seconds:.1f} s: {self.what}")


def _diff_targets(stack: Stack, quick: bool) -> list[tuple[str, list[str]]]:
    """(law_id, its revision ids oldest first) of the largest laws with more than one revision."""
    rows = stack.fetch(
        "SELECT law_id, array_agg(law_revision_id ORDER BY enforcement_date NULLS FIRST, law_revision_id), "
        "max(length(tree)) FROM law_revisions GROUP BY law_id HAVING count(*) > 1 ORDER BY 3 DESC LIMIT $1",
        1 if quick else 2,
    )
    return [(law_id, list(revisions)) for law_id, revisions, _ in rows]


def diff_worst(stack: Stack, quick: bool) -> Row:
    """新旧対照 of the largest multi-revision laws between their most distant revisions (both ways), JSON with every
    unchanged provision and HTML, and across the most amendments the diff still credits one by one; then all at
    once."""
    from egov_api.routes.diff import ATTRIBUTION_MAX_STEPS

    row = Row("diff: largest law, most distant revisions", Tally(), rss_before=stack.rss_mb())
    slow = Slowest()
    probes: list[tuple[str, dict[str, Any]]] = []
    for law_id, revisions in _diff_targets(stack, quick):
        pairs = [(revisions[0], revisions[-1]), (revisions[-1], revisions[0])]
        if len(revisions) > ATTRIBUTION_MAX_STEPS + 1:  # the longest chain still attributed amendment by amendment
            pairs.append((revisions[0], revisions[ATTRIBUTION_MAX_STEPS]))
        for old, new in pairs[: 1 if quick else None]:
            url = f"/v1/laws/{law_id}/diff"
            probes.append((url, {"from": old, "to": new, "include_unchanged": "true", "limit": 500}))
            probes.append((url, {"from": old, "to": new, "format": "html"}))
    biggest = 0

    async def go() -> None:
        nonlocal biggest
        async with _client(stack, timeout=60, headers=_as_client()) as client:
            for url, params in probes:  # one by one: each one's own latency
                r = await slow.send(row, client, "GET", url, params=params)
                biggest = max(biggest, len(r.content) if r is not None else 0)
            if not quick:  # all at once, uncached (a page further on each): the workers' memory under the pile-up
                await asyncio.gather(
                    *(slow.send(row, client, "GET", url, params={**params, "offset": 1}) for url, params in probes)
                )

    asyncio.run(go())
    _check_common(row)
    row.check(f"{len(probes)} probes (a multi-revision law found)", len(probes) > 0)
    row.check(f"largest body {biggest / MB:.1f} MB < 10 MB", biggest < 10 * MB)
    _statuses(row)
    slow.note(row)
    # Diffs are cached like every law read (an HTML diff of 電気事業法 is 0.6 MB): bounded by the same caches.
    return _finish(row, stack, caches_mb=_cache_budget_mb(stack))


def graph_densest(stack: Stack, quick: bool) -> Row:
    """/cited-by on the most cited provision and on a whole law's main provision, /citations on the provision
    with the most references, /graph on the law with the most edges: largest pages, deepest offsets, at once;
    /v1/graph/path from the most citing provision to the most cited one, the densest law and a law nothing
    cites, at the deepest bound."""
    row = Row("graph: most cited provision, densest law", Tally(), rss_before=stack.rss_mb())
    slow = Slowest()
    cited = stack.fetch(
        "SELECT e.target_law_id, e.target_path FROM citation_edges e JOIN laws l ON l.current_revision_id = e.revision_id "
        "WHERE e.target_path IS NOT NULL GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1"
    )
    citing = stack.fetch(
        "SELECT r.law_id, e.path FROM citation_edges e JOIN law_revisions r ON r.id = e.revision_id "
        "JOIN laws l ON l.current_revision_id = r.id GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1"
    )
    densest = stack.fetch(
        "SELECT r.law_id FROM citation_edges e JOIN law_revisions r ON r.id = e.revision_id "
        "JOIN laws l ON l.current_revision_id = r.id GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
    )
    # A law nothing cites: a path to it explores up to the route's bound before answering 404 / 422.
    unreached = stack.fetch(
        "SELECT l.law_id FROM laws l WHERE NOT EXISTS "
        "(SELECT 1 FROM citation_edges e WHERE e.target_law_id = l.law_id) ORDER BY l.law_id LIMIT 1"
    )
    paths: list[dict[str, Any]] = []
    for law_id, path in citing:
        start = f"{law_id}:{path}"
        paths += [{"from": start, "to": f"{to_law}:{to_path}", "max_depth": 6} for to_law, to_path in cited]
        paths += [{"from": start, "to": to_law, "max_depth": 6} for (to_law,) in [*densest, *unreached]]
    path_statuses: list[int] = []
    probes: list[tuple[str, dict[str, Any]]] = []
    for law_id, path in cited:
        for where in (path, "MainProvision"):
            base = f"/v1/laws/{law_id}/provisions/{where}/cited-by"
            probes += [(base, {"limit": 500}), (base, {"limit": 500, "offset": 100_000})]
            probes += [(base, {"limit": 500, "source": "decision"}), (base, {"limit": 500, "kind": "delegates"})]
    for law_id, path in citing:
        for where in (path, "MainProvision"):
            probes.append((f"/v1/laws/{law_id}/provisions/{where}/citations", {"limit": 500}))
    for (law_id,) in densest:
        probes.append((f"/v1/laws/{law_id}/graph", {}))
    copies = 1 if quick else 2

    async def go() -> None:
        async with _client(stack, timeout=60, headers=_as_client()) as client:
            for url, params in probes:
                await slow.send(row, client, "GET", url, params=params)
            # Uncached copies at once (each asks one more item: another cache key).
            await asyncio.gather(
                *(
                    slow.send(
                        row,
                        client,
                        "GET",
                        url,
                        params={**params, "limit": 499 - i} if params else {"asof": f"2099-01-{i + 1:02d}"},
                    )
                    for url, params in probes
                    for i in range(copies)
                )
            )
            # Shortest citation paths at the deepest bound, then uncached copies at once (other depths).
            answers = [await slow.send(row, client, "GET", "/v1/graph/path", params=p) for p in paths]
            answers += await asyncio.gather(
                *(
                    slow.send(row, client, "GET", "/v1/graph/path", params={**p, "max_depth": 5 - i})
                    for p in paths
                    for i in range(copies)
                )
            )
            path_statuses.extend(a.status_code for a in answers if a is not None)

    asyncio.run(go())
    _check_common(row)
    row.check(f"targets found ({len(probes)} probes)", bool(cited and citing and densest))
    refused = sum(1 for status in path_statuses if status != 200)
    row.check(
        f"{len(path_statuses)} paths answered: found, 404 no path or 422 past the bound",
        len(path_statuses) == len(paths) * (1 + copies) and set(path_statuses) <= {200, 404, 422},
    )
    row.check("every other probe answered 200", row.tally.statuses.get(200, 0) == row.tally.requests - refused)
    _statuses(row)
    slow.note(row)
    return _finish(row, stack)


#: Inside /api/2/keyword's bounds (200 characters, 16 terms): the commonest one-character terms, OR'd.
COMMON_OR = " OR ".join("のにはをがでともる法条項号者定")
KEYWORDS = [
    COMMON_OR,
    " ".join("のにはをがでともる法条項号者定"),  # 16 terms that must all occur
    "の " + " ".join(f"NOT {c}" for c in "甲乙丙丁戊己庚辛壬癸子丑寅卯辰"),  # one term, 15 exclusions
    '"' + "法" * 198 + '"',  # the longest phrase
    "法" * 200,  # the longest bare term
]


def _largest_law(stack: Stack) -> str:
    rows = stack.fetch(
        "SELECT l.law_id FROM laws l JOIN law_revisions r ON r.id = l.current_revision_id "
        "ORDER BY length(r.tree) DESC LIMIT 1"
    )
    return str(rows[0][0])


def _cache_budget_mb(stack: Stack) -> float:
    """What the workers' bounded caches may hold (MB): the in-process response cache and /api/2/law_data's
    parsed law trees, in each worker."""
    from egov_api.lawapi.v2_law_data import TREES
    from egov_core.settings import CacheSettings

    per_worker = int(CacheSettings.model_fields["l1_max_bytes"].default) + TREES.max_bytes
    return len(stack.workers()) * per_worker / MB


def lawapi_worst(stack: Stack, quick: bool) -> Row:
    """/api/2/keyword with the widest expressions its bounds allow (1,000 sentences of 10,000 characters, deepest
    offset, XML), /api/2/law_data and /api/1/lawdata of the largest law (full text in every format); then twice
    more at once, each time under new cache keys: once the caches are full, memory must stop growing."""
    row = Row("e-Gov API: widest keyword, largest full text", Tally(), rss_before=stack.rss_mb())
    slow = Slowest()
    law = _largest_law(stack)
    probes: list[tuple[str, dict[str, Any]]] = []
    for keyword in KEYWORDS[:1] if quick else KEYWORDS:
        wide = {"keyword": keyword, "limit": 1000, "sentence_text_size": 10_000}
        probes += [("/api/2/keyword", wide), ("/api/2/keyword", {**wide, "offset": 9000, "response_format": "xml"})]
    formats: list[dict[str, str]] = [
        {},
        {"response_format": "xml"},
        {"law_full_text_format": "xml"},  # XML text inside JSON: Base64
        {"omit_amendment_suppl_provision": "true"},
        {"elm": "MainProvision"},
    ]
    probes += [(f"/api/2/law_data/{law}", f) for f in (formats[:2] if quick else formats)]
    probes += [(f"/api/1/lawdata/{law}", {}), (f"/api/1/articles;lawId={law};article=1", {})]
    biggest = 0
    rss_mid = 0.0

    async def go() -> None:
        nonlocal biggest, rss_mid
        async with _client(stack, timeout=60, headers=_as_client()) as client:
            for url, params in probes:
                r = await slow.send(row, client, "GET", url, params=params)
                biggest = max(biggest, len(r.content) if r is not None else 0)
            # New cache keys each round (a future asof reads today's revision): computed again, at once. Not in
            # the quick run: on a loaded 2-core host the pile-up alone approaches the row's latency bound.
            for year in range(2090, 2090 if quick else 2093):
                if year == 2091:
                    rss_mid = stack.rss_mb()
                await asyncio.gather(
                    *(
                        slow.send(row, client, "GET", url, params={**params, "asof": f"{year}-01-01"})
                        for url, params in probes
                        if url.startswith("/api/2/")  # /api/1 takes no asof
                    )
                )

    asyncio.run(go())
    _check_common(row)
    row.check(f"largest body {biggest / MB:.1f} MB < 20 MB", biggest < 20 * MB)
    statuses = row.tally.statuses
    answered = sum(v for k, v in statuses.items() if k == 200 or 400 <= k < 500 or k == 503)
    row.check("every answer a 200, a 4xx or a 503 + Retry-After", answered == row.tally.requests)
    if not quick:
        grown = stack.rss_mb() - rss_mid
        row.check(f"the last two rounds grew RSS {grown:.0f} MB < 50 MB (bounded)", grown < 50)
    row.tally.notes.append(f"largest law {law}")
    _statuses(row)
    slow.note(row)
    return _finish(row, stack, caches_mb=_cache_budget_mb(stack))


MCP_HEADERS = {"accept": "application/json, text/event-stream", "content-type": "application/json"}
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "faults", "version": "0"}},
}


def _call(i: int, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": i, "method": "tools/call", "params": {"name": tool, "arguments": arguments}}


def mcp_abuse(stack: Stack, quick: bool) -> Row:
    """/mcp: calls on new connections (any worker), a 2 MB JSON-RPC body, 1 MB of nesting, batches, tool calls with
    huge arguments, a whole law through a tool, and a flood of sessions opened and never closed."""
    row = Row("MCP: oversized, batch, huge arguments, session flood", Tally(), rss_before=stack.rss_mb())
    flood = 200 if quick else 2000
    law = _largest_law(stack)
    failed: list[str] = []
    flood_mb = 0.0
    probes: list[tuple[str, bytes]] = [
        ("2 MB body", b'{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{"x":"' + b"a" * 2_000_000 + b'"}}'),
        ("800 KB of nesting", b'{"jsonrpc":"2.0","id":3,"params":' + b"[" * 400_000 + b"]" * 400_000 + b"}"),
        (
            "batch of 1,000",
            json.dumps([{"jsonrpc": "2.0", "id": i, "method": "tools/list"} for i in range(1000)]).encode(),
        ),
        ("batch of 50 calls", json.dumps([_call(i, "keyword_search", {"query": "契約"}) for i in range(50)]).encode()),
        ("citations in 100,000 chars", json.dumps(_call(4, "resolve_citations", {"text": "第一条" * 33_333})).encode()),
        ("citations in 300,000 chars", json.dumps(_call(5, "resolve_citations", {"text": "民" * 300_000})).encode()),
        ("query of 100,000 chars", json.dumps(_call(6, "keyword_search", {"query": "税" * 100_000})).encode()),
        (
            "20,000 unknown arguments",
            json.dumps(_call(7, "law_revisions", {"law_id": law, **{f"a{i}": i for i in range(20_000)}})).encode(),
        ),
        ("a whole law", json.dumps(_call(8, "get_provision", {"law_id": law, "path": "MainProvision"})).encode()),
        ("the largest diff", json.dumps(_call(9, "law_diff", {"law_id": law, "from_revision": "1900-01-01"})).encode()),
    ]

    async def go() -> None:
        async with _client(stack, timeout=60) as client:
            me = {**MCP_HEADERS, **_as_client()}
            r = await row.tally.send(client, "POST", "/mcp", json=INITIALIZE, headers=me)
            session = {**me, "mcp-protocol-version": "2025-06-18"}
            if r is not None and "mcp-session-id" in r.headers:  # a stateful server: its session on every call
                session["mcp-session-id"] = r.headers["mcp-session-id"]
            initialized = {"jsonrpc": "2.0", "method": "notifications/initialized"}
            await row.tally.send(client, "POST", "/mcp", json=initialized, headers=session)
            # A client's next connection may reach any worker (or pod): each call on a connection of its own.
            for i in range(10):
                async with _client(stack, timeout=60) as fresh:
                    call = _call(i, "law_revisions", {"law_id": law})
                    r = await row.tally.send(fresh, "POST", "/mcp", json=call, headers=session)
                if r is None or r.status_code != 200:
                    failed.append(f"call {i} on a new connection: {r.status_code if r is not None else 'no answer'}")
            for label, body in probes:
                started = time.monotonic()
                r = await row.tally.send(client, "POST", "/mcp", content=body, headers=session)
                label = f"{label} ({time.monotonic() - started:.1f} s)"
                if r is None or r.status_code >= 500:
                    failed.append(f"{label}: {r.status_code if r is not None else 'no answer'}")
                row.tally.notes.append(f"{label}: {r.status_code if r is not None else '-'}")
            # Sessions opened and left open, each from an address of its own (as many clients would).
            sem = asyncio.Semaphore(16)

            async def open_one(i: int) -> None:
                async with sem:
                    ip = {"x-forwarded-for": f"198.51.{i // 250}.{i % 250 + 1}"}
                    await row.tally.send(client, "POST", "/mcp", json=INITIALIZE, headers={**MCP_HEADERS, **ip})

            nonlocal flood_mb
            before = stack.rss_mb()
            await asyncio.gather(*(open_one(i) for i in range(flood)))
            flood_mb = stack.rss_mb() - before

    asyncio.run(go())
    _check_common(row)
    row.check("every call answered on any connection, no probe a 5xx", not failed)
    row.tally.notes.extend(failed)
    row.check(f"{flood:,} sessions opened and left open grew RSS {flood_mb:.0f} MB < 20 MB", flood_mb < 20)
    _statuses(row)
    # The tools read through the app in-process: a whole law and a diff fill the same bounded caches as HTTP.
    return _finish(row, stack, caches_mb=_cache_budget_mb(stack))


ATTACKS = [diff_worst, graph_densest, lawapi_worst, mcp_abuse]
