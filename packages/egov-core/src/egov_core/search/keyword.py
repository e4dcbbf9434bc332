"""Keyword search over provisions (``search_units``), on stock PostgreSQL (GIN over n-gram tsvectors).

Ranking every hit with ``ts_rank`` is what costs (each hit's tsvector must be read and decompressed),
so ranking is two-stage:

1. all hits are found and counted from the GIN index without reading their tokens, and ordered by a
   cheap prior (main provisions before 附則, constitution and acts before orders and rules, shorter
   units first: a short unit that contains the terms is about them);
2. only the first :data:`RANK_CANDIDATES` (or the requested page, if deeper) get ``ts_rank_cd``
   (term proximity and frequency, normalised by length) times the prior's weights, and are re-ordered.

Deep pages beyond the candidate window are ordered by the prior alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from egov_core.search._sql import any_filter, check_page, connection
from egov_core.text.query import MAX_QUERY_LENGTH, ParsedQuery, parse_query
from egov_core.text.snippets import Snippet, make_snippet

__all__ = ["RANK_CANDIDATES", "SearchHit", "SearchPage", "search_parsed", "search_provisions"]

#: How many hits (in prior order) are ranked by ts_rank_cd.
RANK_CANDIDATES = 200

# Prior weights: law type, and main provision vs 附則. The numbers order results sensibly; they are not tuned.
_TYPE_WEIGHT = (
    "CASE su.law_type WHEN 'Constitution' THEN 1.3 WHEN 'Act' THEN 1.0 WHEN 'CabinetOrder' THEN 0.8 "
    "WHEN 'ImperialOrder' THEN 0.7 WHEN 'MinisterialOrdinance' THEN 0.7 WHEN 'Rule' THEN 0.6 ELSE 0.5 END"
)
_SUPPL_WEIGHT = "CASE WHEN su.in_suppl THEN 0.4 ELSE 1.0 END"


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One provision found by a keyword search.

    Attributes:
        law_id / law_title / law_num / law_type: the law.
        revision_id: the stored revision (law_revisions.id) the unit belongs to.
        path: the unit's provision path (``MainProvision-Article_709``).
        seq: segment number for units split into several segments (0 otherwise).
        in_suppl: the unit is in a 附則.
        caption: 見出し of the unit (``（不法行為による損害賠償）``), if any.
        title: heading label (``第七百九条``), if any.
        score: relevance (higher is better; comparable within one result page only).
        snippet: the unit's text around the matches, terms marked.
        cited: the query cited this provision (it was lifted to the top).
    """

    law_id: str
    law_title: str | None
    law_num: str | None
    law_type: str | None
    revision_id: int
    path: str
    seq: int
    in_suppl: bool
    caption: str | None
    title: str | None
    score: float
    snippet: Snippet
    cited: bool = False


@dataclass(frozen=True, slots=True)
class SearchPage:
    """A page of search hits.

    Attributes:
        total: how many units match (all pages).
        hits: this page, best first.
        terms: the normalised query terms that were searched (citation text removed).
    """

    total: int
    hits: tuple[SearchHit, ...]
    terms: tuple[str, ...] = ()


def _where(
    *,
    law_ids: Sequence[str] | None,
    law_types: Sequence[str] | None,
    categories: Sequence[str] | None,
    suppl: bool | None,
    revision_ids: Sequence[int] | None,
) -> tuple[str, str, dict[str, Any]]:
    """(FROM clause, extra WHERE, params) of the filters."""
    where: list[str] = []
    params: dict[str, Any] = {}
    if revision_ids is not None:
        source = "search_units su JOIN law_revisions r ON r.id = su.revision_id JOIN laws l ON l.law_id = r.law_id"
        any_filter("su.revision_id", "revision_ids", revision_ids, where, params)
    else:
        source = "search_units su JOIN laws l ON l.current_revision_id = su.revision_id"
    any_filter("su.law_id", "law_ids", law_ids, where, params)
    any_filter("su.law_type", "law_types", law_types, where, params)
    any_filter("coalesce(su.category, l.category)", "categories", categories, where, params)
    if suppl is not None:
        where.append("su.in_suppl" if suppl else "NOT su.in_suppl")
    return source, "".join(f" AND {w}" for w in where), params


async def search_parsed(
    conn_or_engine: AsyncConnection | AsyncEngine,
    query: ParsedQuery,
    *,
    law_ids: Sequence[str] | None = None,
    law_types: Sequence[str] | None = None,
    categories: Sequence[str] | None = None,
    suppl: bool | None = None,
    revision_ids: Sequence[int] | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchPage:
    """:func:`search_provisions` for an already parsed query (no citation lifting)."""
    check_page(limit, offset)
    source, filters, params = _where(
        law_ids=law_ids, law_types=law_types, categories=categories, suppl=suppl, revision_ids=revision_ids
    )
    params.update(q=query.tsquery, cap=max(RANK_CANDIDATES, offset + limit), limit=limit, offset=offset)
    # pg_column_size reads the stored size from the tuple header / TOAST pointer without decompressing.
    sql = f"""
        WITH hits AS MATERIALIZED (
            SELECT su.id, su.law_type, su.in_suppl, pg_column_size(su.tokens) AS size
            FROM {source}
            WHERE su.tokens @@ CAST(:q AS tsquery){filters}
        ),
        cand AS (
            SELECT h.id, row_number() OVER (
                ORDER BY h.in_suppl, CASE h.law_type WHEN 'Constitution' THEN 0 WHEN 'Act' THEN 1
                    WHEN 'CabinetOrder' THEN 2 ELSE 3 END, h.size, h.id
            ) AS prior_rank
            FROM hits h
            ORDER BY prior_rank
            LIMIT :cap
        )
        SELECT (SELECT count(*) FROM hits) AS total,
               su.id, su.law_id, l.title AS law_title, l.law_num, su.law_type, su.revision_id, su.path, su.seq,
               su.in_suppl, su.caption, su.title, su.text,
               CASE WHEN c.prior_rank <= {RANK_CANDIDATES}
                    THEN ts_rank_cd(su.tokens, CAST(:q AS tsquery), 1) * {_TYPE_WEIGHT} * {_SUPPL_WEIGHT}
                    ELSE 0 END AS score,
               c.prior_rank
        FROM cand c
        JOIN search_units su ON su.id = c.id
        JOIN laws l ON l.law_id = su.law_id
        ORDER BY score DESC, c.prior_rank
        LIMIT :limit OFFSET :offset
    """
    async with connection(conn_or_engine) as conn:
        rows = (await conn.execute(text(sql), params)).all()
        total = rows[0].total if rows else 0
        if not rows and offset:
            count_sql = f"SELECT count(*) FROM {source} WHERE su.tokens @@ CAST(:q AS tsquery){filters}"
            total = int((await conn.execute(text(count_sql), params)).scalar_one())
    terms = query.positive_terms
    hits = tuple(
        SearchHit(
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
            snippet=make_snippet(r.text, terms),
        )
        for r in rows
    )
    return SearchPage(total=int(total), hits=hits, terms=terms)


async def search_provisions(
    conn_or_engine: AsyncConnection | AsyncEngine,
    query: str,
    *,
    law_ids: Sequence[str] | None = None,
    law_types: Sequence[str] | None = None,
    categories: Sequence[str] | None = None,
    suppl: bool | None = None,
    revision_ids: Sequence[int] | None = None,
    limit: int = 20,
    offset: int = 0,
    max_query_length: int = MAX_QUERY_LENGTH,
) -> SearchPage:
    """Keyword search over the provisions of the current revisions (or of ``revision_ids``).

    Args:
        conn_or_engine: a connection (used as is) or an engine (a connection is taken and returned).
        query: user query (``債権 "損害賠償" -保証``, ``解雇 OR 雇止め``); see :mod:`egov_core.text.query`.
        law_ids / law_types / categories: restrict to these laws, e-Gov law types, categories.
        suppl: True: only 附則; False: only 本則 (and 別表 etc.); None: both.
        revision_ids: search these stored revisions instead of the current ones (as-of searches).
        limit / offset: the page (limit ≤ 100, offset ≤ 10,000).
        max_query_length: longest accepted query.

    Returns:
        The page and the total number of matching units. Citations in the query are not lifted
        here: see :func:`egov_core.search.search_with_citations`.

    Raises:
        InvalidQueryError: malformed query or page.
    """
    parsed = parse_query(query, max_length=max_query_length)
    return await search_parsed(
        conn_or_engine,
        parsed,
        law_ids=law_ids,
        law_types=law_types,
        categories=categories,
        suppl=suppl,
        revision_ids=revision_ids,
        limit=limit,
        offset=offset,
    )


def with_cited(hit: SearchHit) -> SearchHit:
    """``hit`` flagged as cited by the query."""
    return replace(hit, cited=True)
