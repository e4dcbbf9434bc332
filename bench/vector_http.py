"""Semantic and hybrid search over HTTP (the Full edition's routes), beside keyword search on the same store.

They need pgvector, which the local PostgreSQL lacks, so this part runs its own store: egov's embedded
PostgreSQL 16 (+pgvector) in a temporary directory, a subset of the laws ingested and their main
provisions embedded with the chosen backend (the same factory the server uses, so the stored vectors'
model id is the server's). One uncached egov server (Granian, like every other HTTP figure) is measured
at each connection count, rounds interleaved; the figures are comparable with each other, not with the
main database's rows (fewer laws).
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil  # type: ignore[import-untyped]  # no stubs installed

from bench.infra import egov_env, http_server
from bench.vector import embedder_for, load_vector_store, vector_env
from bench.web import QUESTIONS, SEMANTIC, Scenario, failures, measure, stats


def _backends_of(data_dir: Path) -> Callable[[], dict[int, float]]:
    """CPU seconds by pid of the backends of the PostgreSQL whose data directory is ``data_dir``."""
    postmaster = int((data_dir / "postmaster.pid").read_text().split()[0])

    def sample() -> dict[int, float]:
        out: dict[int, float] = {}
        with contextlib.suppress(psutil.Error):
            for child in psutil.Process(postmaster).children():
                with contextlib.suppress(psutil.Error):
                    t = child.cpu_times()
                    out[child.pid] = t.user + t.system
        return out

    return sample


def _scenarios() -> list[Scenario]:
    def paths(kind: str) -> tuple[str, ...]:
        return tuple(f"/v1/search{kind}?q={q}" for q in SEMANTIC)

    return [
        Scenario("vec-keyword", "egov", paths(""), "keyword search, same store"),
        Scenario("vec-semantic", "egov", paths("/semantic"), "semantic search"),
        Scenario("vec-hybrid", "egov", paths("/hybrid"), "hybrid search (keyword + vector, RRF)"),
        Scenario(
            "vec-hybrid-question",
            "egov",
            tuple(f"/v1/search/hybrid?q={q}" for q in QUESTIONS),
            "hybrid search, questions (query embeddings cached after the first round)",
        ),
    ]


async def _load(url: str, law_files: list[Path], vector: dict[str, str]) -> dict[str, Any]:
    from egov_core.settings import DatabaseSettings, EgovSettings
    from egov_core.store import create_engine

    embedder = embedder_for(vector)
    engine = create_engine(EgovSettings(database=DatabaseSettings(statement_timeout_ms=3_600_000)), url=url)
    try:
        summary = await load_vector_store(engine, law_files, embedder)
    finally:
        await engine.dispose()
    return {"embedder": embedder.model_id, "chunks": summary.embedded, "chunks_per_s": round(summary.chunks_per_s, 2)}


def vector_http(
    law_files: list[Path], *, backend: str, duration: float, rounds: int, connections: tuple[int, ...]
) -> dict[str, Any]:
    """Keyword, semantic and hybrid search over HTTP on a vector store of ``law_files``.

    Returns ``{"embedder", "laws", "chunks", "scenarios": {name: {label, by_conn: {c: {rps, p50_ms, …}}}}}``.
    """
    from egov_core.store import EmbeddedPostgres

    with tempfile.TemporaryDirectory(prefix="egov_bench_vhttp_") as tmp:
        pg = EmbeddedPostgres(Path(tmp) / "pg")
        url = pg.start()
        try:
            vector = vector_env(backend, Path(tmp))
            store = asyncio.run(_load(url, law_files, vector))
            db_cpu = _backends_of(pg.data_dir)
            env = egov_env(url, EGOV_CACHE__ENABLED="false", **vector)
            with http_server(
                "egov", "granian", "egov_api.app:create_app", factory=True, env=env, ready_path="/health/ready"
            ) as srv:
                runs: dict[tuple[str, int], list[dict[str, Any]]] = {}
                for _ in range(rounds):
                    for c in connections:
                        for sc in _scenarios():
                            runs.setdefault((sc.name, c), []).append(measure(srv, sc, duration, c, "", db_cpu))
        finally:
            pg.stop()
    out: dict[str, Any] = {**store, "laws": len(law_files), "backend": backend, "scenarios": {}}
    for sc in _scenarios():
        by_conn = {
            str(c): {
                k: stats([r[k] for r in runs[(sc.name, c)]])
                for k in ("rps", "p50_ms", "p90_ms", "p99_ms", "cpu_us", "db_cpu_us")
            }
            for c in connections
        }
        every = [r for c in connections for r in runs[(sc.name, c)]]
        errors = sum(r["errors"] for r in every)
        out["scenarios"][sc.name] = {
            "label": sc.label,
            "paths": list(sc.paths),
            "by_conn": by_conn,
            "errors": errors,
            "failures": failures(every),
        }
    return out
