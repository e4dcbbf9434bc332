"""A capacity model for platform teams, computed from the bench's measured figures (README "Capacity").

    python -m bench.capacity [RESULTS.json] [--cache CACHE.json]    # prints the Markdown tables

Every input is either measured by the bench (CPU-µs per request of the server and of PostgreSQL per
scenario, ingest MB/s and CPU-s/MB, cache bytes per article from ``bench.cache_footprint``) or a stated
planning assumption (:data:`ASSUMPTIONS`): the route mix, the share of each day's requests in its peak
hour, the replica's CPU budget (the manifests' request at the HPA target) and the corpus size.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"

#: Planning assumptions, not measurements (change them here; the tables follow).
ASSUMPTIONS: dict[str, Any] = {
    # Route mix of an API client population (RAG pipelines and legal-tech products mostly read articles).
    "mix": {"article-uncached": 0.70, "search-2char": 0.20, "resolve": 0.05, "laws-list": 0.05},
    # Which bench scenario a cache hit costs: with several replicas and workers, hits mostly come from Redis.
    "hit_scenario": "article-redis",
    # One replica = the manifests' 1-CPU request, planned at the HPA's 70 % target.
    "replica_cores": 0.7,
    # PostgreSQL planned at 70 % of its cores too.
    "db_utilisation": 0.7,
    # Peak hour = 3× the day's average rate.
    "peak_factor": 3.0,
    # A connection is held for about one uncached request's time at one connection (p50, bench).
    "connection_hold_scenario": "article-uncached",
    # The manifests: 2 workers × (pool 4 + overflow 4) + one LISTEN connection per worker.
    "connections_per_replica": 2 * (4 + 4) + 2,
    "max_connections": 200,
    "reserved_connections": 20,  # superuser, replication, jobs, psql
    # Whole e-Gov corpus: 8,945 laws (the 2026 index in ../shared), each ~the bench corpus' mean size,
    # with R stored revisions per law (the shared revision sample holds 66 revisions of 11 laws: 6.0).
    "laws": 8945,
    "revisions_per_law": (1.0, 3.0, 6.0),
    # PostgreSQL's share of an import (tsvector input, GIN): ~0.35 CPU-s per MB (issue 17, measured).
    "db_cpu_s_per_mb_import": 0.35,
    "import_job_cores": 2.0,
    "primary_cores": 4.0,
    # Requests per day at "1×" (the tables scale it by 10 and 100).
    "base_requests_per_day": 1_000_000,
    "hit_rates": (0.0, 0.5, 0.8, 0.9, 0.95, 0.99),
}


@dataclass(frozen=True)
class Costs:
    """Measured per-request CPU (µs) at 64 connections, one worker: the server's and PostgreSQL's."""

    app_us: float
    db_us: float


def scenario_costs(results: dict[str, Any], name: str, connections: str = "64") -> Costs:
    """The median server and PostgreSQL CPU-µs per request of one bench scenario."""
    point = results["http"]["scenarios"][name]["by_conn"][connections]
    return Costs(float(point["cpu_us"]["median"]), float(point["db_cpu_us"]["median"]))


def mix_costs(results: dict[str, Any], assumptions: dict[str, Any] = ASSUMPTIONS) -> Costs:
    """Per-request CPU of an uncached request of the route mix (weighted mean of the scenarios)."""
    mix: dict[str, float] = assumptions["mix"]
    costs = {name: scenario_costs(results, name) for name in mix}
    return Costs(
        sum(share * costs[name].app_us for name, share in mix.items()),
        sum(share * costs[name].db_us for name, share in mix.items()),
    )


def per_replica_rps(results: dict[str, Any], hit_rate: float, assumptions: dict[str, Any] = ASSUMPTIONS) -> float:
    """Requests/s one replica serves at its CPU budget, for a cache hit rate."""
    miss = mix_costs(results, assumptions)
    hit = scenario_costs(results, assumptions["hit_scenario"])
    us = hit_rate * hit.app_us + (1 - hit_rate) * miss.app_us
    return float(assumptions["replica_cores"]) * 1e6 / us


def db_cores(results: dict[str, Any], rps: float, hit_rate: float, assumptions: dict[str, Any] = ASSUMPTIONS) -> float:
    """PostgreSQL cores a request rate needs (only misses reach it), at the planned utilisation."""
    return rps * (1 - hit_rate) * mix_costs(results, assumptions).db_us / 1e6 / float(assumptions["db_utilisation"])


def busy_connections(
    results: dict[str, Any], rps: float, hit_rate: float, assumptions: dict[str, Any] = ASSUMPTIONS
) -> float:
    """Server connections in use at once (Little's law: misses/s × the time a miss holds a connection)."""
    point = results["http"]["scenarios"][assumptions["connection_hold_scenario"]]["by_conn"]["1"]
    hold_s = float(point["p50_ms"]["median"]) / 1000
    return rps * (1 - hit_rate) * hold_s


def import_hours(
    results: dict[str, Any], revisions_per_law: float, jobs: int, assumptions: dict[str, Any] = ASSUMPTIONS
) -> dict[str, float]:
    """Hours to import the whole corpus with ``revisions_per_law`` at ``jobs`` parallel import Jobs.

    ``today``: one import at the rate measured here (importer and PostgreSQL on the same 2 cores).
    ``per_law_locks``: N shard Jobs in parallel (``egov ingest --shard i/N``, per-law locks), each with its
    own cores and bound by its Python CPU (measured CPU-s/MB), together by the primary's CPU for the
    PostgreSQL side.
    """
    ingest = results["ingest"]
    corpus = results["corpus"]
    mean_mb = float(corpus["law_mb"]) / int(corpus["law_files"])
    total_mb = int(assumptions["laws"]) * revisions_per_law * mean_mb
    measured = float(ingest["laws"]["mb_per_s"])
    python_cpu_per_mb = (float(ingest["cpu_parent_s"]) + float(ingest["cpu_workers_s"])) / float(ingest["laws"]["mb"])
    per_job = float(assumptions["import_job_cores"]) / python_cpu_per_mb
    ceiling = float(assumptions["primary_cores"]) / float(assumptions["db_cpu_s_per_mb_import"])
    parallel = min(jobs * per_job, ceiling)
    return {
        "total_gb": total_mb / 1000,
        "today": total_mb / measured / 3600,
        "per_law_locks": total_mb / parallel / 3600,
        "python_cpu_s_per_mb": python_cpu_per_mb,
        "mean_kb": mean_mb * 1000,
        "mb_per_s_one_job": per_job,
        "ceiling_mb_per_s": ceiling,
    }


def render(results: dict[str, Any], cache: dict[str, Any] | None, assumptions: dict[str, Any] = ASSUMPTIONS) -> str:
    """The capacity tables as Markdown."""
    miss = mix_costs(results, assumptions)
    hit = scenario_costs(results, assumptions["hit_scenario"])
    mix = ", ".join(f"{name} {share:.0%}" for name, share in assumptions["mix"].items())
    lines = [
        f"Route mix: {mix}. Uncached request of the mix: {miss.app_us:.0f} server CPU-µs + {miss.db_us:.0f} "
        f"PostgreSQL CPU-µs; a cache hit ({assumptions['hit_scenario']}): {hit.app_us:.0f} + {hit.db_us:.0f}. "
        f"One replica = {assumptions['replica_cores']} of a core (1-CPU request at the HPA's 70 % target).",
        "",
        "| cache hit rate | req/s per replica | PostgreSQL cores per 1,000 req/s | busy DB connections per 1,000 req/s |",
        "|---|---|---|---|",
    ]
    for h in assumptions["hit_rates"]:
        lines.append(
            f"| {h:.0%} | {per_replica_rps(results, h, assumptions):,.0f} | {db_cores(results, 1000, h, assumptions):.2f} "
            f"| {busy_connections(results, 1000, h, assumptions):.1f} |"
        )
    per = int(assumptions["connections_per_replica"])
    budget = int(assumptions["max_connections"]) - int(assumptions["reserved_connections"])
    lines += [
        "",
        f"Database connections: a replica opens up to {per} (2 workers × (pool 4 + overflow 4) + 2 LISTEN); "
        f"max_connections {assumptions['max_connections']} less {assumptions['reserved_connections']} reserved leaves "
        f"{budget}, i.e. **{budget // per} replicas** connecting directly. Past that, PgBouncer (the manifests' Poolers, "
        "transaction mode): replicas hold client connections only, and the server needs about as many "
        "connections as are busy at once (column above), so 2 × 40 pooled server connections carry any row below.",
    ]
    if cache:
        lines += [
            "",
            f"Cache memory per 100,000 cached provisions (articles; {cache['articles']:,} articles of {cache['laws']} laws, "
            f"mean body {cache['mean_body_bytes']:,} bytes): L1 {cache['l1_mb_per_100k']:,} MB by its own count "
            f"(server RSS grew {cache['server_rss_growth_mb_per_100k']:,} MB per 100k), Redis "
            f"{cache['redis_mb_per_100k']:,} MB (INFO used_memory). Redis's 512 MB (maxmemory, allkeys-lru) holds "
            f"~{512 / cache['redis_mb_per_100k'] * 100_000:,.0f} articles; each worker's 64 MiB L1 "
            f"~{64 * 1.048576 / cache['l1_mb_per_100k'] * 100_000:,.0f}.",
        ]
    one = import_hours(results, 1.0, 1, assumptions)
    lines += [
        "",
        f"Import: measured {results['ingest']['laws']['mb_per_s']} MB/s for one import on this 2-core machine "
        f"(importer and PostgreSQL sharing the cores); a Job with {assumptions['import_job_cores']:g} cores of its own "
        f"is bound by the importer's measured Python CPU ({one['python_cpu_s_per_mb']:.2f} CPU-s/MB): "
        f"{one['mb_per_s_one_job']:.1f} MB/s; N Jobs together by the primary's {assumptions['primary_cores']:g} cores at "
        f"{assumptions['db_cpu_s_per_mb_import']} CPU-s/MB: at most {one['ceiling_mb_per_s']:.1f} MB/s. The Job columns (*) "
        "are shards of one import (`egov ingest --shard i/N`, an Indexed Job; per-law locks), each Job on cores "
        "of its own. XML size: the shared sample's mean per law "
        f"({one['mean_kb']:.0f} KB; it leaves out the giants over 2.5 MB, so this is a floor) × laws × revisions.",
        "",
        "| whole e-Gov corpus | XML | as measured here | 1 Job | 2 Jobs* | 4 Jobs* | 8 Jobs* |",
        "|---|---|---|---|---|---|---|",
    ]
    for revisions in assumptions["revisions_per_law"]:
        cells = [import_hours(results, revisions, n, assumptions) for n in (1, 2, 4, 8)]
        minutes = " | ".join(f"{c['per_law_locks'] * 60:.0f} min" for c in cells)
        lines.append(
            f"| {assumptions['laws']:,} laws × {revisions:g} revision(s) | {cells[0]['total_gb']:.1f} GB "
            f"| {cells[0]['today'] * 60:.0f} min | {minutes} |"
        )
    lines += [
        "",
        "| day | requests/day | peak req/s | API replicas at 80 % / 95 % hits | PostgreSQL cores at 80 % / 95 % "
        "| busy connections at 80 % | pooling |",
        "|---|---|---|---|---|---|---|",
    ]
    for scale in (1, 10, 100):
        per_day = int(assumptions["base_requests_per_day"]) * scale
        peak = per_day / 86400 * float(assumptions["peak_factor"])
        replicas = [max(2, math.ceil(peak / per_replica_rps(results, h, assumptions))) for h in (0.8, 0.95)]
        cores = [db_cores(results, peak, h, assumptions) for h in (0.8, 0.95)]
        busy = busy_connections(results, peak, 0.8, assumptions)
        pooling = "direct" if replicas[0] * per <= budget else "PgBouncer"
        lines.append(
            f"| {scale}× | {per_day:,} | {peak:,.0f} | {replicas[0]} / {replicas[1]} | {cores[0]:.1f} / {cores[1]:.1f} "
            f"| {busy:.0f} | {pooling} |"
        )
    return "\n".join(lines) + "\n"


def latest_results() -> Path:
    """The newest bench result document in bench/results."""
    found = sorted(p for p in RESULTS.glob("*.json") if p.stem[:8].isdigit() and not p.stem.endswith("-cache"))
    if not found:
        raise SystemExit("no bench results in bench/results: run `nox -s bench -- --quick` first")
    return found[-1]


def main(argv: list[str] | None = None) -> int:
    """Command line: print the tables for a results document (default: the newest)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="?", type=Path)
    parser.add_argument("--cache", type=Path, help="bench.cache_footprint output (default: newest *-cache.json)")
    args = parser.parse_args(argv)
    results = json.loads((args.results or latest_results()).read_text(encoding="utf-8"))
    cache_path = args.cache or next(iter(sorted(RESULTS.glob("*-cache.json"), reverse=True)), None)
    cache = json.loads(cache_path.read_text(encoding="utf-8")) if cache_path else None
    sys.stdout.write(render(results, cache))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
