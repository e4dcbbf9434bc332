"""All six v2 endpoints over real HTTP against the fake e-Gov serving real payloads."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from fakes import egov_payloads
from fakes.fake_egov import FakeEgov, FakeResponse

from egov_core import __version__
from egov_core.egov_client import EgovClient
from egov_core.errors import EgovApiUnexpectedContentError, InvalidQueryError

pytestmark = pytest.mark.integration

REVISIONS = "laws/revisions"


async def test_laws_with_filters(fake_egov: FakeEgov, shared: Path) -> None:
    fake_egov.add_file("/api/2/laws", shared / "egov_api/v2/laws.json")
    async with EgovClient(fake_egov.settings()) as client:
        laws = await client.v2.laws(
            law_title="地方自治法施行令",
            law_type=["CabinetOrder"],
            category_cd=["008"],
            asof=date(2024, 5, 1),
            limit=10,
        )
    assert laws.laws[0].law_info.law_id == "322CO0000000016"
    request = fake_egov.requests[-1]
    assert request.query == {
        "law_title": "地方自治法施行令",
        "law_type": "CabinetOrder",
        "category_cd": "008",
        "asof": "2024-05-01",
        "limit": "10",
        "response_format": "json",
    }
    assert request.headers["user-agent"].startswith(f"egov/{__version__} (egov_core {__version__}")


async def test_law_revisions_of_a_law_with_several_revisions(fake_egov: FakeEgov, shared: Path) -> None:
    law_dir = shared / REVISIONS / "419M60400000005"
    fake_egov.add_json("/api/2/law_revisions/419M60400000005", egov_payloads.law_revisions_response(law_dir))
    async with EgovClient(fake_egov.settings()) as client:
        revisions = await client.v2.law_revisions("419M60400000005", updated_from=date(2019, 1, 1))
    assert [r.law_revision_id for r in revisions.revisions] == [
        "419M60400000005_20201228_502M60400000013",
        "419M60400000005_20190701_501M60400000003",
        "419M60400000005_20161001_000000000000000",
    ]
    assert [r.current_revision_status for r in revisions.revisions] == [
        "CurrentEnforced",
        "PreviousEnforced",
        "PreviousEnforced",
    ]
    assert revisions.law_info.law_num == "平成十九年国家公安委員会規則第五号"
    assert fake_egov.requests[-1].query["updated_from"] == "2019-01-01"


async def test_law_revisions_by_law_number_is_percent_encoded(fake_egov: FakeEgov, shared: Path) -> None:
    fake_egov.add_file("/api/2/law_revisions/令和三年法律第三十六号", shared / "egov_api/v2/law_revisions.json")
    async with EgovClient(fake_egov.settings()) as client:
        revisions = await client.v2.law_revisions("令和三年法律第三十六号")
    assert revisions.law_info.law_id == "503AC0000000036"
    assert fake_egov.requests[-1].raw_path.startswith("/api/2/law_revisions/%E4%BB%A4%E5%92%8C")


async def test_law_data_real_example(fake_egov: FakeEgov, shared: Path) -> None:
    fake_egov.add_file("/api/2/law_data/411AC0000000127", shared / "egov_api/v2/law_data.json")
    async with EgovClient(fake_egov.settings()) as client:
        data = await client.v2.law_data("411AC0000000127", elm="MainProvision-Article_1", asof=date(2024, 1, 1))
    assert data.full_text_format == "json"
    assert data.law_full_text_json is not None
    assert data.law_full_text_json["tag"] == "Law"
    assert fake_egov.requests[-1].query == {
        "asof": "2024-01-01",
        "elm": "MainProvision-Article_1",
        "response_format": "json",
    }


@pytest.mark.parametrize(
    "revision_id", ["505CO0000000222_20230623_000000000000000", "419M60400000005_20201228_502M60400000013"]
)
async def test_law_data_json_tree_and_base64_xml(fake_egov: FakeEgov, shared: Path, revision_id: str) -> None:
    revision_dir = shared / REVISIONS / revision_id.split("_")[0] / revision_id
    path = f"/api/2/law_data/{revision_id}"
    fake_egov.add_json(path, egov_payloads.law_data_response(revision_dir, law_full_text_format="json"))
    fake_egov.add_json(
        path,
        egov_payloads.law_data_response(revision_dir, law_full_text_format="xml"),
        query={"law_full_text_format": "xml"},
    )
    async with EgovClient(fake_egov.settings()) as client:
        tree = await client.v2.law_data(revision_id)
        xml = await client.v2.law_data(revision_id, law_full_text_format="xml")
    assert tree.law_full_text_json == json.loads((revision_dir / f"{revision_id}.json").read_text("utf-8"))
    assert xml.full_text_format == "xml"
    assert xml.law_full_text_xml == (revision_dir / f"{revision_id}.xml").read_bytes()
    assert xml.revision_info is not None
    assert xml.revision_info.law_revision_id == revision_id


async def test_law_data_xml_envelope(fake_egov: FakeEgov, shared: Path) -> None:
    revision_id = "505CO0000000222_20230630_000000000000000"
    revision_dir = shared / REVISIONS / "505CO0000000222" / revision_id
    fake_egov.add(f"/api/2/law_data/{revision_id}", FakeResponse.xml(egov_payloads.law_data_response_xml(revision_dir)))
    async with EgovClient(fake_egov.settings()) as client:
        data = await client.v2.law_data(revision_id, response_format="xml")
    assert data.full_text_format == "xml"
    assert data.law_full_text_xml is not None
    assert b"<LawNum>" in data.law_full_text_xml
    assert data.law_info.law_num_year == 5
    assert data.revision_info is not None
    assert data.revision_info.amendment_enforcement_date == date(2023, 6, 30)


async def test_keyword(fake_egov: FakeEgov, shared: Path) -> None:
    fake_egov.add_file("/api/2/keyword", shared / "egov_api/v2/keyword.json")
    async with EgovClient(fake_egov.settings()) as client:
        hits = await client.v2.keyword("デジタル庁", highlight_tag="em", limit=100)
    assert hits.total_count == 447
    assert fake_egov.requests[-1].query["keyword"] == "デジタル庁"
    assert fake_egov.requests[-1].query["highlight_tag"] == "em"


async def test_attachment_and_law_file(fake_egov: FakeEgov, shared: Path) -> None:
    revision_id = "505CO0000000222_20230630_000000000000000"
    xml_file = shared / REVISIONS / "505CO0000000222" / revision_id / f"{revision_id}.xml"
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 100
    fake_egov.add(f"/api/2/attachment/{revision_id}", FakeResponse(body=jpeg, content_type="image/jpeg"))
    fake_egov.add(
        f"/api/2/law_file/xml/{revision_id}",
        FakeResponse.file(xml_file, headers={"Content-Disposition": f'attachment; filename="{revision_id}.xml"'}),
    )
    async with EgovClient(fake_egov.settings()) as client:
        picture = await client.v2.attachment(revision_id, src="./pict/H11HO127-001.jpg")
        law_file = await client.v2.law_file("xml", revision_id)
        with pytest.raises(InvalidQueryError):
            await client.v2.attachment("505CO0000000222")
    assert (picture.content, picture.content_type) == (jpeg, "image/jpeg")
    assert fake_egov.requests[0].query == {"src": "./pict/H11HO127-001.jpg"}
    assert law_file.content == xml_file.read_bytes()
    assert law_file.filename == f"{revision_id}.xml"
    assert len(fake_egov.requests) == 2  # the invalid id never left the client


async def test_law_file_content_type_must_match(fake_egov: FakeEgov) -> None:
    fake_egov.add("/api/2/law_file/json/505CO0000000222", FakeResponse(body=b"<html/>", content_type="text/html"))
    async with EgovClient(fake_egov.settings()) as client:
        with pytest.raises(EgovApiUnexpectedContentError):
            await client.v2.law_file("json", "505CO0000000222")


async def test_a_mirror_under_a_path_prefix_is_used_as_configured(fake_egov: FakeEgov, shared: Path) -> None:
    fake_egov.add_file("/mirror/egov/api/2/laws", shared / "egov_api/v2/laws.json")
    fake_egov.add_file("/mirror/egov/api/1/lawlists/2", shared / "egov_api/v1/lawlists_category1_2018.xml")
    settings = fake_egov.settings(
        base_url=f"{fake_egov.base_url}/mirror/egov/api/2/", v1_base_url=f"{fake_egov.base_url}/mirror/egov/api/1"
    )
    async with EgovClient(settings) as client:
        laws = await client.v2.laws()
        lawlist = await client.v1.lawlists(2)
    assert laws.count == 1
    assert len(lawlist.entries) == 8196
    assert [r.raw_path for r in fake_egov.requests] == ["/mirror/egov/api/2/laws", "/mirror/egov/api/1/lawlists/2"]
