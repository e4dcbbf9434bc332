"""``python -m egov_core.ingest --database-url URL PATH…``: a minimal law import without the web stack.

The ``egov ingest`` command of egov-api is the user-facing one; this entry point serves scripts and
the kill-and-resume test, which needs an import it can SIGKILL.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

import orjson

from egov_core.settings import EgovSettings
from egov_core.store import create_engine, migrate


async def _main(url: str, paths: list[str], workers: int, cases: bool, shard: str | None, graph: bool) -> int:
    from egov_core.ingest.shards import parse_shard
    from egov_core.usecases import import_cases, import_laws

    part = parse_shard(shard) if shard is not None else None

    engine = create_engine(EgovSettings(database={"url": url}))
    try:
        await migrate(engine)
        # The use cases, as egov ingest runs them: decisions' 参照法条 are re-resolved after the import.
        outcome = await (
            import_cases(engine, paths)
            if cases
            else import_laws(engine, paths, workers=workers, shard=part, citation_graph=graph)
        )
    finally:
        await engine.dispose()
    summary = outcome.summary
    report = {**summary.to_dict(), "refs_changed": outcome.refs_changed}
    sys.stdout.write(orjson.dumps(report).decode() + "\n")
    return 1 if summary.failed else 0


def main() -> None:
    """Parse arguments and run the import."""
    parser = argparse.ArgumentParser(prog="python -m egov_core.ingest", description=__doc__)
    parser.add_argument("--database-url", required=True, help="postgresql+asyncpg://… of a database to import into")
    parser.add_argument("--workers", type=int, default=2, help="parser processes (0: in-process)")
    parser.add_argument("--cases", action="store_true", help="the paths hold court decisions, not laws")
    parser.add_argument("--shard", metavar="INDEX/COUNT", help="import only this shard of the laws (e.g. 0/4)")
    parser.add_argument(
        "--no-citation-graph", action="store_true", help="leave the citation graph to a later run (benchmarks)"
    )
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    raise SystemExit(
        asyncio.run(
            _main(args.database_url, args.paths, args.workers, args.cases, args.shard, not args.no_citation_graph)
        )
    )


if __name__ == "__main__":
    main()
