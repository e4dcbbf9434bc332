"""A capacity model for platform teams, computed from the bench's measured figures (README "Capacity").

    python -m bench.capacity [RESULTS.json] [--cache CACHE.json] [--ingest INGEST.json]   # Markdown tables

Three kinds of input, and nothing else:

- measured by the bench: CPU-µs per request of the server and of PostgreSQL per scenario (``bench.run``),
  cache bytes per article (``bench.cache_footprint``), the import's MB/s and CPU-s per MB of the importers
  and of PostgreSQL at 1, 2 and 4 shards (``packages/egov-core/benchmarks/bench_ingest.py``, whose result
  document is ``bench/results/*-ingest.json``);
- read from the Kubernetes manifests (``deploy/kubernetes``): workers and pool sizes per replica, the CPU
  request and the HPA target, ``max_connections``, the PgBouncer pools, the import Job's and the production
  primary's CPU limits (:func:`manifest_figures`);
- stated planning assumptions (:data:`ASSUMPTIONS`): route mixes, the peak hour, utilisation targets, the
  size of the whole e-Gov corpus.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

RESULTS = Path(__file__).resolve().parent / "results"
KUBERNETES = Path(__file__).resolve().parents[1] / "deploy" / "kubernetes"

#: Planning assumptions, not measurements (change them here; the tables follow).
ASSUMPTIONS: dict[str, Any] = {
    # Route mixes (shares of requests); "reads" is the one the other tables plan with: API clients (RAG
    # pipelines and legal-tech products) mostly read articles.
    "mixes": {
        "reads": {"article-uncached": 0.70, "search-2char": 0.20, "resolve": 0.05, "laws-list": 0.05},
        "search-heavy": {"article-uncached": 0.30, "search-2char": 0.40, "search-4char": 0.20, "resolve": 0.10},
        "citations": {"article-uncached": 0.40, "resolve": 0.50, "laws-list": 0.10},
    },
    "mix": "reads",
    # Which bench scenario a cache hit costs: with several replicas and workers, hits mostly come from Redis.
    "hit_scenario": "article-redis",
    # PostgreSQL planned at 70 % of its cores, as the API at the HPA's target.
    "db_utilisation": 0.7,
    # Peak hour = 3× the day's average rate.
    "peak_factor": 3.0,
    # A connection is held for about one uncached request's time at one connection (p50, bench).
    "connection_hold_scenario": "article-uncached",
    "reserved_connections": 20,  # superuser, replication, jobs, psql
    # Whole e-Gov corpus: 8,945 laws (the 2026 index in ../shared), each ~the bench corpus' mean size,
    # with R stored revisions per law (the shared revision sample holds 66 revisions of 11 laws: 6.0).
    "laws": 8945,
    "revisions_per_law": (1.0, 3.0, 6.0),
    "import_jobs": (1, 2, 4, 8),
    # Requests per day at "1×" (the tables scale it by 10 and 100).
    "base_requests_per_day": 1_000_000,
    "hit_rates": (0.0, 0.5, 0.8, 0.9, 0.95, 0.99),
}


@dataclass(frozen=True)
class Costs:
    """Measured per-request CPU (µs) at 64 connections, one worker: the server's and PostgreSQL's."""

    app_us: float
    db_us: float


def _cores(value: str | int | float) -> float:
    text = str(value)
    return float(text[:-1]) / 1000 if text.endswith("m") else float(text)


def _patches(kustomization: Path) -> dict[str, Any]:
    """The values a kustomization's JSON patches set, by path."""
    doc = yaml.safe_load(kustomization.read_text(encoding="utf-8"))
    return {op["path"]: op.get("value") for patch in doc.get("patches", ()) for op in yaml.safe_load(patch["patch"])}


def manifest_figures(root: Path = KUBERNETES) -> dict[str, Any]:
    """The figures of the Kubernetes manifests the model plans with (base, and the production overlay's)."""
    base = root / "base"
    api = yaml.safe_load((base / "api-deployment.yaml").read_text(encoding="utf-8"))
    container = api["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e.get("value") for e in container["env"]}
    hpa = yaml.safe_load((base / "api-hpa.yaml").read_text(encoding="utf-8"))
    cluster = yaml.safe_load((base / "postgres-cluster.yaml").read_text(encoding="utf-8"))
    poolers = list(yaml.safe_load_all((base / "postgres-pooler.yaml").read_text(encoding="utf-8")))
    ingest = yaml.safe_load((base / "ingest-cronjob.yaml").read_text(encoding="utf-8"))
    job = ingest["spec"]["jobTemplate"]["spec"]
    production = _patches(root / "overlays" / "production" / "kustomization.yaml")
    return {
        "workers": int(env["EGOV_WORKERS"]),
        "pool": int(env["EGOV_DATABASE__POOL_SIZE"]) + int(env["EGOV_DATABASE__MAX_OVERFLOW"]),
        "read_pool": int(env["EGOV_DATABASE__READ_POOL_SIZE"]) + int(env["EGOV_DATABASE__READ_MAX_OVERFLOW"]),
        "replica_request_cores": _cores(container["resources"]["requests"]["cpu"]),
        "hpa_target": int(hpa["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"]) / 100,
        "max_connections": int(cluster["spec"]["postgresql"]["parameters"]["max_connections"]),
        "max_connections_production": int(production["/spec/postgresql/parameters/max_connections"]),
        "pooler_instances": int(poolers[0]["spec"]["instances"]),
        "pooler_pool_size": int(poolers[0]["spec"]["pgbouncer"]["parameters"]["default_pool_size"]),
        "pooler_max_clients": int(poolers[0]["spec"]["pgbouncer"]["parameters"]["max_client_conn"]),
        "import_job_cores": _cores(job["template"]["spec"]["containers"][0]["resources"]["limits"]["cpu"]),
        "import_jobs": int(job["parallelism"]),
        "primary_cores": _cores(production["/spec/resources"]["limits"]["cpu"]),
    }


def replica_cores(k8s: dict[str, Any]) -> float:
    """CPU one API replica is planned at: its request at the HPA's target."""
    return float(k8s["replica_request_cores"]) * float(k8s["hpa_target"])


def connections_per_replica(k8s: dict[str, Any]) -> tuple[int, int]:
    """Connections one replica opens: (to the primary incl. one LISTEN per worker, to the read replicas)."""
    workers = int(k8s["workers"])
    return workers * (int(k8s["pool"]) + 1), workers * int(k8s["read_pool"])


def scenario_costs(results: dict[str, Any], name: str, connections: str = "64") -> Costs:
    """The median server and PostgreSQL CPU-µs per request of one bench scenario."""
    point = results["http"]["scenarios"][name]["by_conn"][connections]
    return Costs(float(point["cpu_us"]["median"]), float(point["db_cpu_us"]["median"]))


def mix_costs(results: dict[str, Any], mix: dict[str, float] | None = None) -> Costs:
    """Per-request CPU of an uncached request of a route mix (weighted mean of the scenarios)."""
    mix = mix or ASSUMPTIONS["mixes"][ASSUMPTIONS["mix"]]
    costs = {name: scenario_costs(results, name) for name in mix}
    return Costs(
        sum(share * costs[name].app_us for name, share in mix.items()),
        sum(share * costs[name].db_us for name, share in mix.items()),
    )


def per_replica_rps(
    results: dict[str, Any], hit_rate: float, cores: float, mix: dict[str, float] | None = None
) -> float:
    """Requests/s one replica serves on ``cores`` of CPU, for a cache hit rate."""
    miss = mix_costs(results, mix)
    hit = scenario_costs(results, ASSUMPTIONS["hit_scenario"])
    us = hit_rate * hit.app_us + (1 - hit_rate) * miss.app_us
    return cores * 1e6 / us


def db_cores(results: dict[str, Any], rps: float, hit_rate: float, mix: dict[str, float] | None = None) -> float:
    """PostgreSQL cores a request rate needs (only misses reach it), at the planned utilisation."""
    return rps * (1 - hit_rate) * mix_costs(results, mix).db_us / 1e6 / float(ASSUMPTIONS["db_utilisation"])


def busy_connections(results: dict[str, Any], rps: float, hit_rate: float) -> float:
    """Server connections in use at once (Little's law: misses/s × the time a miss holds a connection)."""
    point = results["http"]["scenarios"][ASSUMPTIONS["connection_hold_scenario"]]["by_conn"]["1"]
    return rps * (1 - hit_rate) * float(point["p50_ms"]["median"]) / 1000


def ingest_runs(ingest: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """A bench-ingest document's runs by shard count."""
    return {int(run["shards"]): run for run in ingest["runs"]}


def job_rate(run: dict[str, Any], cores: float) -> float:
    """MB/s of one shard Job on ``cores`` of its own, from a bench-ingest run.

    Bound by its CPU (importer and parser worker) and by its one stream of writes: the importer waits for
    its PostgreSQL backend, so the importer's own CPU and PostgreSQL's (the index build after the load
    included) add up per MB; the parser worker runs ahead meanwhile.
    """
    bound = cores / float(run["cpu_s_per_mb_importers"])
    if "cpu_s_per_mb_importer_parents" in run:
        serial = float(run["cpu_s_per_mb_importer_parents"]) + float(run["cpu_s_per_mb_postgres"])
        bound = min(bound, 1 / serial)
    return bound


def import_hours(ingest: dict[str, Any], revisions_per_law: float, jobs: int, k8s: dict[str, Any]) -> dict[str, float]:
    """Hours to import the whole corpus with ``revisions_per_law`` at ``jobs`` parallel import Jobs.

    ``here``: one import at the MB/s measured here (importer, parser and PostgreSQL on the same 2 shared
    cores). ``jobs``: N shard Jobs (``egov ingest --shard i/N``, per-law locks), each at :func:`job_rate`
    on its CPU limit, together bound by the primary's cores over PostgreSQL's CPU-s/MB measured at the
    nearest shard count below (more shards cost PostgreSQL a little more per MB).
    """
    runs = ingest_runs(ingest)
    one = runs[min(runs)]
    at = runs[max((n for n in runs if n <= jobs), default=min(runs))]
    mean_mb = float(ingest["corpus"]["mb"]) / int(ingest["corpus"]["documents"])
    total_mb = int(ASSUMPTIONS["laws"]) * revisions_per_law * mean_mb
    cores = float(k8s["import_job_cores"])
    ceiling = float(k8s["primary_cores"]) / float(at["cpu_s_per_mb_postgres"])
    rate = min(jobs * job_rate(at, cores), ceiling)
    return {
        "total_gb": total_mb / 1000,
        "mean_kb": mean_mb * 1000,
        "here": total_mb / float(one["mb_per_s"]) / 3600,
        "jobs": total_mb / rate / 3600,
        "mb_per_s": rate,
        "mb_per_s_one_job": job_rate(one, cores),
        "ceiling_mb_per_s": float(k8s["primary_cores"]) / float(one["cpu_s_per_mb_postgres"]),
    }


def _duration(hours: float) -> str:
    return f"{hours * 60:.0f} min" if hours < 2 else f"{hours:.1f} h"


def _requests(results: dict[str, Any], k8s: dict[str, Any]) -> list[str]:
    cores = replica_cores(k8s)
    mixes: dict[str, dict[str, float]] = ASSUMPTIONS["mixes"]
    miss = mix_costs(results)
    hit = scenario_costs(results, ASSUMPTIONS["hit_scenario"])
    lines = [
        "Requests per replica by route mix (uncached CPU per request of the mix; a cache hit, "
        f"{ASSUMPTIONS['hit_scenario']}, costs {hit.app_us:.0f} server CPU-µs and no PostgreSQL). One replica = "
        f"{cores:g} of a core (the manifests' {k8s['replica_request_cores']:g}-CPU request at the HPA's "
        f"{k8s['hpa_target']:.0%} target).",
        "",
        "| route mix | uncached CPU-µs server + PostgreSQL | req/s per replica at 0 / 80 / 95 % hits "
        "| PostgreSQL cores per 1,000 req/s at 0 / 80 / 95 % |",
        "|---|---|---|---|",
    ]
    for name, mix in mixes.items():
        costs = mix_costs(results, mix)
        shares = ", ".join(f"{route} {share:.0%}" for route, share in mix.items())
        rps = " / ".join(f"{per_replica_rps(results, h, cores, mix):,.0f}" for h in (0.0, 0.8, 0.95))
        db = " / ".join(f"{db_cores(results, 1000, h, mix):.2f}" for h in (0.0, 0.8, 0.95))
        lines.append(f"| {name}: {shares} | {costs.app_us:.0f} + {costs.db_us:.0f} | {rps} | {db} |")
    lines += [
        "",
        f"The {ASSUMPTIONS['mix']} mix ({miss.app_us:.0f} + {miss.db_us:.0f} CPU-µs uncached) by cache hit rate:",
        "",
        "| cache hit rate | req/s per replica | PostgreSQL cores per 1,000 req/s | busy DB connections per 1,000 req/s |",
        "|---|---|---|---|",
    ]
    for h in ASSUMPTIONS["hit_rates"]:
        lines.append(
            f"| {h:.0%} | {per_replica_rps(results, h, cores):,.0f} | {db_cores(results, 1000, h):.2f} "
            f"| {busy_connections(results, 1000, h):.1f} |"
        )
    return lines


def _connections(results: dict[str, Any], k8s: dict[str, Any]) -> list[str]:
    primary, reads = connections_per_replica(k8s)
    reserved = int(ASSUMPTIONS["reserved_connections"])
    budget = int(k8s["max_connections"]) - reserved
    instances = int(k8s["pooler_instances"])
    pooled = int(k8s["pooler_pool_size"]) * instances
    clients = int(k8s["pooler_max_clients"]) * instances
    peak = 100 * int(ASSUMPTIONS["base_requests_per_day"]) / 86400 * float(ASSUMPTIONS["peak_factor"])
    busy = busy_connections(results, peak, 0.0)
    return [
        "",
        f"Database connections: a replica opens up to {primary} to the primary ({k8s['workers']} workers × (pool "
        f"{k8s['pool']} + 1 LISTEN)) and {reads} for reads ({k8s['workers']} × {k8s['read_pool']}, to the read "
        f"replicas when `EGOV_DATABASE__READ_URL` is set). max_connections {k8s['max_connections']} "
        f"({k8s['max_connections_production']} in the production overlay) less {reserved} reserved leaves {budget}: "
        f"**{budget // primary} replicas** connecting directly "
        f"({(int(k8s['max_connections_production']) - reserved) // primary} in production). Past that, PgBouncer: "
        "the manifests put CloudNativePG Poolers (transaction mode) in front of the primary (rw) and the replicas "
        f"(ro), {instances} PgBouncer instances each. Replicas then hold client connections only ({clients:,} per "
        f"pooler: {clients // max(primary, reads)} replicas), and each pooler opens at most {pooled} server "
        f"connections ({instances} × default_pool_size {k8s['pooler_pool_size']}), within max_connections; a 100× "
        f"day's peak with a cold cache keeps ~{busy:.0f} busy at once (Little's law, as in the table above).",
    ]


def _cache(cache: dict[str, Any]) -> list[str]:
    return [
        "",
        f"Cache memory per 100,000 cached provisions (articles; {cache['articles']:,} articles of {cache['laws']} laws, "
        f"mean body {cache['mean_body_bytes']:,} bytes): L1 {cache['l1_mb_per_100k']:,} MB by its own count "
        f"(server RSS grew {cache['server_rss_growth_mb_per_100k']:,} MB per 100k), Redis "
        f"{cache['redis_mb_per_100k']:,} MB (INFO used_memory). Redis's 512 MB (maxmemory, allkeys-lru) holds "
        f"~{512 / cache['redis_mb_per_100k'] * 100_000:,.0f} articles; each worker's 64 MiB L1 "
        f"~{64 * 1.048576 / cache['l1_mb_per_100k'] * 100_000:,.0f}.",
    ]


def _imports(ingest: dict[str, Any], k8s: dict[str, Any]) -> list[str]:
    runs = ingest_runs(ingest)
    machine = ingest["machine"]
    measured = "; ".join(
        f"{n} shard{'s' if n > 1 else ''} {r['mb_per_s']} MB/s at load {r['load_avg_1m_before']}–{r['load_avg_1m_after']}, "
        f"{r['cpu_s_per_mb_importers']} + {r['cpu_s_per_mb_postgres']} CPU-s/MB"
        for n, r in sorted(runs.items())
    )
    one = import_hours(ingest, 1.0, 1, k8s)
    jobs: tuple[int, ...] = ASSUMPTIONS["import_jobs"]
    lines = [
        "",
        f"Import (bench-ingest {ingest['started'][:10]}, {ingest['corpus']['documents']:,} documents, "
        f"{ingest['corpus']['mb']} MB, {machine['cpus']} × {machine['cpu_model']}, PostgreSQL {machine['postgres']}; "
        f"importers + PostgreSQL): {measured}. A Job with {k8s['import_job_cores']:g} cores of its own (the "
        f"import Job's CPU limit) is bound by its CPU and its one stream of writes (the importer waits for "
        f"PostgreSQL): {one['mb_per_s_one_job']:.1f} MB/s; N Jobs "
        f"together by the production primary's {k8s['primary_cores']:g} cores over PostgreSQL's CPU per MB: at most "
        f"{one['ceiling_mb_per_s']:.1f} MB/s. The Job columns are shards of one import (`egov ingest --shard i/N`, "
        f"an Indexed Job of {k8s['import_jobs']} in the manifests; per-law locks), each on cores of its own. XML "
        f"size: the bench corpus' mean per document ({one['mean_kb']:.0f} KB; the shared sample leaves out the giants "
        "over 2.5 MB, so this is a floor) × laws × revisions.",
        "",
        "| whole e-Gov corpus | XML | as measured here (1 shard) | "
        + " | ".join(f"{n} Job{'s' if n > 1 else ''}" for n in jobs)
        + " |",
        "|---|---|---|" + "---|" * len(jobs),
    ]
    for revisions in ASSUMPTIONS["revisions_per_law"]:
        cells = [import_hours(ingest, revisions, n, k8s) for n in jobs]
        lines.append(
            f"| {ASSUMPTIONS['laws']:,} laws × {revisions:g} revision(s) | {cells[0]['total_gb']:.1f} GB "
            f"| {_duration(cells[0]['here'])} | " + " | ".join(_duration(c["jobs"]) for c in cells) + " |"
        )
    return lines


def _days(results: dict[str, Any], k8s: dict[str, Any]) -> list[str]:
    cores = replica_cores(k8s)
    primary, _ = connections_per_replica(k8s)
    budget = int(k8s["max_connections"]) - int(ASSUMPTIONS["reserved_connections"])
    lines = [
        "",
        "| day | requests/day | peak req/s | API replicas at 80 % / 95 % hits | PostgreSQL cores at 80 % / 95 % "
        "| busy connections at 80 % | pooling |",
        "|---|---|---|---|---|---|---|",
    ]
    for scale in (1, 10, 100):
        per_day = int(ASSUMPTIONS["base_requests_per_day"]) * scale
        peak = per_day / 86400 * float(ASSUMPTIONS["peak_factor"])
        replicas = [max(2, math.ceil(peak / per_replica_rps(results, h, cores))) for h in (0.8, 0.95)]
        db = [db_cores(results, peak, h) for h in (0.8, 0.95)]
        busy = busy_connections(results, peak, 0.8)
        pooling = "direct or PgBouncer" if replicas[0] * primary <= budget else "PgBouncer"
        lines.append(
            f"| {scale}× | {per_day:,} | {peak:,.0f} | {replicas[0]} / {replicas[1]} | {db[0]:.1f} / {db[1]:.1f} "
            f"| {busy:.0f} | {pooling} |"
        )
    return lines


def render(
    results: dict[str, Any], cache: dict[str, Any] | None, ingest: dict[str, Any], k8s: dict[str, Any] | None = None
) -> str:
    """The capacity tables as Markdown."""
    k8s = k8s or manifest_figures()
    lines = _requests(results, k8s) + _connections(results, k8s)
    if cache:
        lines += _cache(cache)
    lines += _imports(ingest, k8s) + _days(results, k8s)
    return "\n".join(lines) + "\n"


def _newest(pattern: str) -> Path | None:
    found = sorted(p for p in RESULTS.glob(pattern) if p.stem[:8].isdigit())
    return found[-1] if found else None


def latest_results() -> Path:
    """The newest HTTP bench result document in bench/results."""
    found = sorted(
        p for p in RESULTS.glob("*.json") if p.stem[:8].isdigit() and p.stem.endswith("Z") and "." not in p.stem
    )
    if not found:
        raise SystemExit("no bench results in bench/results: run `nox -s bench -- --quick` first")
    return found[-1]


def main(argv: list[str] | None = None) -> int:
    """Command line: print the tables for the given result documents (default: the newest of each)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="?", type=Path)
    parser.add_argument("--cache", type=Path, help="bench.cache_footprint output (default: newest *-cache.json)")
    parser.add_argument("--ingest", type=Path, help="bench_ingest output (default: newest *-ingest.json)")
    args = parser.parse_args(argv)
    results = json.loads((args.results or latest_results()).read_text(encoding="utf-8"))
    cache_path = args.cache or _newest("*-cache.json")
    cache = json.loads(cache_path.read_text(encoding="utf-8")) if cache_path else None
    ingest_path = args.ingest or _newest("*-ingest.json")
    if ingest_path is None:
        raise SystemExit("no bench-ingest result in bench/results: run `nox -s bench-ingest` first")
    sys.stdout.write(render(results, cache, json.loads(ingest_path.read_text(encoding="utf-8"))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
