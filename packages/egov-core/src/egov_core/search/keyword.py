"""Keyword search over provisions (``search_units``), on stock PostgreSQL (GIN over n-gram tsvectors).

Reading a hit's tsvector (decompressing it) is what costs: ``ts_rank`` over every hit does it, and so
does PostgreSQL's recheck of every phrase match. So the search is two-stage:

1. the GIN index is asked a relaxed question it answers exactly without reading any row's tokens
   (:attr:`ParsedQuery.index_tsquery`: n-grams ANDed, no positions, no exclusions); the candidates
   (up to :data:`SCAN_CAP`) are counted and ordered by a cheap prior stored on each unit (``prior``:
   main provisions before 附則, constitution and acts before orders and rules, shorter units first: a
   short unit that contains the terms is about them), current revisions picked by the stored
   ``is_current`` flag rather than a join;
2. a window of the best candidates (at least :data:`RANK_CANDIDATES`, more for deep pages) is read:
   phrases and exclusions are verified there (so every hit really contains its terms) and ranked by
   ``ts_rank_cd`` (proximity and frequency, normalised by length) times the prior's weights.

The total is exact when the index question is (terms of 1–2 characters, no exclusion) or when every
candidate fit in the window; otherwise it is estimated from the window's verified share
(``total_exact=False``), as it is beyond :data:`SCAN_CAP` candidates.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from egov_core.search._sql import SUPPL_WEIGHT, TYPE_WEIGHT, check_page, connection
from egov_core.search.filters import law_conditions
from egov_core.search.model import ANY_LAW, Hit, LawFilter, Page, SearchMode
from egov_core.text.query import MAX_QUERY_LENGTH, ParsedQuery, parse_query
from egov_core.text.snippets import UNRENDERED, make_snippet

__all__ = ["RANK_CANDIDATES", "SCAN_CAP", "search_parsed", "search_provisions"]

#: How many hits (in prior order) are ranked by ts_rank_cd.
RANK_CANDIDATES = 100
#: Hits looked at per query: beyond this the total is a lower bound (``total_exact=False``) and the
#: ranked window is chosen among the first SCAN_CAP hits. Only terms found in over a sixth of all
#: provisions (国, 第一条) get there; visiting every one of their rows is what would make them slow.
SCAN_CAP = 5000


async def search_parsed(
    conn_or_engine: AsyncConnection | AsyncEngine,
    query: ParsedQuery,
    *,
    filters: LawFilter = ANY_LAW,
    limit: int = 20,
    offset: int = 0,
    snippets: bool = True,
) -> Page:
    """:func:`search_provisions` for an already parsed query (no citation lifting).

    ``snippets=False`` leaves every hit's snippet ``UNRENDERED`` and its text in ``source_text``: for
    callers (hybrid search) that fuse many candidates and show a few.
    """
    check_page(limit, offset)
    exact = query.index_exact
    window = max(RANK_CANDIDATES, offset + limit) if exact else max(2 * RANK_CANDIDATES, 2 * (offset + limit))
    params: dict[str, Any] = {
        "q": query.tsquery,
        "iq": query.index_tsquery,
        "window": window,
        "limit": limit,
        "offset": offset,
        "scan_cap": SCAN_CAP,
    }
    # Stage 1 asks the GIN index a question it answers exactly (n-grams ANDed, no positions, no NOT), so
    # no row's tokens are read, only fixed-width columns of the heap row. Stage 2
    # reads tokens only for the window: to verify phrases / exclusions and to rank.
    verify = "TRUE" if exact else "su.tokens @@ CAST(:q AS tsquery)"
    async with connection(conn_or_engine) as conn:
        where = await law_conditions(conn, filters, alias="su")
        rows = (await conn.execute(text(_statement(verify, where)), params)).all()
    head = rows[0]
    candidates, window_n, window_ok = int(head.candidates), int(head.window_n), int(head.window_ok)
    rows = [r for r in rows if r.law_id is not None]
    if window_n >= candidates:
        # Every candidate was verified: the count is exact (unless the scan cap cut the candidates).
        total, total_exact = window_ok, candidates < SCAN_CAP
    else:
        # Estimated from the verified window (exact when the index query is: every window row verifies).
        total = round(candidates * window_ok / window_n) if window_n else 0
        total_exact = exact and candidates < SCAN_CAP
    terms = query.positive_terms
    hits = tuple(
        Hit(
            law_id=r.law_id,
            law_title=r.law_title,
            law_num=r.law_num,
            law_type=r.law_type,
            revision_id=r.revision_id,
            path=r.path,
            seq=r.seq,
            in_suppl=r.in_suppl,
            caption=r.caption,
            title=r.title,
            score=float(r.score),
            snippet=make_snippet(r.text, terms) if snippets else UNRENDERED,
            source_text=None if snippets else r.text,
        )
        for r in rows
    )
    return Page(total=total, hits=hits, terms=terms, total_exact=total_exact, mode=SearchMode.BOOLEAN)


def _statement(verify: str, where: list[str]) -> str:
    """Both stages in one statement (see the module docstring)."""
    conditions = "".join(f" AND {w}" for w in where)
    return f"""
        WITH hits AS MATERIALIZED (
            SELECT su.id, su.prior
            FROM search_units su
            WHERE su.tokens @@ CAST(:iq AS tsquery){conditions}
            LIMIT :scan_cap
        ),
        win AS MATERIALIZED (
            SELECT w.id, w.prior_rank, {verify} AS ok,
                   ts_rank_cd(su.tokens, CAST(:q AS tsquery), 1) * {TYPE_WEIGHT} * {SUPPL_WEIGHT} AS score
            FROM (
                SELECT h.id, row_number() OVER (ORDER BY h.prior, h.id) AS prior_rank
                FROM (SELECT * FROM hits ORDER BY prior, id LIMIT :window) h
            ) w
            JOIN search_units su ON su.id = w.id
        ),
        page AS (
            SELECT w.id, w.prior_rank, w.score FROM win w WHERE w.ok
            ORDER BY w.score DESC, w.prior_rank LIMIT :limit OFFSET :offset
        )
        SELECT (SELECT count(*) FROM hits) AS candidates,
               (SELECT count(*) FROM win) AS window_n,
               (SELECT count(*) FROM win WHERE ok) AS window_ok,
               su.law_id, l.title AS law_title, l.law_num, su.law_type, su.revision_id, su.path, su.seq,
               su.in_suppl, su.caption, su.title, su.text, p.score
        FROM (SELECT 1) one
        LEFT JOIN page p ON TRUE
        LEFT JOIN search_units su ON su.id = p.id
        LEFT JOIN laws l ON l.law_id = su.law_id
        ORDER BY p.score DESC, p.prior_rank
    """


async def search_provisions(
    conn_or_engine: AsyncConnection | AsyncEngine,
    query: str,
    *,
    filters: LawFilter = ANY_LAW,
    limit: int = 20,
    offset: int = 0,
    max_query_length: int = MAX_QUERY_LENGTH,
) -> Page:
    """Keyword search over the provisions of the current revisions (or of ``revision_ids``).

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
