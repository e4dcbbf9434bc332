"""``import_runs`` bookkeeping and the checksums already stored."""

from __future__ import annotations

import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.ingest.summary import ImportSummary

__all__ = ["finish_run", "known_law_checksums", "start_run"]

#: Keep import_runs.errors bounded even for a run where everything fails.
_MAX_ERRORS = 1000


async def known_law_checksums(engine: AsyncEngine) -> frozenset[str]:
    """Checksums of every stored law revision."""
    async with engine.connect() as conn:
        return frozenset((await conn.execute(text("SELECT checksum FROM law_revisions"))).scalars())


async def start_run(engine: AsyncEngine, kind: str) -> int:
    """Insert a ``running`` import_runs row and return its id."""
    async with engine.begin() as conn:
        run_id = await conn.execute(
            text("INSERT INTO import_runs (kind, started_at, status) VALUES (:kind, now(), 'running') RETURNING id"),
            {"kind": kind},
        )
        return int(run_id.scalar_one())


async def finish_run(engine: AsyncEngine, summary: ImportSummary, status: str) -> None:
    """Record the outcome of a run."""
    errors = [{"source": s, "reason": r} for s, r in summary.failed[:_MAX_ERRORS]]
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE import_runs SET finished_at = now(), status = :status, imported = :imported, "
                "unchanged = :unchanged, failed = :failed, errors = CAST(:errors AS jsonb) WHERE id = :id"
            ),
            {
                "status": status,
                "imported": summary.imported,
                "unchanged": summary.unchanged,
                "failed": len(summary.failed),
                "errors": orjson.dumps(errors).decode(),
                "id": summary.run_id,
            },
        )
