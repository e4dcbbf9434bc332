"""In-process latency of every search mode over a loaded store: Boolean keywords, Lite's ranked question
search, and (with an embedder) semantic and hybrid, each as the API runs it (``SearchPipeline``).

Usage (a store built by ``nox -s eval``; the whole corpus ingested)::

    python -m bench.search_latency --store /work/cache/search-eval [--embedder e5]

Each query runs once to warm the caches it may use (statistics, the citation directory, the query
embedding), then ``--rounds`` times; p50 / p99 are over every timed run. Hybrid is also timed cold (a
query embedding not cached yet), which is what a first-time question costs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from bench.infra import shared_data
from bench.web import QUESTIONS, SEARCH_1, SEARCH_2, SEARCH_4

_QMAX = 4000


def _percentiles(samples: Sequence[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {"n": len(ordered), "p50_ms": round(statistics.median(ordered), 2), "p99_ms": round(p99, 2)}


async def _time(run: Callable[[str], Awaitable[Any]], queries: Sequence[str], rounds: int) -> dict[str, float]:
    for q in queries:
        await run(q)  # warm-up
    samples = []
    for _ in range(rounds):
        for q in queries:
            t0 = time.perf_counter()
            await run(q)
            samples.append((time.perf_counter() - t0) * 1000)
    return _percentiles(samples)


async def measure(
    store: Path, embedder_name: str | None, rounds: int, questions: int, dtype: str | None = None
) -> dict[str, Any]:
    """The latency table (ms) of each mode over the store in ``store`` (``dtype``: e5's, default the CPU's fastest)."""
    from egov_core.search import SearchMode, SearchPipeline, SearchRequest
    from egov_core.settings import DatabaseSettings, EgovSettings
    from egov_core.store import EmbeddedPostgres, create_engine
    from egov_vector.evaluation import parse_questions

    samples = json.loads((shared_data() / "eval/lawqa_jp/selection.json").read_text(encoding="utf-8"))["samples"]
    lawqa = [q.query for q in parse_questions(samples)][:questions]
    pg = EmbeddedPostgres(store / "pg")
    url = await pg.astart()
    engine = create_engine(EgovSettings(database=DatabaseSettings(statement_timeout_ms=600_000)), url=url)
    out: dict[str, Any] = {"questions": len(lawqa), "rounds": rounds}
    try:
        lite = SearchPipeline(engine)

        def mode(pipeline: SearchPipeline, m: SearchMode) -> Callable[[str], Awaitable[Any]]:
            return lambda q: pipeline.provisions(SearchRequest(q, m, limit=10, max_query_length=_QMAX))

        keywords = SEARCH_1 + SEARCH_2 + SEARCH_4
        out["boolean keywords (bench mix)"] = await _time(mode(lite, SearchMode.BOOLEAN), keywords, rounds)
        out["ranked, short questions (bench)"] = await _time(mode(lite, SearchMode.RANKED), QUESTIONS, rounds)
        out["ranked, lawqa_jp questions"] = await _time(mode(lite, SearchMode.RANKED), lawqa, rounds)
        if embedder_name:
            from bench.quality import _eval_module
            from egov_api.vector import VectorRuntime
            from egov_core.vector_settings import VectorSettings
            from egov_vector import VectorRetriever
            from egov_vector.embedders.sentence_transformers import fastest_dtype

            # The eval script's factory: the same e5 export (store/e5-model) the store's vectors came from, on
            # the server's thread count (VectorSettings.resolved_threads(serving=True)), as the API embeds queries.
            threads = VectorSettings().resolved_threads(serving=True)
            embedder = _eval_module().make_embedder(
                embedder_name, threads, 512, store=store, dtype=dtype or fastest_dtype()
            )
            retriever = VectorRetriever(embedder)
            # The Full edition's own fusion settings (the citation graph's expansion included), as it ships.
            full = SearchPipeline(engine, retriever=retriever, **VectorRuntime(VectorSettings()).tuning())
            cold: list[float] = []
            for q in lawqa:
                t0 = time.perf_counter()
                await full.provisions(SearchRequest(q, SearchMode.HYBRID, limit=10, max_query_length=_QMAX))
                cold.append((time.perf_counter() - t0) * 1000)
            out["hybrid, lawqa_jp questions, query embedding not cached"] = _percentiles(cold)
            out["hybrid, lawqa_jp questions (query embedding cached)"] = await _time(
                mode(full, SearchMode.HYBRID), lawqa, rounds
            )
            out["semantic, lawqa_jp questions (query embedding cached)"] = await _time(
                mode(full, SearchMode.SEMANTIC), lawqa, rounds
            )
            out["embedder"] = retriever.model_id
    finally:
        await engine.dispose()
        await pg.astop()
    return out


def main(argv: Sequence[str] | None = None) -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True, help="directory of the eval store (its pg/ and e5-model/)")
    parser.add_argument("--embedder", choices=["e5", "deterministic"], help="also semantic and hybrid")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--questions", type=int, default=40, help="lawqa_jp questions timed")
    parser.add_argument(
        "--dtype",
        choices=["auto", "float32", "bfloat16"],
        default="auto",
        help="e5's torch dtype, as the store was embedded (auto: bfloat16 on CPUs with AVX-512 BF16 / AMX)",
    )
    parser.add_argument("--out", help="write the table as JSON here")
    args = parser.parse_args(argv)
    dtype = None if args.dtype == "auto" else args.dtype
    table = asyncio.run(measure(Path(args.store), args.embedder, args.rounds, args.questions, dtype))
    print("| search | n | p50 ms | p99 ms |\n|---|---|---|---|")
    for name, row in table.items():
        if isinstance(row, dict):
            print(f"| {name} | {row['n']} | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} |")
    if args.out:
        Path(args.out).write_text(json.dumps(table, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
