"""What the e-Gov-compatible reads share: e-Gov's ``law_info`` / ``revision_info`` rows and the SQL that
selects them (a revision's columns, its amending law, ``Mission`` from the head of its stored tree)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import orjson

__all__ = [
    "LAWAPI_ORDER_COLUMNS",
    "LAW_COLUMNS",
    "MISSION",
    "REPEAL_STATUS",
    "LawApiInfo",
    "LawApiLaw",
    "LawApiRevision",
    "amending_join",
    "info_row",
    "revision_columns",
    "revision_row",
]

#: Bytes of a stored tree that certainly hold the root ``<Law>`` element's attributes.
_HEAD_BYTES = 4096

#: ``law_info``'s columns of alias ``l`` (``laws``), in :class:`LawApiInfo`'s order.
LAW_COLUMNS = "l.law_id, l.law_type, l.law_num, l.era, l.year, l.num, l.promulgation_date"


def revision_columns(r: str, prefix: str) -> str:
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


def amending_join(r: str) -> str:
    """The amending law of alias ``r``, joined as ``{r}am`` for :func:`revision_columns`."""
    # The amending law's own title and number, when the store holds it (e-Gov answers null otherwise too
    # for the original text, whose amending id is all zeros).
    return f" LEFT JOIN laws {r}am ON {r}am.law_id = {r}.amendment_law_id"


#: ``Mission`` of a revision, read from the head of its stored tree (ASCII, so ``escape`` keeps it as is);
#: revisions from the 2020 bulk format carry none: they are the law's own text, e-Gov's ``New``.
MISSION = (
    "coalesce(substring(encode(substring(r.tree from 1 for 4096), 'escape') from '\"Mission\":\"([A-Za-z]+)\"'), 'New')"
)
#: e-Gov's ``repeal_status`` of alias ``r`` (``None`` when the revision repeals nothing).
REPEAL_STATUS = "coalesce(nullif(r.repeal_type, ''), 'None')"

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
    "revision_info.repeal_status": REPEAL_STATUS,
    "revision_info.mission": MISSION,
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


def revision_row(m: Any, prefix: str) -> LawApiRevision:
    """The revision in row mapping ``m`` selected by ``revision_columns(…, prefix)`` (and ``l.law_id``)."""
    values = {name: m[prefix + name] for name in LawApiRevision.__slots__ if name not in ("attrs", "law_id")}
    return LawApiRevision(law_id=m["law_id"], attrs=_root_attrs(m[prefix + "head"]), **values)


def info_row(m: Any) -> LawApiInfo:
    """The ``law_info`` in row mapping ``m`` selected by :data:`LAW_COLUMNS`."""
    return LawApiInfo(**{name: m[name] for name in LawApiInfo.__slots__})
