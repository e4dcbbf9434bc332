"""Path values are validated strictly and percent-encoded: nothing a caller passes can leave the base URL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from egov_core.egov_client import _ids
from egov_core.errors import InvalidQueryError


def test_every_real_law_id_and_law_num_is_accepted(shared: Path) -> None:
    index = json.loads((shared / "laws/lists/daisukehori_japan-law_laws_index_2026-02-08.json").read_text("utf-8"))
    entries = index["laws"]
    assert len(entries) > 8000
    for entry in entries:
        assert _ids.law_id(entry["id"]) == entry["id"]
        assert _ids.law_num(entry["lawNum"]) == entry["lawNum"]
        assert _ids.law_id_or_num_or_revision_id(entry["lawNum"]) == entry["lawNum"]


def test_every_real_revision_id_is_accepted(shared: Path) -> None:
    revision_ids = [p.name for p in (shared / "laws/revisions").glob("*/*") if p.is_dir()]
    assert len(revision_ids) >= 60
    for revision_id in revision_ids:
        assert _ids.law_revision_id(revision_id) == revision_id
        assert _ids.law_id_or_num_or_revision_id(revision_id) == revision_id


@pytest.mark.parametrize(
    "value",
    [
        "",
        "129AC0000000089/../../x",
        "../129AC0000000089",
        "129AC0000000089?asof=2020-01-01",
        "129AC0000000089#x",
        "129ac0000000089",
        "129AC000000008",
        "129AC0000000089 ",
        "%2F129AC0000000089",
        "http://evil.example/",
        "//evil.example/x",
        "昭和二十二年政令第十六号/../x",
        "昭和二十二年政令第十六号?x=1",
        "昭和二十二年 政令第十六号",
        "第十六号",
        "129AC0000000089_2020010_000000000000000",
        "129AC0000000089_20200101_00000000000000",
    ],
)
def test_anything_else_is_refused(value: str) -> None:
    with pytest.raises(InvalidQueryError):
        _ids.law_id_or_num_or_revision_id(value)


def test_revision_endpoints_take_only_revision_ids() -> None:
    with pytest.raises(InvalidQueryError):
        _ids.law_revision_id("129AC0000000089")


@pytest.mark.parametrize(
    "value", ["MainProvision-Article_709-Paragraph_1", "SupplProvision[1]-Article_3", "AppdxTable[1]"]
)
def test_elm_paths(value: str) -> None:
    assert _ids.elm(value) == value


@pytest.mark.parametrize("value", ["Article_1/../x", "Article_1?x", "Article 1", "-Article", "Article_1;x=y"])
def test_bad_elm_paths(value: str) -> None:
    with pytest.raises(InvalidQueryError):
        _ids.elm(value)


def test_attachment_src_cannot_climb() -> None:
    assert _ids.attachment_src("./pict/H11HO127-001.jpg") == "./pict/H11HO127-001.jpg"
    for bad in ("./pict/../../etc/passwd", "/etc/passwd", "./pict/a b.jpg", "http://x/y.jpg"):
        with pytest.raises(InvalidQueryError):
            _ids.attachment_src(bad)


def test_v1_selectors() -> None:
    assert _ids.v1_selector("第十一条", "article") == "第十一条"
    assert _ids.v1_selector("11_2", "article") == "11_2"
    for bad in ("第十一条;lawId=x", "1/2", "a", ""):
        with pytest.raises(InvalidQueryError):
            _ids.v1_selector(bad, "article")


def test_segments_are_fully_percent_encoded() -> None:
    assert _ids.segment("昭和二十二年政令第十六号").startswith("%E6%98%AD%E5%92%8C")
    assert _ids.segment("a/b") == "a%2Fb"


def test_file_types() -> None:
    assert [_ids.file_type(t) for t in ("xml", "json", "html", "rtf", "docx")]
    with pytest.raises(InvalidQueryError):
        _ids.file_type("pdf")
