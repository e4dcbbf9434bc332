"""Court-decision records (japanese-law-analysis/data_set) → CourtDecision, with flags for gaps."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import orjson
import pytest

from egov_core.errors import CaseParseError
from egov_core.parsing import parse_case

FIXTURES = Path(__file__).parent / "fixtures"


def _case(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_supreme_court_record() -> None:
    case = parse_case(_case("52218_SupremeCourt.json"), source="52218_SupremeCourt.json")
    assert case.lawsuit_id == "52218"
    assert (case.trial_type, case.case_number, case.court_name) == (
        "SupremeCourt",
        "平成10(オ)1081",
        "最高裁判所第三小法廷",
    )
    assert case.date is not None
    assert (case.date.era, case.date.year, case.date.month, case.date.day) == ("Heisei", 12, 2, 29)
    assert case.date.iso == date(2000, 2, 29)
    assert case.original_date is not None
    assert case.original_date.iso == date(1998, 2, 9)
    assert case.ref_law == "民法709条，民法710条"
    assert (case.result_type, case.result) == ("判決", "棄却")
    assert case.contents is None
    assert case.flags == ()
    assert case.extra == ()


def test_ip_case_keeps_its_own_fields() -> None:
    case = parse_case(_case("14414_IPCase.json"))
    assert case.trial_type == "IPCase"
    assert case.case_name is None  # "" in the record
    assert dict(case.extra)["right_type"] == "商標権"
    assert dict(case.extra)["lawsuit_type"] == "民事訴訟"
    assert "contents_truncated" in case.flags
    assert "missing:case_name" in case.flags
    assert "missing:gist" not in case.flags  # not part of the IP schema
    assert case.date is not None
    assert case.date.iso == date(1976, 2, 24)


def test_partial_records_are_flagged() -> None:
    old = parse_case(_case("65321_SupremeCourt.json"))
    assert {"missing:gist", "missing:case_gist", "missing:ref_law"} <= set(old.flags)
    assert old.gist is None
    truncated = parse_case(_case("22090_HighCourt.json"))
    assert "contents_truncated" in truncated.flags
    assert "missing:ref_law" in truncated.flags
    assert truncated.contents is not None
    assert dict(truncated.extra)["_contents_note"].startswith("staging cut")
    full = parse_case(_case("89741_SupremeCourt.json"))
    assert full.flags == ()
    assert full.contents is not None
    assert full.date is not None
    assert full.date.iso == date(2020, 9, 30)


def test_invalid_dates_keep_the_parts_and_flag() -> None:
    record = orjson.loads(_case("52218_SupremeCourt.json"))
    record["date"] = {"era": "Heisei", "year": 31, "month": 5, "day": 1}  # that day is 令和元年
    record["original_date"] = "昭和22年5月3日"
    case = parse_case(orjson.dumps(record))
    assert case.date is not None
    assert (case.date.year, case.date.iso) == (31, None)
    assert "invalid_date:date" in case.flags
    assert case.original_date is not None
    assert (case.original_date.era, case.original_date.year, case.original_date.iso) == ("Showa", 22, date(1947, 5, 3))


@pytest.mark.parametrize("data", [b"not json", b"[1, 2]", b'{"case_name": "x"}', b'{"lawsuit_id": ""}', b"\xff\xfe"])
def test_unreadable_records(data: bytes) -> None:
    with pytest.raises(CaseParseError, match=r"bad\.json"):
        parse_case(data, source="bad.json")


def test_every_shared_case_parses(shared_data: Path) -> None:
    files = sorted((shared_data / "cases").glob("*.json"))
    assert len(files) >= 26
    for path in files:
        case = parse_case(path.read_bytes(), source=path.name)
        assert path.stem.startswith(case.lawsuit_id)
        assert case.date is not None
        assert case.date.iso is not None, path.name
