"""Keyword search's first band and the n-gram frequency table (migration 0008): how they are built and read.

The band is the current units with ``prior < BAND_PRIOR`` (the Constitution, and Acts' main provisions under 200
characters), where a window by prior starts; ``ix_search_units_tokens_band`` indexes it alone, so the window's
candidates are read from it without visiting the rest. ``search_token_df`` holds, for every n-gram, the
current units holding it (``ndoc``) and those of them in the band (``ndoc_band``): a one-n-gram query's total
without visiting a row, and the scale from a band's count to a whole-table estimate for longer queries.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from egov_core.store.tables import BAND_PRIOR

__all__ = ["CREATE_BAND_INDEX", "REBUILD_TOKEN_DF", "rebuild_token_df"]

#: The band's partial GIN index.
CREATE_BAND_INDEX = (
    "CREATE INDEX IF NOT EXISTS ix_search_units_tokens_band ON search_units USING gin (tokens) "
    f"WHERE is_current AND prior < {BAND_PRIOR}"
)

#: ``search_token_df`` filled anew from the current units (the triggers keep it from then on).
REBUILD_TOKEN_DF = (
    "TRUNCATE search_token_df",
    f"""
    INSERT INTO search_token_df (token, ndoc, ndoc_band)
    SELECT t.token, count(*), count(*) FILTER (WHERE su.prior < {BAND_PRIOR})
    FROM search_units su, unnest(tsvector_to_array(su.tokens)) AS t(token)
    WHERE su.is_current
    GROUP BY t.token
    """,
)


async def rebuild_token_df(conn: AsyncConnection) -> None:
    """Refill ``search_token_df`` in ``conn``'s transaction, writers to ``search_units`` held off until it ends."""
    await conn.execute(text("LOCK TABLE search_units IN SHARE MODE"))
    for statement in REBUILD_TOKEN_DF:
        await conn.execute(text(statement))
