"""Per-model bookkeeping: the model registry and the partial HNSW index of each (model, source kind)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from egov_core.store import translate_errors
from egov_vector.chunking import SourceKind
from egov_vector.errors import ModelMismatchError
from egov_vector.settings import DEFAULT_HNSW_EF_CONSTRUCTION, DEFAULT_HNSW_M

__all__ = [
    "drop_index",
    "ensure_index",
    "index_exists",
    "index_name",
    "index_options",
    "register_model",
    "sql_literal",
    "vector_literal",
]


def sql_literal(value: str) -> str:
    """``value`` as a SQL string literal.

    Model ids are inlined (not bound) where a partial index must match: the planner can only use an index
    ``WHERE model_id = 'x'`` when the query's own condition is that same constant.
    """
    if "\x00" in value:
        raise ValueError("NUL in a SQL literal")
    return "'" + value.replace("'", "''") + "'"


def vector_literal(vector: npt.NDArray[np.floating] | Sequence[float]) -> str:
    """The pgvector text form ``[0.1,0.2,…]`` (bound as text and cast, so no driver codec is needed)."""
    return "[" + ",".join(f"{float(x):.7g}" for x in np.asarray(vector).ravel()) + "]"


def index_name(model_id: str, source_kind: SourceKind) -> str:
    """A stable, short index name for one (model, source kind)."""
    digest = hashlib.sha1(model_id.encode("utf-8"), usedforsecurity=False).hexdigest()[:12]
    return f"vector_chunks_hnsw_{source_kind}_{digest}"


async def register_model(conn: AsyncConnection, model_id: str, dimension: int) -> None:
    """Record ``model_id`` with its dimension (idempotent).

    Raises:
        ModelMismatchError: the id is registered with another dimension.
    """
    await conn.execute(
        text("INSERT INTO vector_models (model_id, dimension) VALUES (:m, :d) ON CONFLICT (model_id) DO NOTHING"),
        {"m": model_id, "d": dimension},
    )
    stored = await conn.scalar(text("SELECT dimension FROM vector_models WHERE model_id = :m"), {"m": model_id})
    if stored != dimension:
        raise ModelMismatchError(
            f"model {model_id!r} is registered with dimension {stored}, but the embedder makes {dimension}: "
            "give the new model its own id"
        )


async def index_exists(engine: AsyncEngine, model_id: str, source_kind: SourceKind) -> bool:
    """True when the HNSW index of (model, source kind) exists."""
    with translate_errors():
        async with engine.connect() as conn:
            found = await conn.scalar(text("SELECT to_regclass(:n)"), {"n": index_name(model_id, source_kind)})
    return found is not None


async def index_options(engine: AsyncEngine, model_id: str, source_kind: SourceKind) -> dict[str, int] | None:
    """The HNSW build parameters (``m``, ``ef_construction``) of the (model, source kind) index; None if absent.

    Parameters the index was built without are reported with pgvector's defaults (m 16, ef_construction 64).
    """
    with translate_errors():
        async with engine.connect() as conn:
            row = (
                await conn.execute(
                    text("SELECT c.reloptions FROM pg_class c WHERE c.oid = to_regclass(:n)"),
                    {"n": index_name(model_id, source_kind)},
                )
            ).first()
    if row is None:
        return None
    options = {"m": 16, "ef_construction": 64}
    for item in row[0] or ():
        key, _, value = str(item).partition("=")
        if key in options and value.isdigit():
            options[key] = int(value)
    return options


def _index_ddl(name: str, model_id: str, dimension: int, source_kind: SourceKind, m: int, ef_construction: int) -> str:
    return (
        f"INDEX {name} ON vector_chunks "
        f"USING hnsw ((embedding::vector({int(dimension)})) vector_cosine_ops) "
        f"WITH (m = {int(m)}, ef_construction = {int(ef_construction)}) "
        f"WHERE model_id = {sql_literal(model_id)} AND source_kind = {sql_literal(source_kind)}"
    )


async def ensure_index(
    engine: AsyncEngine,
    model_id: str,
    dimension: int,
    source_kind: SourceKind,
    *,
    m: int = DEFAULT_HNSW_M,
    ef_construction: int = DEFAULT_HNSW_EF_CONSTRUCTION,
    rebuild: bool = True,
) -> bool:
    """Create the HNSW (cosine) index of (model, source kind), or rebuild it when its parameters changed.

    Built after the first bulk load rather than before it: building over existing rows is several times
    faster than growing the graph one insert at a time. An index built with another ``m`` /
    ``ef_construction`` (the settings changed) is rebuilt when ``rebuild`` is true: the new graph is built
    ``CONCURRENTLY`` beside the old one, which keeps answering queries, and then takes its name.

    Returns:
        True when the index was created or rebuilt now.
    """
    current = await index_options(engine, model_id, source_kind)
    if current == {"m": m, "ef_construction": ef_construction} or (current is not None and not rebuild):
        return False
    name = index_name(model_id, source_kind)
    with translate_errors():
        if current is None:
            async with engine.begin() as conn:
                # Index builds are the one heavy statement here: lift the API's statement timeout for it.
                await conn.execute(text("SET LOCAL statement_timeout = 0"))
                await conn.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
                ddl = _index_ddl(name, model_id, dimension, source_kind, m, ef_construction)
                await conn.execute(text(f"CREATE {ddl.replace('INDEX', 'INDEX IF NOT EXISTS', 1)}"))
            return True
        await _rebuild(engine, name, _index_ddl(f"{name}_new", model_id, dimension, source_kind, m, ef_construction))
    return True


async def _rebuild(engine: AsyncEngine, name: str, ddl: str) -> None:
    async with engine.connect() as conn:
        auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
        # CONCURRENTLY cannot run in a transaction block, so SET LOCAL is no use: set, then reset.
        await auto.execute(text("SET statement_timeout = 0"))
        await auto.execute(text("SET maintenance_work_mem = '256MB'"))
        try:
            # A build interrupted earlier leaves an invalid index of that name behind.
            await auto.execute(text(f"DROP INDEX CONCURRENTLY IF EXISTS {name}_new"))
            await auto.execute(text(f"CREATE {ddl.replace('INDEX', 'INDEX CONCURRENTLY', 1)}"))
        finally:
            await auto.execute(text("RESET statement_timeout"))
            await auto.execute(text("RESET maintenance_work_mem"))
    async with engine.begin() as conn:
        await conn.execute(text(f"DROP INDEX IF EXISTS {name}"))
        await conn.execute(text(f"ALTER INDEX {name}_new RENAME TO {name}"))


async def drop_index(engine: AsyncEngine, model_id: str, source_kind: SourceKind) -> None:
    """Drop the HNSW index of (model, source kind) if it exists (benchmarks compare with exact search)."""
    with translate_errors():
        async with engine.begin() as conn:
            await conn.execute(text(f"DROP INDEX IF EXISTS {index_name(model_id, source_kind)}"))
