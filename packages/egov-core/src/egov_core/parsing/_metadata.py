"""Law metadata and revision info from the ``<Law>`` root, its LawNum/LawTitle, and (for v2 responses)
``law_info`` / ``revision_info``. The tree wins where both speak; the response fills gaps."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from pathlib import PurePath
from typing import Any

from egov_core.domain import Element, LawMetadata, RevisionInfo
from egov_core.eras import era_date
from egov_core.errors import InvalidDateError, LawParseError

LAW_ID = re.compile(r"^[0-9]{3}[0-9A-Z]{12}$")
LAW_REVISION_ID = re.compile(r"^([0-9]{3}[0-9A-Z]{12})_([0-9]{8})_([0-9A-Z]{15})$")
_ISO = re.compile(r"^([0-9]{4})[-/]([0-9]{1,2})[-/]([0-9]{1,2})")


def _opt(value: Any) -> str | None:
    """A non-empty string, else None (e-Gov writes absent values as ``""``)."""
    return value if isinstance(value, str) and value else None


def parse_iso(value: Any) -> date | None:
    """``2015/08/01``, ``2015-08-01`` or ``20150801`` as a date; None when absent or not a real date."""
    if not isinstance(value, str):
        return None
    m = _ISO.match(value)
    try:
        if m is not None:
            return date(int(m[1]), int(m[2]), int(m[3]))
        if len(value) == 8 and value.isdigit():
            return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None
    return None


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None


def _stem(source: str | None) -> str | None:
    return PurePath(source).stem if source else None


def resolve_ids(
    root: Element,
    *,
    source: str | None,
    law_id: str | None,
    law_revision_id: str | None,
    law_info: Mapping[str, Any],
    revision_info: Mapping[str, Any],
) -> tuple[str, str | None]:
    """The law_id and law_revision_id of a document (see :func:`egov_core.parsing.parse_law` for the order).

    Raises:
        LawParseError: no usable law_id, a malformed id, or a revision id of another law.
    """
    stem = _stem(source)
    if law_id is not None and law_revision_id is None and LAW_REVISION_ID.match(law_id):
        law_id, law_revision_id = law_id.split("_", 1)[0], law_id  # a revision file's stem passed as law_id
    rev = law_revision_id or _opt(revision_info.get("law_revision_id"))
    if rev is None and stem is not None and LAW_REVISION_ID.match(stem):
        rev = stem
    rev_match = LAW_REVISION_ID.match(rev) if rev is not None else None
    if rev is not None and rev_match is None:
        raise LawParseError(f"invalid law_revision_id {rev!r}", source=source)
    lid = law_id or _opt(root.attrs.get("LawId")) or _opt(law_info.get("law_id"))
    if lid is None and rev_match is not None:
        lid = rev_match[1]
    if lid is None and stem is not None and LAW_ID.match(stem):
        lid = stem
    if lid is None:
        raise LawParseError("no law_id: the document carries none; pass law_id= (e.g. the file stem)", source=source)
    if not LAW_ID.match(lid):
        raise LawParseError(f"invalid law_id {lid!r}", source=source)
    if rev_match is not None and rev_match[1] != lid:
        raise LawParseError(f"law_revision_id {rev!r} belongs to another law than {lid}", source=source)
    return lid, rev


def build_metadata(
    root: Element, law_id: str, law_info: Mapping[str, Any], revision_info: Mapping[str, Any]
) -> LawMetadata:
    """LawMetadata from the root attributes, LawNum and LawTitle (+ v2 ``law_info``/``revision_info``).

    Raises:
        LawParseError: no LawBody/LawTitle (a law without a title is not a law document).
    """
    a = root.attrs
    body = root.child("LawBody")
    title_el = body.child("LawTitle") if body is not None else None
    if title_el is None:
        raise LawParseError("no LawTitle", element_path="/Law/LawBody" if body is not None else "/Law")
    law_num_el = root.child("LawNum")
    era, year = _opt(a.get("Era")), _int(_opt(a.get("Year")))
    promulgated = parse_iso(a.get("OriginalPromulgateDate")) or parse_iso(law_info.get("promulgation_date"))
    month, day = _int(_opt(a.get("PromulgateMonth"))), _int(_opt(a.get("PromulgateDay")))
    if promulgated is None and era is not None and year is not None and month is not None and day is not None:
        try:
            promulgated = era_date(era, year, month, day)
        except InvalidDateError:
            promulgated = None  # the tree keeps the attributes; a bad date is not worth rejecting the law
    return LawMetadata(
        law_id=law_id,
        law_num=law_num_el.text() if law_num_el is not None else _opt(law_info.get("law_num")) or "",
        title=title_el.text(),
        law_type=_opt(a.get("LawType")) or _opt(law_info.get("law_type")) or "",
        era=era,
        year=year,
        num=_opt(a.get("Num")),
        title_kana=_opt(title_el.attrs.get("Kana")) or _opt(revision_info.get("law_title_kana")),
        abbrev=_opt(title_el.attrs.get("Abbrev")) or _opt(revision_info.get("abbrev")),
        promulgation_date=promulgated,
        category=_opt(a.get("Category")) or _opt(revision_info.get("category")),
    )


def build_revision(root: Element, law_revision_id: str | None, revision_info: Mapping[str, Any]) -> RevisionInfo:
    """RevisionInfo from the root attributes, the revision id and (v2) ``revision_info``."""
    a = root.attrs
    m = LAW_REVISION_ID.match(law_revision_id) if law_revision_id else None
    enforced = parse_iso(a.get("EnforcementDate")) or parse_iso(revision_info.get("amendment_enforcement_date"))
    if enforced is None and m is not None:
        enforced = parse_iso(m[2])
    amendment = m[3] if m is not None else _opt(revision_info.get("amendment_law_id"))
    return RevisionInfo(
        law_revision_id=law_revision_id,
        enforcement_date=enforced,
        amendment_law_id=amendment,
        amendment_promulgate_date=parse_iso(a.get("AmendmentPromulgateDate"))
        or parse_iso(revision_info.get("amendment_promulgate_date")),
        status=_opt(a.get("Status")) or _opt(revision_info.get("current_revision_status")),
        repeal_type=_opt(a.get("RepealType")) or _opt(revision_info.get("repeal_status")),
        data_info=_opt(a.get("DataInfo")),
        lang=_opt(a.get("Lang")),
    )
