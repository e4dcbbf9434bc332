"""Real v2 payloads read into the response models; structural changes are caught, not coerced."""

from __future__ import annotations

import base64
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fakes import egov_payloads

from egov_core.egov_client._v2_parse import law_data_from_payload, load_payload, validate
from egov_core.egov_client.models import KeywordResponse, LawRevisionsResponse, LawsResponse
from egov_core.errors import EgovApiUnexpectedContentError


def _load(shared: Path, rel: str) -> dict[str, Any]:
    data = json.loads((shared / rel).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_laws_example(shared: Path) -> None:
    laws = validate(LawsResponse, _load(shared, "egov_api/v2/laws.json"), endpoint="t")
    assert (laws.total_count, laws.count, laws.next_offset) == (1, 1, None)
    item = laws.laws[0]
    assert item.law_info.law_id == "322CO0000000016"
    assert item.law_info.promulgation_date == date(1947, 5, 3)
    assert item.revision_info is not None
    assert item.revision_info.law_title == "地方自治法施行令"
    assert item.revision_info.amendment_enforcement_date == date(2024, 4, 1)
    assert item.revision_info.updated is not None
    assert item.revision_info.updated.utcoffset() is not None
    # The example's current_revision_info says repeal_status: false, meaning not repealed.
    assert item.current_revision_info is not None
    assert item.current_revision_info.repeal_status == "None"


def test_law_revisions_example(shared: Path) -> None:
    revisions = validate(LawRevisionsResponse, _load(shared, "egov_api/v2/law_revisions.json"), endpoint="t")
    assert revisions.law_info.law_num == "令和三年法律第三十六号"
    assert [r.law_revision_id for r in revisions.revisions] == ["503AC0000000036_20240607_506AC0000000046"]
    assert revisions.revisions[0].current_revision_status == "PreviousEnforced"
    assert revisions.revisions[0].abbrev is None


def test_keyword_example(shared: Path) -> None:
    keyword = validate(KeywordResponse, _load(shared, "egov_api/v2/keyword.json"), endpoint="t")
    assert (keyword.total_count, keyword.sentence_count, keyword.next_offset) == (447, 100, 100)
    assert keyword.items[0].sentences[0].position == "amendsupplprovision"
    assert "<span>デジタル庁</span>" in (keyword.items[0].sentences[0].text or "")


def test_law_data_example_json_tree(shared: Path) -> None:
    data = law_data_from_payload(_load(shared, "egov_api/v2/law_data.json"), endpoint="t")
    assert data.full_text_format == "json"
    assert data.law_info.law_num_year == 11  # sent as the string "11"
    assert data.law_full_text_json is not None
    assert data.law_full_text_json["tag"] == "Law"
    assert data.attached_files_info is not None
    assert [f.src for f in data.attached_files_info.attached_files] == [
        "./pict/H11HO127-001.jpg",
        "./pict/H11HO127-002.jpg",
    ]


@pytest.mark.parametrize(
    ("file", "model"),
    [("law-search-structural-error.json", LawsResponse), ("law-content-structural-error.json", KeywordResponse)],
)
def test_structural_errors_are_refused(shared: Path, file: str, model: type[LawsResponse | KeywordResponse]) -> None:
    with pytest.raises(EgovApiUnexpectedContentError):
        validate(model, _load(shared, f"egov_api/shape_examples/lawv2/{file}"), endpoint="t")


def test_shape_examples_parse(shared: Path) -> None:
    page = validate(LawsResponse, _load(shared, "egov_api/shape_examples/lawv2/law-search-normal.json"), endpoint="t")
    assert page.next_offset == 1
    empty = validate(LawsResponse, _load(shared, "egov_api/shape_examples/lawv2/law-search-empty.json"), endpoint="t")
    assert empty.laws == ()


def test_base64_xml_full_text_is_decoded(shared: Path) -> None:
    revision = shared / "laws/revisions/505CO0000000222/505CO0000000222_20230630_000000000000000"
    payload = egov_payloads.law_data_response(revision, law_full_text_format="xml")
    data = law_data_from_payload(payload, endpoint="t")
    assert data.full_text_format == "xml"
    assert data.law_full_text_xml == (revision / f"{revision.name}.xml").read_bytes()


def test_xml_envelope_with_base64_json(shared: Path) -> None:
    revision = shared / "laws/revisions/505CO0000000222/505CO0000000222_20230630_000000000000000"
    body = egov_payloads.law_data_response_xml(revision, law_full_text_format="json")
    data = law_data_from_payload(
        load_payload(body, "application/xml", endpoint="t", root_tag="law_data_response"), endpoint="t"
    )
    assert data.law_full_text_json == json.loads((revision / f"{revision.name}.json").read_text("utf-8"))
    assert data.revision_info is not None
    assert data.revision_info.current_revision_status == "CurrentEnforced"


def test_bad_base64_and_doctype_are_refused() -> None:
    base = {"law_info": {"law_id": "505CO0000000222"}}
    with pytest.raises(EgovApiUnexpectedContentError):
        law_data_from_payload({**base, "law_full_text": "not base64!"}, endpoint="t")
    evil = base64.b64encode(b'<!DOCTYPE x [<!ENTITY e "boom">]><Law>&e;</Law>').decode()
    with pytest.raises(EgovApiUnexpectedContentError):
        law_data_from_payload({**base, "law_full_text": evil}, endpoint="t")
    with pytest.raises(EgovApiUnexpectedContentError):
        law_data_from_payload(dict(base), endpoint="t")
