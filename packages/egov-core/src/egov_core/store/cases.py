"""Court decisions: list with filters, one decision with its resolved 参照法条, decisions citing a law."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from egov_core.errors import CaseNotFoundError
from egov_core.store._where import add_conditions

_COLUMNS = (
    "c.lawsuit_id, c.trial_type, c.case_number, c.case_name, c.court_name, c.date, c.result_type, c.result, "
    "c.article_info, c.original_court_name, c.original_case_number, c.original_date, c.gist, c.case_gist, "
    "c.ref_law, c.detail_page_link, c.full_pdf_link, c.flags"
)


@dataclass(frozen=True, slots=True)
class CaseRefRow:
    """One part of a decision's 参照法条 and what it resolved to."""

    seq: int
    raw: str
    law_id: str | None
    path: str | None
    status: str
    note: str | None


@dataclass(frozen=True, slots=True)
class CaseRow:
    """A stored court decision (``contents`` only when asked for)."""

    lawsuit_id: str
    trial_type: str | None
    case_number: str | None
    case_name: str | None
    court_name: str | None
    date: dt.date | None
    result_type: str | None
    result: str | None
    article_info: str | None
    original_court_name: str | None
    original_case_number: str | None
    original_date: dt.date | None
    gist: str | None
    case_gist: str | None
    ref_law: str | None
    detail_page_link: str | None
    full_pdf_link: str | None
    flags: list[str] | None
    contents: str | None = None
    refs: tuple[CaseRefRow, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class CaseFilter:
    """Filters of the decision list (AND-combined).

    Attributes:
        court: substring of the court name (``最高裁判所`` matches every 小法廷).
        trial_types: SupremeCourt, HighCourt, LowerCourt, IPCase, …
        date_from / date_to: inclusive decision date range.
    """

    court: str | None = None
    trial_types: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def case_where(f: CaseFilter) -> tuple[list[str], dict[str, Any]]:
    """SQL conditions (on alias ``c``) and parameters for a :class:`CaseFilter`."""
    clauses: list[str] = []
    params: dict[str, Any] = {}
    add_conditions(
        clauses,
        params,
        [
            ("strpos(c.court_name, :court) > 0", "court", f.court),
            ("c.trial_type = ANY(:trial_types)", "trial_types", f.trial_types),
            ("c.date >= :dfrom", "dfrom", f.date_from),
            ("c.date <= :dto", "dto", f.date_to),
        ],
    )
    return clauses, params


async def list_cases(
    conn: AsyncConnection, flt: CaseFilter, *, descending: bool = True, limit: int = 20, offset: int = 0
) -> tuple[list[CaseRow], int]:
    """One page of decisions, by date (newest first by default), and the total count."""
    clauses, params = case_where(flt)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    direction = "DESC" if descending else "ASC"
    rows = await conn.execute(
        text(
            f"SELECT {_COLUMNS}, count(*) OVER () AS total FROM cases c{where} "
            f"ORDER BY c.date {direction} NULLS LAST, c.lawsuit_id LIMIT :limit OFFSET :offset"
        ),
        {**params, "limit": limit, "offset": offset},
    )
    maps = [dict(r._mapping) for r in rows]
    total = int(maps[0].pop("total")) if maps else 0
    for m in maps[1:]:
        m.pop("total")
    if not maps and offset:
        total = int((await conn.execute(text(f"SELECT count(*) FROM cases c{where}"), params)).scalar_one())
    return [CaseRow(**m) for m in maps], total


async def get_case(conn: AsyncConnection, lawsuit_id: str) -> CaseRow:
    """One decision with its full text and resolved 参照法条.

    Raises:
        CaseNotFoundError: unknown id.
    """
    row = (
        await conn.execute(
            text(f"SELECT {_COLUMNS}, c.contents FROM cases c WHERE c.lawsuit_id = :id"), {"id": lawsuit_id}
        )
    ).first()
    if row is None:
        raise CaseNotFoundError(f"no court decision with id {lawsuit_id!r}")
    refs = await conn.execute(
        text("SELECT seq, raw, law_id, path, status, note FROM case_law_refs WHERE lawsuit_id = :id ORDER BY seq"),
        {"id": lawsuit_id},
    )
    return CaseRow(**row._mapping, refs=tuple(CaseRefRow(**r._mapping) for r in refs))


async def citing_cases(
    conn: AsyncConnection, law_id: str, path: str | None = None, *, limit: int = 20, offset: int = 0
) -> tuple[list[CaseRow], int]:
    """Decisions whose 参照法条 cite the law (or the provision at ``path`` or inside it), newest first."""
    cond = "r.law_id = :law"
    params: dict[str, Any] = {"law": law_id, "limit": limit, "offset": offset}
    if path is not None:
        cond += " AND (r.path = :path OR starts_with(r.path, :prefix))"
        params.update(path=path, prefix=path + "-")
    rows = await conn.execute(
        text(
            f"SELECT {_COLUMNS}, count(*) OVER () AS total FROM cases c WHERE c.lawsuit_id IN "
            f"(SELECT r.lawsuit_id FROM case_law_refs r WHERE {cond}) "
            "ORDER BY c.date DESC NULLS LAST, c.lawsuit_id LIMIT :limit OFFSET :offset"
        ),
        params,
    )
    maps = [dict(r._mapping) for r in rows]
    total = int(maps[0]["total"]) if maps else 0
    for m in maps:
        m.pop("total")
    return [CaseRow(**m) for m in maps], total


async def court_names_containing(conn: AsyncConnection, fragment: str) -> list[str]:
    """The stored court names that contain ``fragment`` (「最高裁」 → 最高裁判所第一小法廷, …)."""
    found = await conn.execute(
        text("SELECT DISTINCT court_name FROM cases WHERE strpos(court_name, :c) > 0"), {"c": fragment}
    )
    return [r[0] for r in found]
