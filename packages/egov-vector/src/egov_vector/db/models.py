"""Per-model bookkeeping: the model registry and the partial HNSW index of each (model, source kind)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from egov_core.storage import translate_errors
from egov_vector.chunking import SourceKind
from egov_vector.errors import ModelMismatchError

__all__ = [
    "drop_index",
    "ensure_index",
    "index_exists",
    "index_name",
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


async def ensure_index(
    engine: AsyncEngine,
    model_id: str,
    dimension: int,
    source_kind: SourceKind,
    *,
    m: int = 16,
    ef_construction: int = 64,
) -> bool:
    """Create the HNSW (cosine) index of (model, source kind) unless it exists.

    Built after the first bulk load rather than before it: building over existing rows is several times
    faster than growing the graph one insert at a time.

    Returns:
        True when the index was created now.
    """
    if await index_exists(engine, model_id, source_kind):
        return False
    ddl = (
        f"CREATE INDEX IF NOT EXISTS {index_name(model_id, source_kind)} ON vector_chunks "
        f"USING hnsw ((embedding::vector({int(dimension)})) vector_cosine_ops) "
        f"WITH (m = {int(m)}, ef_construction = {int(ef_construction)}) "
        f"WHERE model_id = {sql_literal(model_id)} AND source_kind = {sql_literal(source_kind)}"
    )
    with translate_errors():
        async with engine.begin() as conn:
            # Index builds are the one heavy statement here: lift the API's statement timeout for it.
            await conn.execute(text("SET LOCAL statement_timeout = 0"))
            await conn.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
            await conn.execute(text(ddl))
    return True


async def drop_index(engine: AsyncEngine, model_id: str, source_kind: SourceKind) -> None:
    """Drop the HNSW index of (model, source kind) if it exists (benchmarks compare with exact search)."""
    with translate_errors():
        async with engine.begin() as conn:
            await conn.execute(text(f"DROP INDEX IF EXISTS {index_name(model_id, source_kind)}"))
