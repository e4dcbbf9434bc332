"""Court-decision records (japanese-law-analysis/data_set JSON, scraped from courts.go.jp) → CourtDecision.

A record is imported with whatever it has: missing or unusable fields become None and are named in
``flags`` (``missing:case_gist``, ``invalid_date:original_date``, ``contents_truncated``). Only a record
that is not a JSON object with a ``lawsuit_id`` is rejected. Fields of other record schemas (IP cases:
``right_type``, ``lawsuit_type`` …) are kept in ``extra`` as given (non-strings as JSON text).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import orjson

from egov_core.domain import CourtDecision, DecisionDate
from egov_core.eras import era_date, normalize_era, parse_wareki, to_wareki
from egov_core.errors import CaseParseError, InvalidDateError

_TEXT_FIELDS = (
    "trial_type",
    "case_number",
    "case_name",
    "court_name",
    "result_type",
    "result",
    "article_info",
    "original_court_name",
    "original_case_number",
    "gist",
    "case_gist",
    "ref_law",
    "contents",
    "detail_page_link",
    "full_pdf_link",
)
_DATE_FIELDS = ("date", "original_date")
_KNOWN = frozenset({*_TEXT_FIELDS, *_DATE_FIELDS, "lawsuit_id", "_contents_truncated"})
#: Fields every record of the schema is expected to carry; a gap is flagged ``missing:<field>``.
_EXPECTED = ("trial_type", "date", "case_number", "case_name", "court_name")
#: Expected as well, except in IP-case records (whose schema has no 判示事項 / 裁判要旨 / 参照法条).
_EXPECTED_NON_IP = ("gist", "case_gist", "ref_law")


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _decision_date(raw: Any, field: str, flags: list[str]) -> DecisionDate | None:
    """A record date ({era, year, month, day} or 「昭和51年2月24日」) with its ISO form when valid."""
    if raw is None or raw == "" or raw == {}:
        return None
    if isinstance(raw, str):
        try:
            written = parse_wareki(raw)
        except InvalidDateError:
            flags.append(f"invalid_date:{field}")
            return DecisionDate(None, None, None, None, None)
        kanji, era_year = to_wareki(written)
        return DecisionDate(normalize_era(kanji).name, era_year, written.month, written.day, written)
    if not isinstance(raw, dict):
        flags.append(f"invalid_date:{field}")
        return None
    era = raw.get("era") if isinstance(raw.get("era"), str) else None
    year, month, day = _int(raw.get("year")), _int(raw.get("month")), _int(raw.get("day"))
    iso: date | None = None
    if era is not None and year is not None and month is not None and day is not None:
        try:
            iso = era_date(era, year, month, day)
        except InvalidDateError:
            iso = None
    if iso is None:
        flags.append(f"invalid_date:{field}")
    return DecisionDate(era, year, month, day, iso)


def _extra_value(value: Any) -> str:
    return value if isinstance(value, str) else orjson.dumps(value).decode()


def parse_case(data: bytes, *, source: str | None = None) -> CourtDecision:
    """Parse one court-decision JSON record.

    Args:
        data: the record, UTF-8 JSON.
        source: a label for errors (file name).

    Raises:
        CaseParseError: not JSON, not an object, or no ``lawsuit_id``.
    """
    try:
        record = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise CaseParseError(f"not valid UTF-8 JSON: {exc}", source=source) from None
    if not isinstance(record, dict):
        raise CaseParseError(f"expected a JSON object, got {type(record).__name__}", source=source)
    lawsuit_id = record.get("lawsuit_id")
    if isinstance(lawsuit_id, int) and not isinstance(lawsuit_id, bool):
        lawsuit_id = str(lawsuit_id)
    if not isinstance(lawsuit_id, str) or not lawsuit_id.strip():
        raise CaseParseError("record without a lawsuit_id", source=source)

    flags: list[str] = []
    text: dict[str, str | None] = {}
    for field in _TEXT_FIELDS:
        value = record.get(field)
        if value is not None and not isinstance(value, str):
            flags.append(f"invalid:{field}")
            value = None
        text[field] = value or None  # "" (e.g. an IP case without 事件名) is as good as absent
    dates = {field: _decision_date(record.get(field), field, flags) for field in _DATE_FIELDS}

    expected = _EXPECTED if text["trial_type"] == "IPCase" else _EXPECTED + _EXPECTED_NON_IP
    present = {**text, **dates}
    flags.extend(f"missing:{field}" for field in expected if present[field] is None)
    if record.get("_contents_truncated") is True:
        flags.append("contents_truncated")

    extra = tuple((k, _extra_value(v)) for k, v in record.items() if k not in _KNOWN)
    return CourtDecision(
        lawsuit_id=lawsuit_id.strip(),
        trial_type=text["trial_type"],
        case_number=text["case_number"],
        case_name=text["case_name"],
        court_name=text["court_name"],
        date=dates["date"],
        result_type=text["result_type"],
        result=text["result"],
        article_info=text["article_info"],
        original_court_name=text["original_court_name"],
        original_case_number=text["original_case_number"],
        original_date=dates["original_date"],
        gist=text["gist"],
        case_gist=text["case_gist"],
        ref_law=text["ref_law"],
        contents=text["contents"],
        detail_page_link=text["detail_page_link"],
        full_pdf_link=text["full_pdf_link"],
        extra=extra,
        flags=tuple(flags),
    )
