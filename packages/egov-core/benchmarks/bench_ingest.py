"""Ingest throughput, CPU per MB and peak RSS over the shared corpus (``nox -s bench``; never part of the test run).

Usage: ``python packages/egov-core/benchmarks/bench_ingest.py [--admin-url URL] [--shards 1 2 4] [--workers 1]
[--graph] [PATH…]``. For each shard count N, imports into a fresh database on the given server (dropped
afterwards) with N importer processes (``python -m egov_core.ingest --shard i/N``, each with ``--workers``
parser processes) started together, and prints one JSON line per N: documents, MB, wall seconds, MB/s,
peak RSS of the whole process tree (importers + parser workers, sampled every 0.5 s) and of the largest
importer alone, CPU seconds of the importers (with their workers) and of the PostgreSQL backends serving
the import (sampled from /proc, so the server must run on this machine for that figure), both also per
MB, the WAL the server wrote meanwhile and its checkpoints (server-wide: other databases' writes count
too), and the 1-minute load average before and after (the machine may be shared: CPU-s/MB is the figure
that depends least on the load). Without ``--graph`` the citation graph is left out (bench_graph
measures it). The lines are also written, with the machine and the corpus, to ``--output`` (default
``bench/results/<UTC time>-ingest.json``), which ``python -m bench.capacity`` reads.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import platform
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]  # no stubs
import orjson
import psutil  # type: ignore[import-untyped]  # no stubs

from egov_core.ingest._tsvector import COMPILED
from egov_core.store import migrate

_RESULTS = Path(__file__).resolve().parents[3] / "bench" / "results"
_DEFAULT_DATA = Path(
    os.environ.get("EGOV_SHARED_DATA", str(Path(__file__).resolve().parents[3].parent / "shared" / "data"))
)


class _RssSampler(threading.Thread):
    """Samples the summed RSS of this process and its children, and the CPU of one database's backends."""

    def __init__(self, database: str | None = None) -> None:
        super().__init__(daemon=True)
        self.peak = 0
        self.peak_parent = 0
        self.peak_child = 0
        self._database = database
        self._backend_cpu: dict[int, float] = {}
        self._importer_cpu: dict[int, float] = {}
        self.importers: list[int] = []
        self._done = threading.Event()

    @property
    def importer_cpu_s(self) -> float:
        """CPU seconds of the importer processes themselves, without their parser workers (last sample)."""
        return sum(self._importer_cpu.values())

    @property
    def backend_cpu_s(self) -> float:
        """CPU seconds of the backends of ``database`` seen so far (each at its last sample)."""
        return sum(self._backend_cpu.values())

    def _sample_backends(self) -> None:
        needle = f" {self._database} "
        for proc in psutil.process_iter(["cmdline"]):
            with contextlib.suppress(psutil.Error):
                cmd = " ".join(proc.info["cmdline"] or ())
                if cmd.startswith("postgres:") and needle in cmd:
                    t = proc.cpu_times()
                    self._backend_cpu[proc.pid] = t.user + t.system

    def run(self) -> None:
        me = psutil.Process()
        while not self._done.is_set():
            total = me.memory_info().rss
            self.peak_parent = max(self.peak_parent, total)
            for child in me.children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    if child.pid in self.importers:
                        t = child.cpu_times()
                        self._importer_cpu[child.pid] = t.user + t.system
                    rss = child.memory_info().rss
                    total += rss
                    self.peak_child = max(self.peak_child, rss)
            self.peak = max(self.peak, total)
            if self._database:
                self._sample_backends()
            self._done.wait(0.5)

    def stop(self) -> None:
        if self._database:
            self._sample_backends()
        self._done.set()
        self.join()


def _importers(url: str, paths: list[str], shards: int, workers: int, graph: bool) -> list[subprocess.Popen[bytes]]:
    base = [sys.executable, "-m", "egov_core.ingest", "--database-url", url, "--workers", str(workers)]
    if not graph:
        base.append("--no-citation-graph")
    return [
        subprocess.Popen(
            [*base, *(["--shard", f"{i}/{shards}"] if shards > 1 else []), *paths],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for i in range(shards)
    ]


async def _run(admin_url: str, paths: list[str], shards: int, workers: int, graph: bool) -> dict[str, Any]:
    name = f"egov_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(admin_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    base = admin_url.rsplit("/", 1)[0]
    url = f"{base.replace('postgresql://', 'postgresql+asyncpg://', 1)}/{name}"
    try:
        await migrate(url)
        load0 = os.getloadavg()[0]
        wal0, checkpoints0 = await _wal_position(admin)
        sampler = _RssSampler(name)
        sampler.start()
        cpu0 = os.times()
        t0 = time.perf_counter()
        try:
            procs = _importers(url, paths, shards, workers, graph)
            sampler.importers = [p.pid for p in procs]
            done = [p.communicate() for p in procs]
            wall = time.perf_counter() - t0
        finally:
            sampler.stop()
        cpu1 = os.times()
        wal1, checkpoints1 = await _wal_position(admin)
        wal_bytes = await admin.fetchval(
            "SELECT pg_wal_lsn_diff($1::text::pg_lsn, $2::text::pg_lsn)::bigint", wal1, wal0
        )
        for proc, (out, err) in zip(procs, done, strict=True):
            # Exit 1 with a summary: some file failed (counted below); without one, the importer crashed.
            if proc.returncode not in (0, 1) or not out.strip():
                raise RuntimeError(f"an importer failed ({proc.returncode}): {err.decode()[-2000:]}")
        summaries = [orjson.loads(out.splitlines()[-1]) for out, _ in done]
        nbytes = sum(s["bytes"] for s in summaries)
        mb = nbytes / 1e6
        importer_cpu = (cpu1.children_user - cpu0.children_user) + (cpu1.children_system - cpu0.children_system)
        return {
            "shards": shards,
            "workers_per_shard": workers,
            "citation_graph": graph,
            # Search tokens from the C extension (else its pure-Python fallback, same bytes, slower).
            "compiled_tokens": COMPILED,
            "documents": sum(s["imported"] + s["unchanged"] for s in summaries),
            "imported": sum(s["imported"] for s in summaries),
            "failed": sum(len(s["failed"]) for s in summaries),
            "mb": round(mb, 2),
            "seconds": round(wall, 2),
            "mb_per_s": round(mb / wall, 2),
            "peak_rss_mb": round(sampler.peak / 2**20),
            "peak_rss_largest_process_mb": round(sampler.peak_child / 2**20),
            "cpu_importers_s": round(importer_cpu, 1),
            "cpu_postgres_s": round(sampler.backend_cpu_s, 1),
            "cpu_s_per_mb_importers": round(importer_cpu / mb, 3),
            "cpu_s_per_mb_postgres": round(sampler.backend_cpu_s / mb, 3),
            # The importer processes alone (the rest of cpu_s_per_mb_importers is their parser workers): they
            # wait for their PostgreSQL backend's writes, so one shard's pace is bound by the two together.
            # Sampled every 0.5 s, so up to that much of each importer's last CPU is missed.
            "cpu_s_per_mb_importer_parents": round(sampler.importer_cpu_s / mb, 3),
            "cpu_s_per_mb": round((importer_cpu + sampler.backend_cpu_s) / mb, 3),
            # Server-wide while the import ran (other databases' writes count too).
            "wal_mb_server": round(wal_bytes / 1e6),
            "checkpoints_server": checkpoints1 - checkpoints0,
            "load_avg_1m_before": round(load0, 2),
            "load_avg_1m_after": round(os.getloadavg()[0], 2),
            "cpus": os.cpu_count(),
        }
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def _wal_position(admin: Any) -> tuple[str, int]:
    row = await admin.fetchrow(
        "SELECT pg_current_wal_lsn()::text AS lsn, checkpoints_timed + checkpoints_req AS n FROM pg_stat_bgwriter"
    )
    return str(row["lsn"]), int(row["n"])


def _machine() -> dict[str, Any]:
    """What the figures depend on: CPU model and count, PostgreSQL is reported by the server itself."""
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {"cpu_model": model, "cpus": os.cpu_count(), "python": platform.python_version()}


def main() -> None:
    """Run the benchmark and print its JSON lines (one per shard count)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--admin-url", default=os.environ.get("EGOV_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--shards", type=int, nargs="+", default=[1, 2, 4], help="importer processes (shards)")
    parser.add_argument("--workers", type=int, default=1, help="parser processes per importer (0: in-process)")
    parser.add_argument("--graph", action="store_true", help="build the citation graph too")
    parser.add_argument(
        "paths", nargs="*", default=[str(_DEFAULT_DATA / "laws" / "xml"), str(_DEFAULT_DATA / "laws" / "revisions")]
    )
    parser.add_argument("--output", type=Path, help="result document (default: bench/results/<UTC time>-ingest.json)")
    args = parser.parse_args()
    started = dt.datetime.now(dt.UTC)
    runs = []
    for shards in args.shards:
        result = asyncio.run(_run(args.admin_url, args.paths, shards, args.workers, args.graph))
        runs.append(result)
        print(orjson.dumps(result).decode(), flush=True)
    document = {
        "kind": "bench-ingest",
        "started": started.isoformat(timespec="seconds"),
        "machine": {**_machine(), "postgres": asyncio.run(_server_version(args.admin_url))},
        "corpus": {"paths": args.paths, "documents": runs[0]["documents"], "mb": runs[0]["mb"]},
        "runs": runs,
    }
    output = args.output or _RESULTS / f"{started:%Y%m%dT%H%M%SZ}-ingest.json"
    output.write_bytes(orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n")
    print(f"written: {output}", file=sys.stderr)


async def _server_version(admin_url: str) -> str:
    conn = await asyncpg.connect(admin_url)
    try:
        return str(await conn.fetchval("SHOW server_version"))
    finally:
        await conn.close()


if __name__ == "__main__":
    main()
