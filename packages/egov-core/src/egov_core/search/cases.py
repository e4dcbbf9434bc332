"""Keyword search over court decisions (``cases.tokens``: case name, 判示事項, 裁判要旨, full text)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from egov_core.search._sql import check_page, connection
from egov_core.search.filters import case_conditions
from egov_core.search.model import ANY_CASE, CaseFilter, CaseHit, CasePage, SearchMode
from egov_core.text.query import MAX_QUERY_LENGTH, ParsedQuery, parse_query
from egov_core.text.snippets import Snippet, find_term_spans, make_snippet, normalize_with_offsets

__all__ = ["search_cases", "search_cases_parsed"]

#: Decisions (newest first) verified and ranked per query; see :mod:`egov_core.search.keyword`.
RANK_WINDOW = 100
#: Candidates looked at per query.
SCAN_CAP = 5000
#: Fields a snippet is taken from, in order of preference (the first that contains a term wins).
SNIPPET_FIELDS = ("gist", "case_gist", "case_name", "contents")


def _snippet(row: Any, terms: tuple[str, ...]) -> tuple[str, Snippet]:
    for field in SNIPPET_FIELDS:
        value = getattr(row, field)
        if value and find_term_spans(normalize_with_offsets(value)[0], terms, limit=1):
            return field, make_snippet(value, terms)
    field = next((f for f in SNIPPET_FIELDS if getattr(row, f)), "gist")
    return field, make_snippet(getattr(row, field) or "", terms)


async def search_cases(
    conn_or_engine: AsyncConnection | AsyncEngine,
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
    conn_or_engine: AsyncConnection | AsyncEngine,
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
        filters: courts (裁判所名), trial types (SupremeCourt …), decision date range (inclusive).
        limit / offset: the page.

    Raises:
        InvalidQueryError: bad page.
    """
    check_page(limit, offset)
    params: dict[str, Any] = {"q": parsed.tsquery, "limit": limit, "offset": offset}
    where = case_conditions(filters, alias="c", params=params)
    conditions = "".join(f" AND {w}" for w in where)
    exact = parsed.index_exact
    window = max(RANK_WINDOW, offset + limit) if exact else max(2 * RANK_WINDOW, 2 * (offset + limit))
    params.update(iq=parsed.index_tsquery, window=window, scan_cap=SCAN_CAP)
    verify = "TRUE" if exact else "c.tokens @@ CAST(:q AS tsquery)"
    # Same two stages as provision search: the index answers a relaxed query without reading tokens,
    # newest decisions first; only the window is verified (phrases, exclusions) and ranked.
    sql = f"""
        WITH hits AS MATERIALIZED (
            SELECT c.lawsuit_id, c.date FROM cases c
            WHERE c.tokens @@ CAST(:iq AS tsquery){conditions}
            LIMIT :scan_cap
        ),
        win AS MATERIALIZED (
            SELECT h.lawsuit_id, h.date, {verify} AS ok, ts_rank_cd(c.tokens, CAST(:q AS tsquery), 1) AS score
            FROM (SELECT * FROM hits ORDER BY date DESC NULLS LAST, lawsuit_id LIMIT :window) h
            JOIN cases c USING (lawsuit_id)
        ),
        page AS (
            SELECT w.lawsuit_id, w.score, w.date FROM win w WHERE w.ok
            ORDER BY w.score DESC, w.date DESC NULLS LAST, w.lawsuit_id LIMIT :limit OFFSET :offset
        )
        SELECT (SELECT count(*) FROM hits) AS candidates, (SELECT count(*) FROM win) AS window_n,
               (SELECT count(*) FROM win WHERE ok) AS window_ok,
               p.score, c.lawsuit_id, c.case_number, c.case_name, c.court_name, c.trial_type, c.date,
               c.gist, c.case_gist, c.contents
        FROM (SELECT 1) one
        LEFT JOIN page p ON TRUE
        LEFT JOIN cases c ON c.lawsuit_id = p.lawsuit_id
        ORDER BY p.score DESC, p.date DESC NULLS LAST, p.lawsuit_id
    """
    async with connection(conn_or_engine) as conn:
        rows = (await conn.execute(text(sql), params)).all()
    head = rows[0]
    candidates, window_n, window_ok = int(head.candidates), int(head.window_n), int(head.window_ok)
    rows = [r for r in rows if r.lawsuit_id is not None]
    if window_n >= candidates:
        total, total_exact = window_ok, candidates < SCAN_CAP
    else:
        total = round(candidates * window_ok / window_n) if window_n else 0
        total_exact = exact and candidates < SCAN_CAP
    terms = parsed.positive_terms
    hits = []
    for r in rows:
        field, snippet = _snippet(r, terms)
        hits.append(
            CaseHit(
                lawsuit_id=r.lawsuit_id,
                case_number=r.case_number,
                case_name=r.case_name,
                court_name=r.court_name,
                trial_type=r.trial_type,
                date=r.date,
                score=float(r.score),
                snippet_field=field,
                snippet=snippet,
            )
        )
    return CasePage(total=total, hits=tuple(hits), terms=terms, total_exact=total_exact, mode=SearchMode.BOOLEAN)
