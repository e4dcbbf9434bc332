"""Boolean keyword search over provisions (``search_units``): the query's terms ANDed, phrases, OR, -exclusion.

The statement (:func:`egov_core.store.keyword.keyword_units`) is two-stage: the GIN index answers a relaxed
question without reading tokens, and only a window of the best candidates by the stored prior is
verified and ranked. The total is exact when the index question is (terms of 1–2 characters, no
exclusion) or when every candidate fit in the window; otherwise it is estimated from the window's
verified share (``total_exact=False``), as it is beyond :data:`SCAN_CAP` candidates.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from egov_core.search._sql import check_page, connection
from egov_core.search.model import ANY_PROVISION, Hit, Page, ProvisionFilter, SearchMode
from egov_core.store import keyword as keyword_sql
from egov_core.store import search as sql
from egov_core.store.database import ReadSource
from egov_core.store.keyword import KeywordWindow
from egov_core.store.search import UnitRow
from egov_core.text.query import MAX_QUERY_LENGTH, ParsedQuery, parse_query
from egov_core.text.snippets import UNRENDERED, make_snippet

__all__ = ["RANK_CANDIDATES", "SCAN_CAP", "estimate_total", "search_parsed", "search_provisions", "unit_hit"]

#: How many hits (in prior order) are ranked by ts_rank_cd.
RANK_CANDIDATES = 100
#: Hits looked at per query: beyond this the total is a lower bound (``total_exact=False``) and the
#: ranked window is chosen among the first SCAN_CAP hits. Only terms found in over a sixth of all
#: provisions (国, 第一条) get there; visiting every one of their rows is what would make them slow.
SCAN_CAP = 5000


def unit_hit(row: UnitRow, terms: tuple[str, ...] | list[str], *, snippets: bool = True, cited: bool = False) -> Hit:
    """A search unit row as a hit (snippet around ``terms``, or unrendered with the text kept)."""
    return Hit(
        law_id=row.law_id,
        law_title=row.law_title,
        law_num=row.law_num,
        law_type=row.law_type,
        revision_id=row.revision_id,
        path=row.path,
        seq=row.seq,
        in_suppl=row.in_suppl,
        caption=row.caption,
        title=row.title,
        score=row.score,
        snippet=make_snippet(row.text, terms) if snippets else UNRENDERED,
        cited=cited,
        source_text=None if snippets else row.text,
    )


def estimate_total(found: KeywordWindow, exact: bool) -> tuple[int, bool]:
    """(total, exact) of a two-stage keyword statement."""
    if found.window_n >= found.candidates:
        # Every candidate was verified: the count is exact (unless the scan cap cut the candidates).
        return found.window_ok, found.complete
    # Estimated from the verified window (exact when the index query is: every window row verifies).
    total = round(found.candidates * found.window_ok / found.window_n) if found.window_n else 0
    return total, exact and found.complete


async def search_parsed(
    conn_or_engine: AsyncConnection | ReadSource,
    query: ParsedQuery,
    *,
    filters: ProvisionFilter = ANY_PROVISION,
    limit: int = 20,
    offset: int = 0,
    snippets: bool = True,
) -> Page:
    """:func:`search_provisions` for an already parsed query (no citation lifting).

    ``snippets=False`` leaves every hit's snippet ``UNRENDERED`` and its text in ``source_text``: for
    callers (fused searches) that rank many candidates and show a few.
    """
    check_page(limit, offset)
    exact = query.index_exact
    window = max(RANK_CANDIDATES, offset + limit) if exact else max(2 * RANK_CANDIDATES, 2 * (offset + limit))
    async with connection(conn_or_engine) as conn:
        conditions = await sql.provision_conditions(conn, filters, alias="su")
        found = await keyword_sql.keyword_units(
            conn,
            tsquery=query.tsquery,
            index_tsquery=query.index_tsquery,
            exact=exact,
            conditions=conditions,
            window=window,
            limit=limit,
            offset=offset,
            scan_cap=SCAN_CAP,
            exclusions=bool(query.excluded),
            and_tokens=query.and_tokens,
            term=query.lone_term,
        )
    total, total_exact = estimate_total(found, exact)
    terms = query.positive_terms
    hits = tuple(unit_hit(r, terms, snippets=snippets) for r in found.rows)
    return Page(total=total, hits=hits, terms=terms, total_exact=total_exact, mode=SearchMode.BOOLEAN)


async def search_provisions(
    conn_or_engine: AsyncConnection | ReadSource,
    query: str,
    *,
    filters: ProvisionFilter = ANY_PROVISION,
    limit: int = 20,
    offset: int = 0,
    max_query_length: int = MAX_QUERY_LENGTH,
) -> Page:
    """Boolean keyword search over the provisions of the current revisions (or of ``filters.revision_ids``).

    Args:
        conn_or_engine: a connection (used as is) or an engine (a connection is taken and returned).
        query: user query (``債権 "損害賠償" -保証``, ``解雇 OR 雇止め``); see :mod:`egov_core.text.query`.
        filters: which laws, law types, categories, 本則 / 附則, or which stored revisions (as-of searches).
        limit / offset: the page (limit ≤ 100, offset ≤ 10,000).
        max_query_length: longest accepted query.

    Returns:
        The page and the total number of matching units. Citations in the query are not lifted
        here: :class:`egov_core.search.SearchPipeline` does.

    Raises:
        InvalidQueryError: malformed query or page.
    """
    parsed = parse_query(query, max_length=max_query_length)
    return await search_parsed(conn_or_engine, parsed, filters=filters, limit=limit, offset=offset)
