"""Law reads of the e-Gov-compatible surfaces: ``/api/2/laws`` (filters, order, the revision in force), a law
by 法令ID or 法令番号, ``law_info`` of keyword hits and a keyword search's law scope."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from egov_core.errors import LawNotFoundError
from egov_core.store._where import add_conditions
from egov_core.store.compat._rows import (
    LAW_COLUMNS,
    LAWAPI_ORDER_COLUMNS,
    MISSION,
    REPEAL_STATUS,
    LawApiInfo,
    LawApiLaw,
    amending_join,
    info_row,
    revision_columns,
    revision_row,
)

__all__ = ["LawApiFilter", "current_revision_ids", "lawapi_infos", "lawapi_law", "lawapi_law_ids", "lawapi_laws"]


@dataclass(frozen=True, slots=True)
class LawApiFilter:
    """The filters of e-Gov's ``/laws`` (every field optional; they combine with AND).

    Attributes:
        law_id / law_num / law_title / law_title_kana / amendment_law_id: substrings (law_title also
            matches the abbreviations).
        era / year / num / num_type: the parts of the law number (num compared without leading zeros).
        law_types / categories / missions / repeal_statuses: any of these values.
        asof: describe each law by its revision in force on this date (ignored with amendment_law_id, which
            picks the revision that law made).
        promulgated_from / promulgated_to: inclusive range of the law's promulgation date.
    """

    law_id: str | None = None
    law_num: str | None = None
    era: str | None = None
    year: int | None = None
    num: str | None = None
    num_type: str | None = None
    law_title: str | None = None
    law_title_kana: str | None = None
    law_types: tuple[str, ...] = ()
    amendment_law_id: str | None = None
    asof: date | None = None
    categories: tuple[str, ...] = ()
    missions: tuple[str, ...] = ()
    repeal_statuses: tuple[str, ...] = ()
    promulgated_from: date | None = None
    promulgated_to: date | None = None


def _law_conditions(f: LawApiFilter, where: list[str], params: dict[str, Any]) -> None:
    add_conditions(
        where,
        params,
        [
            ("strpos(l.law_id, :law_id) > 0", "law_id", f.law_id),
            ("strpos(coalesce(l.law_num, ''), :law_num) > 0", "law_num", f.law_num),
            ("l.era = :era", "era", f.era),
            ("l.year = :year", "year", f.year),
            ("ltrim(l.num, '0') = ltrim(:num, '0')", "num", f.num),
            ("l.law_type = :num_type", "num_type", f.num_type),
            ("l.promulgation_date >= :pfrom", "pfrom", f.promulgated_from),
            ("l.promulgation_date <= :pto", "pto", f.promulgated_to),
            ("l.law_type = ANY(:law_types)", "law_types", f.law_types),
        ],
    )


def _revision_conditions(f: LawApiFilter, where: list[str], params: dict[str, Any]) -> None:
    title = "(strpos(coalesce(r.title, ''), :title) > 0 OR strpos(coalesce(r.abbrev, ''), :title) > 0)"
    add_conditions(
        where,
        params,
        [
            (title, "title", f.law_title),
            ("strpos(coalesce(r.title_kana, ''), :kana) > 0", "kana", f.law_title_kana),
            ("r.category = ANY(:categories)", "categories", f.categories),
            (f"{MISSION} = ANY(:missions)", "missions", f.missions),
            (f"{REPEAL_STATUS} = ANY(:repeal_statuses)", "repeal_statuses", f.repeal_statuses),
        ],
    )


_IN_FORCE_ORDER = "ORDER BY r2.enforcement_date DESC NULLS LAST, r2.law_revision_id DESC LIMIT 1"


async def lawapi_laws(
    conn: AsyncConnection,
    flt: LawApiFilter,
    *,
    order: Sequence[tuple[str, bool]] = (("law_info.law_id", False),),
    limit: int = 100,
    offset: int = 0,
    with_current: bool = True,
) -> tuple[list[LawApiLaw], int]:
    """One page of e-Gov ``/laws`` items and the total count.

    Args:
        order: ``(field, descending)`` pairs, fields from :data:`LAWAPI_ORDER_COLUMNS` (checked by the caller).
        with_current: also read each law's current revision (``current_revision_info``).
    """
    where: list[str] = []
    params: dict[str, Any] = {"limit": limit, "offset": offset}
    _law_conditions(flt, where, params)
    if flt.amendment_law_id:
        pick = (
            "SELECT r2.id FROM law_revisions r2 WHERE r2.law_id = l.law_id "
            f"AND strpos(coalesce(r2.amendment_law_id, ''), :am) > 0 {_IN_FORCE_ORDER}"
        )
        params["am"] = flt.amendment_law_id
    elif flt.asof is not None:
        pick = (
            "SELECT r2.id FROM law_revisions r2 WHERE r2.law_id = l.law_id "
            f"AND (r2.enforcement_date IS NULL OR r2.enforcement_date <= :asof) {_IN_FORCE_ORDER}"
        )
        params["asof"] = flt.asof
    else:
        pick = "SELECT l.current_revision_id"
    _revision_conditions(flt, where, params)
    current = ""
    if with_current:
        current = ", " + revision_columns("c", "c_")
    sql = (
        f"SELECT {LAW_COLUMNS}, {revision_columns('r', 'r_')}{current}, count(*) OVER () AS total FROM laws l "
        f"JOIN law_revisions r ON r.id = ({pick}){amending_join('r')}"
        + (f" LEFT JOIN law_revisions c ON c.id = l.current_revision_id{amending_join('c')}" if with_current else "")
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY "
        + ", ".join(f"{LAWAPI_ORDER_COLUMNS[f]} {'DESC' if d else 'ASC'} NULLS LAST" for f, d in order)
        + ", l.law_id LIMIT :limit OFFSET :offset"
    )
    rows = [r._mapping for r in await conn.execute(text(sql), params)]
    if rows:
        total = int(rows[0]["total"])
    elif offset:
        count_sql = sql.split(" ORDER BY ")[0].replace(", count(*) OVER () AS total", "")
        total = int((await conn.execute(text(f"SELECT count(*) FROM ({count_sql}) q"), params)).scalar_one())
    else:
        total = 0
    items = [
        LawApiLaw(
            info=info_row(m),
            revision=revision_row(m, "r_"),
            current=revision_row(m, "c_") if with_current and m["c_id"] is not None else None,
        )
        for m in rows
    ]
    return items, total


async def lawapi_law(conn: AsyncConnection, law_id_or_num: str) -> LawApiInfo:
    """A law by e-Gov 法令ID or 法令番号 (exact).

    Raises:
        LawNotFoundError: no such law.
    """
    row = (
        await conn.execute(
            text(
                f"SELECT {LAW_COLUMNS} FROM laws l WHERE l.law_id = :k OR l.law_num = :k ORDER BY l.law_id = :k DESC LIMIT 1"
            ),
            {"k": law_id_or_num},
        )
    ).first()
    if row is None:
        raise LawNotFoundError(f"no law with law_id or law_num {law_id_or_num!r}")
    return info_row(row._mapping)


async def lawapi_infos(conn: AsyncConnection, law_ids: Sequence[str]) -> dict[str, LawApiInfo]:
    """``law_info`` of several laws by id (those the store lacks are left out)."""
    if not law_ids:
        return {}
    rows = await conn.execute(
        text(f"SELECT {LAW_COLUMNS} FROM laws l WHERE l.law_id = ANY(:ids)"), {"ids": list(law_ids)}
    )
    return {m.law_id: info_row(m._mapping) for m in rows}


async def current_revision_ids(conn: AsyncConnection, law_ids: Sequence[str]) -> dict[str, str]:
    """``{law_id: law_revision_id}`` of the current revision of each law the store holds."""
    if not law_ids:
        return {}
    rows = await conn.execute(
        text(
            "SELECT l.law_id, r.law_revision_id FROM laws l JOIN law_revisions r ON r.id = l.current_revision_id "
            "WHERE l.law_id = ANY(:ids)"
        ),
        {"ids": list(law_ids)},
    )
    return {r[0]: r[1] for r in rows}


async def lawapi_law_ids(conn: AsyncConnection, flt: LawApiFilter, *, cap: int) -> list[str]:
    """Ids of the laws matching the law-level filters of ``flt`` (at most ``cap``): a keyword search's scope."""
    where: list[str] = []
    params: dict[str, Any] = {"cap": cap}
    _law_conditions(flt, where, params)
    sql = "SELECT l.law_id FROM laws l" + (" WHERE " + " AND ".join(where) if where else "") + " LIMIT :cap"
    return [r[0] for r in await conn.execute(text(sql), params)]
