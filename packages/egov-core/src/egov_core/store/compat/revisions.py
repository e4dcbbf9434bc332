"""Revision reads of the e-Gov-compatible surfaces: ``/api/2/law_revisions`` (filters, ``/regex/`` titles),
the revision ``/law_data`` reads, revisions of keyword hits, and e-Gov v1's law and update lists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from egov_core.errors import InvalidQueryError, RevisionNotFoundError
from egov_core.store._where import add_conditions
from egov_core.store.compat._rows import (
    LAW_COLUMNS,
    MISSION,
    REPEAL_STATUS,
    LawApiInfo,
    LawApiRevision,
    amending_join,
    info_row,
    revision_columns,
    revision_row,
)
from egov_core.store.compat.laws import lawapi_law

__all__ = [
    "RevisionFilter",
    "V1ListEntry",
    "V1Update",
    "find_lawapi_revision",
    "lawapi_revisions",
    "lawapi_revisions_by_pk",
    "v1_law_list",
    "v1_updates",
]

#: SQLSTATE of a malformed regular expression (a client's ``/…/`` title filter).
_INVALID_REGEX = "2201B"


def _sqlstate(error: DBAPIError) -> str | None:
    code = getattr(error.orig, "sqlstate", None) or getattr(getattr(error.orig, "__cause__", None), "sqlstate", None)
    return code if isinstance(code, str) else None


@dataclass(frozen=True, slots=True)
class RevisionFilter:
    """The optional filters of e-Gov's ``/law_revisions`` (substrings, inclusive date ranges, any-of sets).

    ``law_title`` / ``amendment_law_title`` wrapped in ``/…/`` are regular expressions matched against the
    whole title (PostgreSQL ``~``), as e-Gov documents.
    """

    law_title: str | None = None
    law_title_kana: str | None = None
    enforcement_from: date | None = None
    enforcement_to: date | None = None
    amendment_law_id: str | None = None
    amendment_law_num: str | None = None
    amendment_law_title: str | None = None
    amendment_law_title_kana: str | None = None
    amendment_promulgate_from: date | None = None
    amendment_promulgate_to: date | None = None
    categories: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    missions: tuple[str, ...] = ()
    repeal_statuses: tuple[str, ...] = ()
    updated_from: date | None = None
    updated_to: date | None = None


def _text_match(column: str, name: str, value: str, where: list[str], params: dict[str, Any]) -> None:
    if len(value) >= 2 and value.startswith("/") and value.endswith("/"):
        where.append(f"coalesce({column}, '') ~ :{name}")
        params[name] = value[1:-1]
    else:
        where.append(f"strpos(coalesce({column}, ''), :{name}) > 0")
        params[name] = value


async def lawapi_revisions(
    conn: AsyncConnection, law_id: str, flt: RevisionFilter | None = None
) -> list[LawApiRevision]:
    """A law's stored revisions, newest first (by law_revision_id, as e-Gov orders them), filtered."""
    f = flt or RevisionFilter()
    where = ["r.law_id = :law_id"]
    params: dict[str, Any] = {"law_id": law_id}
    for column, name, value in (
        ("r.title", "t", f.law_title),
        ("ram.title", "at", f.amendment_law_title),
    ):
        if value:
            _text_match(column, name, value, where, params)
    conditions: tuple[tuple[str, str, Any], ...] = (
        ("strpos(coalesce(r.title_kana, ''), :tk) > 0", "tk", f.law_title_kana),
        ("strpos(coalesce(r.amendment_law_id, ''), :ai) > 0", "ai", f.amendment_law_id),
        ("strpos(coalesce(ram.law_num, ''), :an) > 0", "an", f.amendment_law_num),
        ("strpos(coalesce(ram.title_kana, ''), :ak) > 0", "ak", f.amendment_law_title_kana),
        ("r.enforcement_date >= :ef", "ef", f.enforcement_from),
        ("r.enforcement_date <= :et", "et", f.enforcement_to),
        ("r.amendment_promulgate_date >= :pf", "pf", f.amendment_promulgate_from),
        ("r.amendment_promulgate_date <= :pt", "pt", f.amendment_promulgate_to),
        ("r.imported_at >= :uf", "uf", f.updated_from),
        ("r.imported_at < CAST(:ut AS date) + 1", "ut", f.updated_to),
        ("r.category = ANY(:cats)", "cats", f.categories),
        ("r.status = ANY(:sts)", "sts", f.statuses),
        (f"{MISSION} = ANY(:ms)", "ms", f.missions),
        (f"{REPEAL_STATUS} = ANY(:rs)", "rs", f.repeal_statuses),
    )
    add_conditions(where, params, conditions)
    sql = (
        f"SELECT l.law_id, {revision_columns('r', '')} FROM law_revisions r JOIN laws l ON l.law_id = r.law_id"
        f"{amending_join('r')} WHERE {' AND '.join(where)} ORDER BY r.law_revision_id DESC"
    )
    try:
        rows = await conn.execute(text(sql), params)
    except DBAPIError as exc:
        if _sqlstate(exc) == _INVALID_REGEX:
            raise InvalidQueryError(f"not a regular expression PostgreSQL accepts: {exc.orig}") from None
        raise
    return [revision_row(m._mapping, "") for m in rows]


async def lawapi_revisions_by_pk(conn: AsyncConnection, pks: Sequence[int]) -> dict[int, LawApiRevision]:
    """Stored revisions by key (``law_revisions.id``), e.g. those keyword hits belong to."""
    if not pks:
        return {}
    sql = (
        f"SELECT l.law_id, {revision_columns('r', '')} FROM law_revisions r JOIN laws l ON l.law_id = r.law_id"
        f"{amending_join('r')} WHERE r.id = ANY(:pks)"
    )
    rows = [revision_row(m._mapping, "") for m in await conn.execute(text(sql), {"pks": list(pks)})]
    return {r.id: r for r in rows}


async def find_lawapi_revision(
    conn: AsyncConnection, key: str, *, asof: date | None = None
) -> tuple[LawApiInfo, LawApiRevision]:
    """The revision e-Gov's ``/law_data/{law_id_or_num_or_revision_id}`` reads.

    A law_revision_id names its revision (``asof`` ignored, as e-Gov does); a law id or number gives the
    current revision, or the one in force on ``asof``.

    Raises:
        LawNotFoundError: no law or revision has that key.
        RevisionNotFoundError: the law had no revision in force on ``asof``.
    """
    by_revision = (
        f"SELECT {LAW_COLUMNS}, {revision_columns('r', '')} FROM law_revisions r JOIN laws l ON l.law_id = r.law_id"
        f"{amending_join('r')} WHERE r.law_revision_id = :k"
    )
    row = (await conn.execute(text(by_revision), {"k": key})).first() if "_" in key else None
    if row is not None:
        return info_row(row._mapping), revision_row(row._mapping, "")
    info = await lawapi_law(conn, key)
    if asof is None:
        cond, params = "r.id = l.current_revision_id", {}
    else:
        cond, params = "(r.enforcement_date IS NULL OR r.enforcement_date <= :asof)", {"asof": asof}
    sql = (
        f"SELECT {LAW_COLUMNS}, {revision_columns('r', '')} FROM law_revisions r JOIN laws l ON l.law_id = r.law_id"
        f"{amending_join('r')} WHERE r.law_id = :id AND {cond} "
        "ORDER BY r.enforcement_date DESC NULLS LAST, r.law_revision_id DESC LIMIT 1"
    )
    row = (await conn.execute(text(sql), {"id": info.law_id, **params})).first()
    if row is None:
        when = f"in force on {asof}" if asof else "in the store"
        raise RevisionNotFoundError(f"law {info.law_id} has no revision {when}")
    return info, revision_row(row._mapping, "")


@dataclass(frozen=True, slots=True)
class V1ListEntry:
    """One ``LawNameListInfo`` of e-Gov v1's ``/lawlists``."""

    law_id: str
    title: str | None
    law_num: str | None
    promulgation_date: date | None


async def v1_law_list(conn: AsyncConnection, law_types: Sequence[str] | None) -> list[V1ListEntry]:
    """Every law of the given types (all when None), by law id: e-Gov v1's law list."""
    where = " WHERE l.law_type = ANY(:types)" if law_types is not None else ""
    rows = await conn.execute(
        text(f"SELECT l.law_id, l.title, l.law_num, l.promulgation_date FROM laws l{where} ORDER BY l.law_id"),
        {"types": list(law_types or ())},
    )
    return [V1ListEntry(*r) for r in rows]


@dataclass(frozen=True, slots=True)
class V1Update:
    """One ``LawNameListInfo`` of e-Gov v1's ``/updatelawlists``: a revision stored on the day asked for."""

    law_id: str
    law_type: str | None
    law_num: str | None
    title: str | None
    title_kana: str | None
    promulgation_date: date | None
    amendment_law_title: str | None
    amendment_law_num: str | None
    amendment_promulgate_date: date | None
    enforcement_date: date | None
    law_revision_id: str
    is_current: bool


async def v1_updates(conn: AsyncConnection, day: date, *, cap: int = 10_000) -> list[V1Update]:
    """The revisions imported on ``day`` (Japan time), at most ``cap``: e-Gov v1's update list of a day."""
    rows = await conn.execute(
        text(
            "SELECT l.law_id, coalesce(r.law_type, l.law_type), r.law_num, r.title, r.title_kana, l.promulgation_date, "
            "ram.title, ram.law_num, r.amendment_promulgate_date, r.enforcement_date, r.law_revision_id, "
            "(r.id = l.current_revision_id) FROM law_revisions r JOIN laws l ON l.law_id = r.law_id"
            f"{amending_join('r')} WHERE (r.imported_at AT TIME ZONE 'Asia/Tokyo')::date = :day "
            "ORDER BY l.law_id, r.law_revision_id LIMIT :cap"
        ),
        {"day": day, "cap": cap},
    )
    return [V1Update(*r) for r in rows]
