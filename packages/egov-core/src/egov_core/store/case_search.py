"""Search SQL over ``cases`` (court decisions): Boolean keyword pages and BM25, as :mod:`egov_core.store.search`
runs them over provisions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from egov_core.store.cases import CaseFilter, case_where
from egov_core.store.keyword import KeywordWindow
from egov_core.store.search import by_ordinal, conjunction

__all__ = ["CaseSearchRow", "bm25_cases", "case_document_frequencies", "case_statistics", "keyword_cases"]

_CASE_COLUMNS = "c.lawsuit_id, c.case_number, c.case_name, c.court_name, c.trial_type, c.date, c.gist, c.case_gist"


@dataclass(frozen=True, slots=True)
class CaseSearchRow:
    """One decision as a search reads it, with the fields a snippet may come from."""

    lawsuit_id: str
    case_number: str | None
    case_name: str | None
    court_name: str | None
    trial_type: str | None
    date: dt.date | None
    gist: str | None
    case_gist: str | None
    contents: str | None
    score: float


async def case_document_frequencies(conn: AsyncConnection, tsqueries: Sequence[str]) -> list[int]:
    """How many decisions match each tsquery."""
    rows = await conn.execute(
        text(
            "SELECT t.i, (SELECT count(*) FROM cases x WHERE x.tokens @@ CAST(t.q AS tsquery)) "
            "FROM unnest(CAST(:qs AS text[])) WITH ORDINALITY AS t(q, i) WHERE t.q <> ''"
        ),
        {"qs": list(tsqueries)},
    )
    return by_ordinal(rows, len(tsqueries))


async def case_statistics(conn: AsyncConnection) -> int:
    """How many decisions are stored."""
    return int(await conn.scalar(text("SELECT count(*) FROM cases")) or 0)


def _case(r: Any) -> CaseSearchRow:
    return CaseSearchRow(
        r.lawsuit_id,
        r.case_number,
        r.case_name,
        r.court_name,
        r.trial_type,
        r.date,
        r.gist,
        r.case_gist,
        r.contents,
        float(r.score or 0.0),
    )


async def keyword_cases(
    conn: AsyncConnection,
    *,
    tsquery: str,
    index_tsquery: str,
    exact: bool,
    filters: CaseFilter,
    window: int,
    limit: int,
    offset: int,
    scan_cap: int,
) -> KeywordWindow:
    """Boolean keyword search over decisions, in the two stages of :func:`keyword_units` (newest first, then
    ``ts_rank_cd`` within the window)."""
    conditions, params = case_where(filters)
    verify = "TRUE" if exact else "c.tokens @@ CAST(:q AS tsquery)"
    sql = f"""
        WITH hits AS MATERIALIZED (
            SELECT c.lawsuit_id, c.date FROM cases c
            WHERE c.tokens @@ CAST(:iq AS tsquery){conjunction(conditions)}
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
               p.score, {_CASE_COLUMNS}, c.contents
        FROM (SELECT 1) one
        LEFT JOIN page p ON TRUE
        LEFT JOIN cases c ON c.lawsuit_id = p.lawsuit_id
        ORDER BY p.score DESC, p.date DESC NULLS LAST, p.lawsuit_id
    """
    params.update(q=tsquery, iq=index_tsquery, window=window, limit=limit, offset=offset, scan_cap=scan_cap)
    rows = (await conn.execute(text(sql), params)).all()
    head = rows[0]
    page = tuple(_case(r) for r in rows if r.lawsuit_id is not None)
    candidates = int(head.candidates)
    return KeywordWindow(candidates, int(head.window_n), int(head.window_ok), page, candidates < scan_cap)


async def bm25_cases(
    conn: AsyncConnection,
    *,
    tsqueries: Sequence[str],
    weights: Sequence[float],
    filters: CaseFilter,
    limit: int,
) -> list[CaseSearchRow]:
    """Decisions ranked by ``Σ weight`` of the tsqueries they match (binary tf, no length normalisation:
    a decision's full text is there to be searched, not to dilute its 判示事項)."""
    conditions, params = case_where(filters)
    sql = f"""
        WITH scored AS (
            SELECT c.lawsuit_id, sum(t.w) AS score
            FROM unnest(CAST(:qs AS text[]), CAST(:ws AS float8[])) AS t(q, w)
            JOIN cases c ON c.tokens @@ CAST(t.q AS tsquery)
            WHERE TRUE{conjunction(conditions)}
            GROUP BY c.lawsuit_id
            ORDER BY score DESC, c.lawsuit_id
            LIMIT :limit
        )
        SELECT {_CASE_COLUMNS}, c.contents, s.score
        FROM scored s JOIN cases c ON c.lawsuit_id = s.lawsuit_id
        ORDER BY s.score DESC, c.date DESC NULLS LAST, c.lawsuit_id
    """
    params.update(qs=list(tsqueries), ws=list(weights), limit=limit)
    return [_case(r) for r in await conn.execute(text(sql), params)]
