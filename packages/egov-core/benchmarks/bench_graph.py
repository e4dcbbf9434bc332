"""Citation graph build time against the import time, over the same laws (a script, never a timed test).

Usage: ``python packages/egov-core/benchmarks/bench_graph.py [--admin-url URL] [--workers 2] [--laws N] [PATH…]``.
Imports into a fresh database (dropped afterwards) without the graph, then builds the graph of every
revision, and prints one JSON line: documents, import seconds, graph seconds, their ratio, edges by
kind and status. ``--laws N`` takes the first N files of the first path (a quick run).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
import uuid
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]  # no stubs
import orjson
from sqlalchemy import text

from egov_core.ingest import ingest_laws
from egov_core.ingest.graph import build_citation_graph
from egov_core.settings import EgovSettings
from egov_core.store import create_engine, migrate

_DEFAULT_DATA = Path(
    os.environ.get("EGOV_SHARED_DATA", str(Path(__file__).resolve().parents[3].parent / "shared" / "data"))
)


async def _run(admin_url: str, paths: list[Path], workers: int) -> dict[str, object]:
    name = f"egov_bench_graph_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(admin_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    base = admin_url.rsplit("/", 1)[0]
    url = f"{base.replace('postgresql://', 'postgresql+asyncpg://', 1)}/{name}"
    try:
        await migrate(url)
        engine = create_engine(EgovSettings(database={"url": url}))
        try:
            started = time.perf_counter()
            summary = await ingest_laws(engine, paths, workers=workers, citation_graph=False)
            imported = time.perf_counter() - started
            started = time.perf_counter()
            revisions = await build_citation_graph(engine, processes=workers)
            graph = time.perf_counter() - started
            async with engine.connect() as conn:
                counts = await conn.execute(
                    text("SELECT kind, status, count(*) FROM citation_edges GROUP BY 1, 2 ORDER BY 1, 2")
                )
                edges = {f"{k}/{s}": int(n) for k, s, n in counts}
                linked = await conn.execute(
                    text("SELECT count(*) FROM citation_edges WHERE kind = 'delegates' AND target_path IS NOT NULL")
                )
                edges["delegates/to_a_provision"] = int(linked.scalar_one())
        finally:
            await engine.dispose()
        return {
            "documents": summary.imported,
            "revisions": revisions,
            "import_s": round(imported, 1),
            "graph_s": round(graph, 1),
            "graph_over_import": round(graph / imported, 2),
            "edges": edges,
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
    parser.add_argument("--laws", type=int, default=None, help="only the first N files of the first path")
    parser.add_argument(
        "paths", nargs="*", default=[str(_DEFAULT_DATA / "laws" / "xml"), str(_DEFAULT_DATA / "laws" / "revisions")]
    )
    args = parser.parse_args()
    paths = [Path(p) for p in args.paths]
    if args.laws is not None:
        paths = sorted(paths[0].glob("*.xml"))[: args.laws]
    print(orjson.dumps(asyncio.run(_run(args.admin_url, paths, args.workers))).decode())


if __name__ == "__main__":
    main()
