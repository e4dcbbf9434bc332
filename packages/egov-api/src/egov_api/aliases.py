"""Law abbreviations (「労基法」) → law ids, through the citation package's name table."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from egov_api.state import AppState
from egov_core.citations.names import default_name_table
from egov_core.text import normalize


async def law_ids_for_abbreviation(conn: AsyncConnection, state: AppState, abbrev: str) -> list[str]:
    """Ids of the laws ``abbrev`` may stand for: known abbreviations, e-Gov's own, or the exact title."""
    titles = default_name_table().titles_for(abbrev) or [abbrev]
    rows = await conn.execute(
        text(
            "SELECT law_id FROM laws WHERE title = ANY(:titles) "
            "OR (abbrev IS NOT NULL AND :abbrev = ANY(string_to_array(abbrev, ',')))"
        ),
        {"titles": titles, "abbrev": normalize(abbrev)},
    )
    return [r[0] for r in rows]
