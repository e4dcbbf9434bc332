"""Law abbreviations (「労基法」) → law ids, through the citation package's name table."""

from __future__ import annotations

from egov_core.citations.names import default_name_table
from egov_core.store import Connection, law_ids_named
from egov_core.text import normalize


async def law_ids_for_abbreviation(conn: Connection, abbrev: str) -> list[str]:
    """Ids of the laws ``abbrev`` may stand for: known abbreviations, e-Gov's own, or the exact title."""
    titles = default_name_table().titles_for(abbrev) or [abbrev]
    return await law_ids_named(conn, titles, normalize(abbrev))
