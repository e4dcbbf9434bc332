"""Boolean keyword search over court decisions (``cases.tokens``: case name, 判示事項, 裁判要旨, full text)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from egov_core.search._sql import check_page, connection
from egov_core.search.keyword import estimate_total
from egov_core.search.model import ANY_CASE, CaseFilter, CaseHit, CasePage, SearchMode
from egov_core.store import case_search
from egov_core.store.case_search import CaseSearchRow
from egov_core.store.database import ReadSource
from egov_core.text.query import MAX_QUERY_LENGTH, ParsedQuery, parse_query
from egov_core.text.snippets import Snippet, find_term_spans, make_snippet, normalize_with_offsets

__all__ = ["case_hit", "search_cases", "search_cases_parsed"]

#: Decisions (newest first) verified and ranked per query; see :mod:`egov_core.search.keyword`.
RANK_WINDOW = 100
#: Candidates looked at per query.
SCAN_CAP = 5000
#: Fields a snippet is taken from, in order of preference (the first that contains a term wins).
SNIPPET_FIELDS = ("gist", "case_gist", "case_name", "contents")


def _snippet(row: CaseSearchRow, terms: tuple[str, ...]) -> tuple[str, Snippet]:
    for field in SNIPPET_FIELDS:
        value = getattr(row, field)
        if value and find_term_spans(normalize_with_offsets(value)[0], terms, limit=1):
            return field, make_snippet(value, terms)
    field = next((f for f in SNIPPET_FIELDS if getattr(row, f)), "gist")
    return field, make_snippet(getattr(row, field) or "", terms)


def case_hit(row: CaseSearchRow, terms: tuple[str, ...]) -> CaseHit:
    """A decision row as a hit, its snippet from the first field holding a term."""
    field, snippet = _snippet(row, terms)
    return CaseHit(
        lawsuit_id=row.lawsuit_id,
        case_number=row.case_number,
        case_name=row.case_name,
        court_name=row.court_name,
        trial_type=row.trial_type,
        date=row.date,
        score=row.score,
        snippet_field=field,
        snippet=snippet,
    )


async def search_cases(
    conn_or_engine: AsyncConnection | ReadSource,
    query: str,
    *,
    filters: CaseFilter = ANY_CASE,
    limit: int = 20,
    offset: int = 0,
    max_query_length: int = MAX_QUERY_LENGTH,
) -> CasePage:
    """Keyword search over decisions (same syntax as provision search); see :func:`search_cases_parsed`.

    Raises:
        InvalidQueryError: malformed query or page.
    """
    check_page(limit, offset)
    parsed = parse_query(query, max_length=max_query_length)
    return await search_cases_parsed(conn_or_engine, parsed, filters=filters, limit=limit, offset=offset)


async def search_cases_parsed(
    conn_or_engine: AsyncConnection | ReadSource,
    parsed: ParsedQuery,
    *,
    filters: CaseFilter = ANY_CASE,
    limit: int = 20,
    offset: int = 0,
) -> CasePage:
    """Keyword search over decisions, ranked by ``ts_rank_cd`` among the newest matching decisions.

    Args:
        conn_or_engine: a connection or an engine.
        parsed: the parsed query.
        filters: court (part of its name), trial types (SupremeCourt …), decision date range (inclusive).
        limit / offset: the page.

    Raises:
        InvalidQueryError: bad page.
    """
    check_page(limit, offset)
    exact = parsed.index_exact
    window = max(RANK_WINDOW, offset + limit) if exact else max(2 * RANK_WINDOW, 2 * (offset + limit))
    async with connection(conn_or_engine) as conn:
        found = await case_search.keyword_cases(
            conn,
            tsquery=parsed.tsquery,
            index_tsquery=parsed.index_tsquery,
            exact=exact,
            filters=filters,
            window=window,
            limit=limit,
            offset=offset,
            scan_cap=SCAN_CAP,
        )
    total, total_exact = estimate_total(found, exact)
    terms = parsed.positive_terms
    hits = tuple(case_hit(r, terms) for r in found.rows)
    return CasePage(total=total, hits=hits, terms=terms, total_exact=total_exact, mode=SearchMode.BOOLEAN)
