"""Ingest throughput and peak RSS over the shared corpus (``nox -s bench``; never part of the test run).

Usage: ``python packages/egov-core/benchmarks/bench_ingest.py [--admin-url URL] [--workers 2] [PATH…]``.
Imports into a fresh database on the given server (dropped afterwards) and prints one JSON line:
documents, MB, seconds, laws/s, MB/s, peak RSS of the whole process tree (parent + parser workers,
sampled every 0.5 s) and the CPU seconds spent by the parent, the workers and the rest.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import threading
import uuid
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]  # no stubs
import orjson
import psutil  # type: ignore[import-untyped]  # no stubs

from egov_core.ingest import ingest_laws
from egov_core.settings import EgovSettings
from egov_core.store import create_engine, migrate

_DEFAULT_DATA = Path(
    os.environ.get("EGOV_SHARED_DATA", str(Path(__file__).resolve().parents[3].parent / "shared" / "data"))
)


class _RssSampler(threading.Thread):
    """Samples the summed RSS of this process and its children."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0
        self.peak_parent = 0
        self._done = threading.Event()

    def run(self) -> None:
        me = psutil.Process()
        while not self._done.is_set():
            total = me.memory_info().rss
            self.peak_parent = max(self.peak_parent, total)
            for child in me.children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    total += child.memory_info().rss
            self.peak = max(self.peak, total)
            self._done.wait(0.5)

    def stop(self) -> None:
        self._done.set()
        self.join()


async def _run(admin_url: str, paths: list[str], workers: int) -> dict[str, object]:
    name = f"egov_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(admin_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    base = admin_url.rsplit("/", 1)[0]
    url = f"{base.replace('postgresql://', 'postgresql+asyncpg://', 1)}/{name}"
    try:
        await migrate(url)
        engine = create_engine(EgovSettings(database={"url": url}))
        sampler = _RssSampler()
        sampler.start()
        cpu0 = os.times()
        try:
            summary = await ingest_laws(engine, paths, workers=workers, citation_graph=False)
        finally:
            sampler.stop()
            await engine.dispose()
        cpu1 = os.times()
        return {
            **summary.to_dict(),
            "failed": len(summary.failed),
            "peak_rss_mb": round(sampler.peak / 2**20),
            "peak_rss_parent_mb": round(sampler.peak_parent / 2**20),
            "cpu_parent_s": round((cpu1.user - cpu0.user) + (cpu1.system - cpu0.system), 1),
            "cpu_workers_s": round(
                (cpu1.children_user - cpu0.children_user) + (cpu1.children_system - cpu0.children_system), 1
            ),
            "load_avg_1m": os.getloadavg()[0],
        }
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def main() -> None:
    """Run the benchmark and print its JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--admin-url", default=os.environ.get("EGOV_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "paths", nargs="*", default=[str(_DEFAULT_DATA / "laws" / "xml"), str(_DEFAULT_DATA / "laws" / "revisions")]
    )
    args = parser.parse_args()
    result = asyncio.run(_run(args.admin_url, args.paths, args.workers))
    print(orjson.dumps(result).decode())


if __name__ == "__main__":
    main()
