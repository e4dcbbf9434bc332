"""Reads for the e-Gov 法令API-compatible surfaces (``/api/2``, ``/api/1``, the MCP tools).

e-Gov describes a law by ``law_info`` (what no revision changes) and each revision by ``revision_info``;
these queries return both as stored, plus what e-Gov adds that the store keeps only inside the revision's
``<Law>`` attributes (``Mission``, ``EnforcementComment``, ``ScheduledEnforcementDate``): the first bytes
of the stored tree hold them (the root's attributes are serialised first), so only those bytes are read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from egov_core.errors import InvalidQueryError, LawNotFoundError, RevisionNotFoundError

#: SQLSTATE of a malformed regular expression (a client's ``/…/`` title filter).
_INVALID_REGEX = "2201B"


def _sqlstate(error: DBAPIError) -> str | None:
    code = getattr(error.orig, "sqlstate", None) or getattr(getattr(error.orig, "__cause__", None), "sqlstate", None)
    return code if isinstance(code, str) else None


__all__ = [
    "LAWAPI_ORDER_COLUMNS",
    "LawApiFilter",
    "LawApiInfo",
    "LawApiLaw",
    "LawApiRevision",
    "RevisionFilter",
    "V1ListEntry",
    "V1Update",
    "current_revision_ids",
    "find_lawapi_revision",
    "lawapi_infos",
    "lawapi_law",
    "lawapi_law_ids",
    "lawapi_laws",
    "lawapi_revisions",
    "lawapi_revisions_by_pk",
    "v1_law_list",
    "v1_updates",
]

#: Bytes of a stored tree that certainly hold the root ``<Law>`` element's attributes.
_HEAD_BYTES = 4096

_LAW = "l.law_id, l.law_type, l.law_num, l.era, l.year, l.num, l.promulgation_date"


def _rev_columns(r: str, prefix: str) -> str:
    """The revision columns of alias ``r`` (the amending law joined as ``{r}am``), each named ``{prefix}…``."""
    cols = {
        "id": f"{r}.id",
        "law_revision_id": f"{r}.law_revision_id",
        "law_type": f"coalesce({r}.law_type, l.law_type)",
        "title": f"{r}.title",
        "title_kana": f"{r}.title_kana",
        "abbrev": f"{r}.abbrev",
        "category": f"{r}.category",
        "imported_at": f"{r}.imported_at",
        "amendment_promulgate_date": f"{r}.amendment_promulgate_date",
        "enforcement_date": f"{r}.enforcement_date",
        "amendment_law_id": f"{r}.amendment_law_id",
        "amendment_law_title": f"{r}am.title",
        "amendment_law_title_kana": f"{r}am.title_kana",
        "amendment_law_num": f"{r}am.law_num",
        "repeal_type": f"{r}.repeal_type",
        "status": f"{r}.status",
        "is_current": f"({r}.id = l.current_revision_id)",
        "head": f"substring({r}.tree from 1 for {_HEAD_BYTES})",
    }
    return ", ".join(f"{sql} AS {prefix}{name}" for name, sql in cols.items())


def _amending_join(r: str) -> str:
    # The amending law's own title and number, when the store holds it (e-Gov answers null otherwise too
    # for the original text, whose amending id is all zeros).
    return f" LEFT JOIN laws {r}am ON {r}am.law_id = {r}.amendment_law_id"


#: ``Mission`` of a revision, read from the head of its stored tree (ASCII, so ``escape`` keeps it as is);
#: revisions from the 2020 bulk format carry none: they are the law's own text, e-Gov's ``New``.
_MISSION = (
    "coalesce(substring(encode(substring(r.tree from 1 for 4096), 'escape') from '\"Mission\":\"([A-Za-z]+)\"'), 'New')"
)
_REPEAL_STATUS = "coalesce(nullif(r.repeal_type, ''), 'None')"

#: ``order`` fields a client may sort /laws by (e-Gov's ``law_info.*`` / ``revision_info.*`` names) -> SQL.
LAWAPI_ORDER_COLUMNS: dict[str, str] = {
    "law_info.law_id": "l.law_id",
    "law_info.law_type": "l.law_type",
    "law_info.law_num": "l.law_num",
    "law_info.law_num_era": "l.era",
    "law_info.law_num_year": "l.year",
    "law_info.law_num_type": "l.law_type",
    "law_info.law_num_num": "lpad(ltrim(l.num, '0'), 8, '0')",
    "law_info.promulgation_date": "l.promulgation_date",
    "revision_info.law_revision_id": "r.law_revision_id",
    "revision_info.law_type": "coalesce(r.law_type, l.law_type)",
    "revision_info.law_title": "r.title",
    "revision_info.law_title_kana": "r.title_kana",
    "revision_info.abbrev": "r.abbrev",
    "revision_info.category": "r.category",
    "revision_info.updated": "r.imported_at",
    "revision_info.amendment_promulgate_date": "r.amendment_promulgate_date",
    "revision_info.amendment_enforcement_date": "r.enforcement_date",
    "revision_info.amendment_law_id": "r.amendment_law_id",
    "revision_info.amendment_law_title": "ram.title",
    "revision_info.amendment_law_num": "ram.law_num",
    "revision_info.repeal_status": _REPEAL_STATUS,
    "revision_info.mission": _MISSION,
    "revision_info.current_revision_status": "r.status",
}


@dataclass(frozen=True, slots=True)
class LawApiInfo:
    """A law's e-Gov ``law_info``: what no revision changes."""

    law_id: str
    law_type: str | None
    law_num: str | None
    era: str | None
    year: int | None
    num: str | None
    promulgation_date: date | None


@dataclass(frozen=True, slots=True)
class LawApiRevision:
    """One stored revision with what e-Gov's ``revision_info`` needs.

    Attributes:
        id: the stored revision's key (``law_revisions.id``).
        law_id: the law.
        attrs: the root ``<Law>`` element's attributes (``Mission``, ``EnforcementComment`` …).
        is_current: this is the law's current revision.
        amendment_law_title / amendment_law_title_kana / amendment_law_num: the amending law's, when the
            store holds that law.
    """

    id: int
    law_id: str
    law_revision_id: str
    law_type: str | None
    title: str | None
    title_kana: str | None
    abbrev: str | None
    category: str | None
    imported_at: datetime | None
    amendment_promulgate_date: date | None
    enforcement_date: date | None
    amendment_law_id: str | None
    amendment_law_title: str | None
    amendment_law_title_kana: str | None
    amendment_law_num: str | None
    repeal_type: str | None
    status: str | None
    is_current: bool
    attrs: dict[str, str]


@dataclass(frozen=True, slots=True)
class LawApiLaw:
    """One item of ``/laws``: the law, the revision asked for and the current one (None when omitted)."""

    info: LawApiInfo
    revision: LawApiRevision
    current: LawApiRevision | None


def _root_attrs(head: bytes | None) -> dict[str, str]:
    """The root element's ``attr`` object from the first bytes of a stored tree (``{}`` if not there)."""
    if not head:
        return {}
    raw = bytes(head)
    start = raw.find(b'"attr":')
    if start < 0 or raw[start + 7 : start + 8] != b"{":
        return {}
    end = raw.find(b"}", start)
    if end < 0:
        return {}
    try:
        value = orjson.loads(raw[start + 7 : end + 1])
    except orjson.JSONDecodeError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def _revision(m: Any, prefix: str) -> LawApiRevision:
    values = {name: m[prefix + name] for name in LawApiRevision.__slots__ if name not in ("attrs", "law_id")}
    return LawApiRevision(law_id=m["law_id"], attrs=_root_attrs(m[prefix + "head"]), **values)


def _info(m: Any) -> LawApiInfo:
    return LawApiInfo(**{name: m[name] for name in LawApiInfo.__slots__})


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
    pairs: list[tuple[str, str, Any]] = [
        ("strpos(l.law_id, :law_id) > 0", "law_id", f.law_id),
        ("strpos(coalesce(l.law_num, ''), :law_num) > 0", "law_num", f.law_num),
        ("l.era = :era", "era", f.era),
        ("l.year = :year", "year", f.year),
        ("ltrim(l.num, '0') = ltrim(:num, '0')", "num", f.num),
        ("l.law_type = :num_type", "num_type", f.num_type),
        ("l.promulgation_date >= :pfrom", "pfrom", f.promulgated_from),
        ("l.promulgation_date <= :pto", "pto", f.promulgated_to),
    ]
    for cond, name, value in pairs:
        if value is not None and value != "":
            where.append(cond)
            params[name] = value
    if f.law_types:
        where.append("l.law_type = ANY(:law_types)")
        params["law_types"] = list(f.law_types)


def _revision_conditions(f: LawApiFilter, where: list[str], params: dict[str, Any]) -> None:
    if f.law_title:
        where.append("(strpos(coalesce(r.title, ''), :title) > 0 OR strpos(coalesce(r.abbrev, ''), :title) > 0)")
        params["title"] = f.law_title
    if f.law_title_kana:
        where.append("strpos(coalesce(r.title_kana, ''), :kana) > 0")
        params["kana"] = f.law_title_kana
    if f.categories:
        where.append("r.category = ANY(:categories)")
        params["categories"] = list(f.categories)
    if f.missions:
        where.append(f"{_MISSION} = ANY(:missions)")
        params["missions"] = list(f.missions)
    if f.repeal_statuses:
        where.append(f"{_REPEAL_STATUS} = ANY(:repeal_statuses)")
        params["repeal_statuses"] = list(f.repeal_statuses)


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
        current = ", " + _rev_columns("c", "c_")
    sql = (
        f"SELECT {_LAW}, {_rev_columns('r', 'r_')}{current}, count(*) OVER () AS total FROM laws l "
        f"JOIN law_revisions r ON r.id = ({pick}){_amending_join('r')}"
        + (f" LEFT JOIN law_revisions c ON c.id = l.current_revision_id{_amending_join('c')}" if with_current else "")
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
            info=_info(m),
            revision=_revision(m, "r_"),
            current=_revision(m, "c_") if with_current and m["c_id"] is not None else None,
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
                f"SELECT {_LAW} FROM laws l WHERE l.law_id = :k OR l.law_num = :k ORDER BY l.law_id = :k DESC LIMIT 1"
            ),
            {"k": law_id_or_num},
        )
    ).first()
    if row is None:
        raise LawNotFoundError(f"no law with law_id or law_num {law_id_or_num!r}")
    return _info(row._mapping)


async def lawapi_infos(conn: AsyncConnection, law_ids: Sequence[str]) -> dict[str, LawApiInfo]:
    """``law_info`` of several laws by id (those the store lacks are left out)."""
    if not law_ids:
        return {}
    rows = await conn.execute(text(f"SELECT {_LAW} FROM laws l WHERE l.law_id = ANY(:ids)"), {"ids": list(law_ids)})
    return {m.law_id: _info(m._mapping) for m in rows}


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
        ("r.category = ANY(:cats)", "cats", list(f.categories) or None),
        ("r.status = ANY(:sts)", "sts", list(f.statuses) or None),
        (f"{_MISSION} = ANY(:ms)", "ms", list(f.missions) or None),
        (f"{_REPEAL_STATUS} = ANY(:rs)", "rs", list(f.repeal_statuses) or None),
    )
    for cond, name, value in conditions:
        if value:
            where.append(cond)
            params[name] = value
    sql = (
        f"SELECT l.law_id, {_rev_columns('r', '')} FROM law_revisions r JOIN laws l ON l.law_id = r.law_id"
        f"{_amending_join('r')} WHERE {' AND '.join(where)} ORDER BY r.law_revision_id DESC"
    )
    try:
        rows = await conn.execute(text(sql), params)
    except DBAPIError as exc:
        if _sqlstate(exc) == _INVALID_REGEX:
            raise InvalidQueryError(f"not a regular expression PostgreSQL accepts: {exc.orig}") from None
        raise
    return [_revision(m._mapping, "") for m in rows]


async def lawapi_revisions_by_pk(conn: AsyncConnection, pks: Sequence[int]) -> dict[int, LawApiRevision]:
    """Stored revisions by key (``law_revisions.id``), e.g. those keyword hits belong to."""
    if not pks:
        return {}
    sql = (
        f"SELECT l.law_id, {_rev_columns('r', '')} FROM law_revisions r JOIN laws l ON l.law_id = r.law_id"
        f"{_amending_join('r')} WHERE r.id = ANY(:pks)"
    )
    rows = [_revision(m._mapping, "") for m in await conn.execute(text(sql), {"pks": list(pks)})]
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
        f"SELECT {_LAW}, {_rev_columns('r', '')} FROM law_revisions r JOIN laws l ON l.law_id = r.law_id"
        f"{_amending_join('r')} WHERE r.law_revision_id = :k"
    )
    row = (await conn.execute(text(by_revision), {"k": key})).first() if "_" in key else None
    if row is not None:
        return _info(row._mapping), _revision(row._mapping, "")
    info = await lawapi_law(conn, key)
    if asof is None:
        cond, params = "r.id = l.current_revision_id", {}
    else:
        cond, params = "(r.enforcement_date IS NULL OR r.enforcement_date <= :asof)", {"asof": asof}
    sql = (
        f"SELECT {_LAW}, {_rev_columns('r', '')} FROM law_revisions r JOIN laws l ON l.law_id = r.law_id"
        f"{_amending_join('r')} WHERE r.law_id = :id AND {cond} "
        "ORDER BY r.enforcement_date DESC NULLS LAST, r.law_revision_id DESC LIMIT 1"
    )
    row = (await conn.execute(text(sql), {"id": info.law_id, **params})).first()
    if row is None:
        when = f"in force on {asof}" if asof else "in the store"
        raise RevisionNotFoundError(f"law {info.law_id} has no revision {when}")
    return info, _revision(row._mapping, "")


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
            f"{_amending_join('r')} WHERE (r.imported_at AT TIME ZONE 'Asia/Tokyo')::date = :day "
            "ORDER BY l.law_id, r.law_revision_id LIMIT :cap"
        ),
        {"day": day, "cap": cap},
    )
    return [V1Update(*r) for r in rows]
