"""Which vector chunks belong to their law's current revision (``vector_chunks.is_current``), kept by
egov-vector itself from core's read port: no trigger on core's tables.

Semantic search filters on ``is_current`` (a column the planner has statistics for keeps the HNSW index in
play). It is refreshed after every import (:func:`after_import`, an ``egov.after_import`` entry point that
egov-core's import use cases run) and at the end of every ``egov embed``.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from egov_core.store import CORE_READS, CoreReads, CurrentLaw, translate_errors

__all__ = ["CURRENT_CTE", "after_import", "current_pairs", "refresh_current"]

#: A CTE ``cur(law_id, revision_id)`` of the current revisions, bound by :func:`current_pairs` (two arrays; the
#: planner hash-joins them with the chunks).
CURRENT_CTE = (
    "cur AS (SELECT * FROM unnest(CAST(:law_ids AS text[]), CAST(:revision_ids AS bigint[])) AS c(law_id, revision_id))"
)

_REFRESH = f"""
WITH {CURRENT_CTE},
flags AS (
    SELECT vc.id, (cur.law_id IS NOT NULL) AS now_current
    FROM vector_chunks vc LEFT JOIN cur ON cur.law_id = vc.law_id AND cur.revision_id = vc.revision_id
    WHERE vc.source_kind = 'law'
)
UPDATE vector_chunks vc SET is_current = flags.now_current
FROM flags WHERE flags.id = vc.id AND vc.is_current IS DISTINCT FROM flags.now_current
"""


def current_pairs(laws: list[CurrentLaw]) -> dict[str, list[object]]:
    """The bind parameters of :data:`CURRENT_CTE` for these laws."""
    return {"law_ids": [law.law_id for law in laws], "revision_ids": [law.revision_id for law in laws]}


async def _has_chunks_table(conn: AsyncConnection) -> bool:
    return (await conn.execute(text("SELECT to_regclass('vector_chunks') IS NOT NULL"))).scalar_one() is True


async def refresh_current(engine: AsyncEngine, reads: CoreReads = CORE_READS) -> int:
    """Set ``is_current`` of every law chunk (of every model) from the laws' current revisions.

    Returns:
        How many chunks changed flag (0 when the vector tables do not exist: nothing to do).
    """
    with translate_errors():
        async with engine.connect() as conn:
            if not await _has_chunks_table(conn):
                return 0
            laws = await reads.current_laws(conn)
        async with engine.begin() as conn:
            changed = await conn.execute(text(_REFRESH), current_pairs(laws))
            return int(changed.rowcount)


async def after_import(engine: AsyncEngine) -> None:
    """The ``egov.after_import`` hook: re-flag the chunks of laws whose current revision changed."""
    await refresh_current(engine)
