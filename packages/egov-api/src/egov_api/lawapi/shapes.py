"""e-Gov 法令API v2 shapes: ``law_info`` and ``revision_info`` from stored rows, in e-Gov's field order.

Where the store does not know a value e-Gov has, the field is ``null`` (e-Gov itself answers null for
many of them); the README's "Use egov as a local e-Gov API" lists every such choice.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from egov_core.store.compat import LawApiInfo, LawApiRevision

#: e-Gov's 事項別分類コード (category_cd) -> the category name the store keeps (``Category`` attribute).
CATEGORY_CODES: dict[str, str] = {
    f"{i:03d}": name
    for i, name in enumerate(
        (
            "憲法", "刑事", "財務通則", "水産業", "観光", "国会", "警察", "国有財産", "鉱業", "郵務",
            "行政組織", "消防", "国税", "工業", "電気通信", "国家公務員", "国土開発", "事業", "商業", "労働",
            "行政手続", "土地", "国債", "金融・保険", "環境保全", "統計", "都市計画", "教育", "外国為替・貿易", "厚生",
            "地方自治", "道路", "文化", "陸運", "社会福祉", "地方財政", "河川", "産業通則", "海運", "社会保険",
            "司法", "災害対策", "農業", "航空", "防衛", "民事", "建築・住宅", "林業", "貨物運送", "外事",
        ),
        start=1,
    )
}  # fmt: skip

#: The amending law id e-Gov writes for a law's original text.
ORIGINAL = "000000000000000"
JST = timezone(timedelta(hours=9))


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _attr_date(value: str | None) -> str | None:
    """``2024/02/18`` (a ``<Law>`` attribute) as ``2024-02-18``; None when empty or malformed."""
    if not value:
        return None
    parts = value.split("/")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    return f"{parts[0]:0>4}-{parts[1]:0>2}-{parts[2]:0>2}"


def law_num_num(num: str | None) -> str | None:
    """The number within the year as e-Gov writes it: at least three digits (``016``, ``127``)."""
    if num is None or not num.isdigit():
        return num
    return num.zfill(3)


def law_info(info: LawApiInfo) -> dict[str, Any]:
    """e-Gov ``law_info`` (law_num_year an integer, as the spec types it)."""
    return {
        "law_type": info.law_type,
        "law_id": info.law_id,
        "law_num": info.law_num,
        "law_num_era": info.era,
        "law_num_year": info.year,
        "law_num_type": info.law_type,
        "law_num_num": law_num_num(info.num),
        "promulgation_date": _iso(info.promulgation_date),
    }


def updated(moment: datetime | None) -> str | None:
    """e-Gov's ``updated`` (date-time, Japan time, seconds): here, when this revision was imported."""
    if moment is None:
        return None
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(JST).replace(microsecond=0).isoformat()


def current_revision_status(rev: LawApiRevision, today: date) -> str:
    """CurrentEnforced / PreviousEnforced / UnEnforced / Repeal for a revision.

    The stored status comes from the document when it says (the newer format does); it is as of the
    export, so a revision marked UnEnforced whose date has come is taken as enforced. Otherwise the
    current revision is CurrentEnforced, an older one PreviousEnforced and a later-dated one UnEnforced.
    """
    if rev.repeal_type and rev.repeal_type != "None":
        return "Repeal"
    if rev.is_current:
        return "CurrentEnforced"
    if rev.enforcement_date is not None and rev.enforcement_date > today:
        return "UnEnforced"
    if rev.status in ("UnEnforced", "PreviousEnforced") and rev.enforcement_date is None:
        return rev.status
    return "PreviousEnforced"


def revision_info(rev: LawApiRevision, today: date | None = None) -> dict[str, Any]:
    """e-Gov ``revision_info`` of a stored revision, every field in e-Gov's order."""
    attrs = rev.attrs
    amendment_law_id = rev.amendment_law_id if rev.amendment_law_id and rev.amendment_law_id != ORIGINAL else None
    repeal = rev.repeal_type or "None"
    return {
        "law_revision_id": rev.law_revision_id,
        "law_type": rev.law_type,
        "law_title": rev.title,
        "law_title_kana": rev.title_kana,
        "abbrev": rev.abbrev or None,
        "category": rev.category,
        "updated": updated(rev.imported_at),
        "amendment_promulgate_date": _iso(rev.amendment_promulgate_date)
        or _attr_date(attrs.get("AmendmentPromulgateDate")),
        "amendment_enforcement_date": _iso(rev.enforcement_date),
        "amendment_enforcement_comment": attrs.get("EnforcementComment") or None,
        "amendment_scheduled_enforcement_date": _attr_date(attrs.get("ScheduledEnforcementDate")),
        "amendment_law_id": amendment_law_id,
        "amendment_law_title": rev.amendment_law_title if amendment_law_id else None,
        "amendment_law_title_kana": rev.amendment_law_title_kana if amendment_law_id else None,
        "amendment_law_num": rev.amendment_law_num if amendment_law_id else None,
        # 1: the law's own text (新規), 3: a text amended by another law (被改正), 8: repealed (廃止).
        "amendment_type": "8" if repeal != "None" else ("3" if amendment_law_id else "1"),
        "repeal_status": repeal,
        "repeal_date": None,
        "remain_in_force": False if repeal == "None" else None,
        "mission": attrs.get("Mission") or "New",
        "current_revision_status": current_revision_status(rev, today or datetime.now(JST).date()),
    }
