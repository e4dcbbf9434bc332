"""``python -m bench.citations [--quick]``: citation extraction is linear, and POST /v1/citations stays in bounds.

Two parts, both as ratios measured in the same run (never a wall-clock assertion):

1. Scaling of the parser (``iter_citations``) on the hostile inputs of the hardening review and on real
   text: time (best of k) and peak traced memory at n, 2n and 4n characters; linear means ×2 and ×4.
2. The route over real HTTP: Granian (one worker) over a fresh database holding a few laws, each hostile
   input at the documented limit (100,000 characters, ``limit=1000``): latency, response size and the
   worker's RSS before and after.

Prints a Markdown table and writes ``bench/results/<timestamp>.citations.json``.
"""

from __future__ import annotations

import argparse
import json
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psutil  # type: ignore[import-untyped]  # no types-psutil in the dev set

from bench.infra import REPO, egov_env, fresh_database, http_server, shared_data
from bench.ingest import ingest_subprocess

#: The inputs that were quadratic once, and a real judgment for comparison.
HOSTILE = {
    "第一条 ×": "第一条",
    "民法第七百九条 ×": "民法第七百九条",
    "一 ×": "一",
    "何々法第一条 ×": "何々法第一条",
    "漢×150 + 法第一条 ×": "漢" * 150 + "法第一条",
    "法律第一号 ×": "法律第一号",
}
LAWS = ("129AC0000000089", "140AC0000000045", "321CONSTITUTION", "322AC0000000049", "403AC0000000090")


def _real_text() -> str:
    """The longest judgment text of the shared decisions (real citation density)."""
    texts = []
    for f in sorted((shared_data() / "cases").glob("*.json")):
        record = json.loads(f.read_text(encoding="utf-8"))
        texts.append(record.get("contents") or "")
    return max(texts, key=len)


def _sized(unit: str, n: int) -> str:
    return (unit * (n // len(unit) + 1))[:n]


def _parse_cost(text: str, repeats: int) -> tuple[float, int, int]:
    """(best seconds, peak traced bytes, citations) of parsing ``text`` completely."""
    from egov_core.citations import default_name_table, iter_citations

    names = default_name_table()
    best = float("inf")
    count = 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        count = sum(1 for _ in iter_citations(text, names=names))
        best = min(best, time.perf_counter() - t0)
    tracemalloc.start()
    for _ in iter_citations(text, names=names):
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return best, peak, count


def scaling(n: int, repeats: int) -> list[dict[str, Any]]:
    """Parser cost at n, 2n, 4n characters for every input, with the ratios to n."""
    real = _real_text()
    inputs = {**HOSTILE, "judgment (repeated)": real}
    rows = []
    for name, unit in inputs.items():
        costs = [_parse_cost(_sized(unit, k * n), repeats) for k in (1, 2, 4)]
        t1, m1, _ = costs[0]
        rows.append(
            {
                "input": name,
                "n": n,
                "citations_4n": costs[2][2],
                "ms": [round(c[0] * 1000, 2) for c in costs],
                "time_ratio": [round(c[0] / t1, 2) for c in costs[1:]],
                "peak_kib": [round(c[1] / 1024) for c in costs],
                "mem_ratio": [round(c[1] / m1, 2) for c in costs[1:]],
            }
        )
    return rows


def _rss_mb(proc: psutil.Process) -> float:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            continue
    return round(total / 2**20, 1)


def http_limits(rounds: int) -> list[dict[str, Any]]:
    """Each hostile input at 100,000 characters through POST /v1/citations on a real server."""
    files = [shared_data() / "laws" / "xml" / f"{law_id}.xml" for law_id in LAWS]
    rows = []
    with fresh_database("egov_bench_cit") as url:
        ingest_subprocess(url, [("laws", files)], workers=1)
        with (
            http_server(
                "egov",
                "granian",
                "egov_api.app:create_app",
                factory=True,
                env=egov_env(url),
                ready_path="/health/ready",
            ) as server,
            httpx.Client(base_url=server.base, timeout=120) as client,
        ):
            client.post("/v1/citations", json={"text": "民法第七百九条"})  # warm the name table
            inputs = {**HOSTILE, "judgment (repeated)": _real_text()}
            start_rss = _rss_mb(server.ps)
            pages = {f"{name} page at 99,000": (unit, 99_000) for name, unit in list(HOSTILE.items())[:2]}
            for name, (unit, offset) in {**{k: (u, 0) for k, u in inputs.items()}, **pages}.items():
                text = _sized(unit, 100_000)
                before = _rss_mb(server.ps)
                times = []
                size = count = 0
                truncated = False
                for _ in range(rounds):
                    t0 = time.perf_counter()
                    r = client.post("/v1/citations", json={"text": text, "limit": 1000, "offset": offset})
                    times.append(time.perf_counter() - t0)
                    r.raise_for_status()
                    body = r.json()
                    size, count, truncated = len(r.content), body["count"], body["truncated"]
                rows.append(
                    {
                        "input": name,
                        "chars": len(text),
                        "worst_ms": round(max(times) * 1000, 1),
                        "best_ms": round(min(times) * 1000, 1),
                        "citations": count,
                        "truncated": truncated,
                        "response_kib": round(size / 1024),
                        "rss_before_mb": before,
                        "rss_after_mb": _rss_mb(server.ps),
                        "rss_growth_from_start_mb": round(_rss_mb(server.ps) - start_rss, 1),
                    }
                )
    return rows


def _table(scale: list[dict[str, Any]], http: list[dict[str, Any]]) -> str:
    lines = [
        "| input | n | time n / 2n / 4n (ms) | time ×2n, ×4n | peak KiB n / 2n / 4n | memory ×2n, ×4n |",
        "|---|---|---|---|---|---|",
    ]
    for r in scale:
        lines.append(
            f"| {r['input']} | {r['n']:,} | {' / '.join(map(str, r['ms']))} | {' , '.join(map(str, r['time_ratio']))} "
            f"| {' / '.join(map(str, r['peak_kib']))} | {' , '.join(map(str, r['mem_ratio']))} |"
        )
    lines += [
        "",
        "| input (100,000 chars, limit=1000) | worst ms | citations | truncated | response KiB | worker RSS before → after (MB) |",
        "|---|---|---|---|---|---|",
    ]
    for r in http:
        lines.append(
            f"| {r['input']} | {r['worst_ms']} | {r['citations']} | {r['truncated']} | {r['response_kib']} "
            f"| {r['rss_before_mb']} → {r['rss_after_mb']} |"
        )
    return "\n".join(lines)


def main() -> None:
    """Run both parts, print the tables, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller n, fewer repeats")
    parser.add_argument("--no-http", action="store_true", help="parser scaling only (no database, no server)")
    args = parser.parse_args()
    n, repeats, rounds = (12_500, 3, 1) if args.quick else (25_000, 5, 3)
    scale = scaling(n, repeats)
    http = [] if args.no_http else http_limits(rounds)
    print(_table(scale, http))
    out = REPO / "bench" / "results" / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}.citations.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"scaling": scale, "http": http}, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nwritten: {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")


if __name__ == "__main__":
    main()
