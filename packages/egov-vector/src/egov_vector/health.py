"""State of the vector index for ``/health/ready``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_vector.db.models import index_name
from egov_vector.embedders.base import Embedder

__all__ = ["vector_health"]


async def vector_health(engine: AsyncEngine, embedder: Embedder) -> dict[str, Any]:
    """Model id, dimension, chunk counts and whether the HNSW indexes exist; never raises.

    Returns:
        ``{"status": "ok" | "empty" | "unavailable", "model_id", "dimension", "chunks": {"law", "case"},
        "index": {"law", "case"}, "error"?}`` — ``empty`` means the model has no vectors yet (run
        ``egov embed``); semantic search then returns nothing.
    """
    out: dict[str, Any] = {"model_id": embedder.model_id, "dimension": embedder.dimension}
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                text("SELECT source_kind, count(*) FROM vector_chunks WHERE model_id = :m GROUP BY source_kind"),
                {"m": embedder.model_id},
            )
            counts = {str(kind): int(n) for kind, n in rows}
            index = {}
            for kind in ("law", "case"):
                found = await conn.scalar(text("SELECT to_regclass(:n)"), {"n": index_name(embedder.model_id, kind)})
                index[kind] = found is not None
    # Readiness reports a broken vector store; it must not take the whole endpoint down with it.
    except Exception as error:  # noqa: BLE001
        out.update(status="unavailable", error=f"{type(error).__name__}: {str(error)[:200]}")
        return out
    out["chunks"] = {"law": counts.get("law", 0), "case": counts.get("case", 0)}
    out["index"] = index
    out["status"] = "ok" if counts.get("law", 0) and index["law"] else "empty"
    return out
