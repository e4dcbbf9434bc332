"""An import run's outcome, recorded in ``import_runs`` (the SQL is :mod:`egov_core.store.import_runs`)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.ingest.summary import ImportSummary
from egov_core.store.import_runs import finish_run_values

__all__ = ["finish_run"]

#: Keep import_runs.errors bounded even for a run where everything fails.
_MAX_ERRORS = 1000


async def finish_run(engine: AsyncEngine, summary: ImportSummary, status: str) -> None:
    """Record the outcome of an import run."""
    assert summary.run_id is not None, "finish_run needs the run_id start_run returned"
    await finish_run_values(
        engine,
        summary.run_id,
        status,
        imported=summary.imported,
        unchanged=summary.unchanged,
        failed=len(summary.failed),
        errors=[{"source": s, "reason": r} for s, r in summary.failed[:_MAX_ERRORS]],
    )
