"""``response_format=xml``: the XML answers published in e-Gov's OpenAPI document, read into the same models."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from fakes.fake_egov import FakeEgov, FakeResponse

from egov_core.egov_client import EgovClient
from egov_core.errors import EgovApiBadRequestError, EgovApiServerError

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def examples(shared: Path) -> dict[str, Any]:
    spec_path = shared.parent / "reference/egov-lawapi-v2.yaml"
    if not spec_path.is_file():
        pytest.skip("e-Gov OpenAPI document not available")
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    return {name: value["value"] for name, value in spec["components"]["examples"].items()}


async def test_xml_answers_of_every_json_endpoint(fake_egov: FakeEgov, examples: dict[str, Any], shared: Path) -> None:
    fake_egov.add("/api/2/laws", FakeResponse.xml(examples["example_laws_xml"]))
    fake_egov.add("/api/2/law_revisions/503AC0000000036", FakeResponse.xml(examples["example_law_revisions_xml"]))
    fake_egov.add("/api/2/keyword", FakeResponse.xml(examples["example_keyword_xml"]))
    fake_egov.add("/api/2/law_data/411AC0000000127", FakeResponse.xml(examples["example_law_data_xml"]))
    async with EgovClient(fake_egov.settings()) as client:
        laws = await client.v2.laws(response_format="xml")
        revisions = await client.v2.law_revisions("503AC0000000036", response_format="xml")
        keyword = await client.v2.keyword("デジタル庁", response_format="xml")
        data = await client.v2.law_data("411AC0000000127", response_format="xml")
    assert (laws.total_count, laws.count) == (1, 1)
    assert laws.laws[0].law_info.law_num_year == 22
    assert laws.laws[0].current_revision_info is not None
    assert laws.laws[0].current_revision_info.remain_in_force is False
    assert revisions.revisions[0].abbrev is None
    assert revisions.revisions[0].amendment_enforcement_date == date(2024, 6, 7)
    assert keyword.next_offset == 100
    as_json = json.loads((shared / "egov_api/v2/keyword.json").read_text("utf-8"))
    assert keyword.items[0].sentences[0].text == as_json["items"][0]["sentences"][0]["text"]
    assert data.full_text_format == "xml"
    assert data.law_full_text_xml is not None
    assert "国旗は、日章旗とする。" in data.law_full_text_xml.decode()
    assert data.attached_files_info is not None
    assert len(data.attached_files_info.attached_files) == 2
    assert {r.query["response_format"] for r in fake_egov.requests} == {"xml"}


async def test_xml_error_bodies(fake_egov: FakeEgov, examples: dict[str, Any]) -> None:
    fake_egov.add("/api/2/laws", FakeResponse.xml(examples["example_laws_400error_xml"], status=400))
    fake_egov.add("/api/2/keyword", FakeResponse.xml(examples["example_keyword_500error_xml"], status=500))
    async with EgovClient(fake_egov.settings(retries=0)) as client:
        with pytest.raises(EgovApiBadRequestError) as bad:
            await client.v2.laws(response_format="xml")
        with pytest.raises(EgovApiServerError) as failed:
            await client.v2.keyword("x", response_format="xml")
    assert (bad.value.egov_code, failed.value.egov_code) == ("400004", "500001")
