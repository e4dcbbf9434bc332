"""Ingest throughput and peak RSS, reusing the sampler of ``packages/egov-core/benchmarks/bench_ingest.py``.

The parent runs :func:`ingest_subprocess`, which imports into a given (fresh, migrated here) database in a
child ``python -m bench.ingest`` so peak RSS is that of an importer alone, not of the bench. The database
is kept: the HTTP and scaling parts serve it afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.infra import REPO


def _sampler_class() -> Any:
    """``_RssSampler`` from the egov-core ingest benchmark (a script, so loaded by path)."""
    path = REPO / "packages" / "egov-core" / "benchmarks" / "bench_ingest.py"
    spec = importlib.util.spec_from_file_location("egov_bench_ingest", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module._RssSampler


async def _ingest(url: str, steps: list[tuple[str, list[str]]], workers: int) -> dict[str, Any]:
    from egov_core.ingest import ingest_cases, ingest_laws
    from egov_core.settings import DatabaseSettings, EgovSettings
    from egov_core.store import create_engine, migrate

    await migrate(url)
    engine = create_engine(EgovSettings(database=DatabaseSettings(statement_timeout_ms=3_600_000)), url=url)
    sampler = _sampler_class()()
    sampler.start()
    out: dict[str, Any] = {"steps": {}}
    cpu0 = os.times()
    try:
        for name, paths in steps:
            t0 = time.perf_counter()
            if name == "cases":
                summary = await ingest_cases(engine, paths)
            else:
                summary = await ingest_laws(engine, paths, workers=workers)
            step = summary.to_dict()
            step["failed"] = len(summary.failed)
            step["wall_s"] = round(time.perf_counter() - t0, 3)
            out["steps"][name] = step
    finally:
        sampler.stop()
        await engine.dispose()
    cpu1 = os.times()
    out["peak_rss_mb"] = round(sampler.peak / 2**20, 1)
    out["cpu_parent_s"] = round((cpu1.user - cpu0.user) + (cpu1.system - cpu0.system), 2)
    out["cpu_workers_s"] = round(
        (cpu1.children_user - cpu0.children_user) + (cpu1.children_system - cpu0.children_system), 2
    )
    law_steps = [s for n, s in out["steps"].items() if n != "cases"]
    docs = sum(s["imported"] + s["unchanged"] for s in law_steps)
    nbytes = sum(s["bytes"] for s in law_steps)
    seconds = sum(s["wall_s"] for s in law_steps)
    out["laws"] = {"documents": docs, "mb": round(nbytes / 1e6, 2), "seconds": round(seconds, 2)}
    out["laws"]["mb_per_s"] = round(nbytes / 1e6 / seconds, 2) if seconds else 0.0
    out["laws"]["laws_per_s"] = round(docs / seconds, 2) if seconds else 0.0
    return out


def ingest_subprocess(url: str, steps: list[tuple[str, list[Path]]], workers: int = 2) -> dict[str, Any]:
    """Import ``steps`` (name, paths; the step named ``cases`` holds court decisions) into ``url``.

    Runs in a child process; returns its JSON: per-step summaries, totals over the law steps (MB/s,
    laws/s), peak RSS of the importer's process tree and CPU seconds.
    """
    spec = json.dumps({"url": url, "workers": workers, "steps": [[n, [str(p) for p in ps]] for n, ps in steps]})
    done = subprocess.run(
        [sys.executable, "-m", "bench.ingest"], input=spec, capture_output=True, text=True, cwd=REPO, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"ingest failed: {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    """Child entry point: read the job as JSON on stdin, print the result as one JSON line."""
    argparse.ArgumentParser(description=__doc__).parse_args()
    job = json.loads(sys.stdin.read())
    steps = [(name, list(paths)) for name, paths in job["steps"]]
    print(json.dumps(asyncio.run(_ingest(job["url"], steps, int(job["workers"])))))


if __name__ == "__main__":
    main()
