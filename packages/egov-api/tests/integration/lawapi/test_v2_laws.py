"""/api/2/laws, /api/2/law_revisions, /api/2/law_data: e-Gov's shapes, validated against e-Gov's own spec."""

from __future__ import annotations

import base64

import httpx
import orjson
import pytest
from lawapi_contract import ContractValidator
from lxml import etree

pytestmark = pytest.mark.integration

KOKKI = "411AC0000000127"  # 国旗及び国歌に関する法律
MINPO = "129AC0000000089"
REVISED = "505AC0000000032"


async def get(api: httpx.AsyncClient, contract: ContractValidator, path: str, **params: str) -> httpx.Response:
    """GET and, for JSON answers, check the body against the contract."""
    r = await api.get(path, params=params)
    if r.headers.get("content-type", "").startswith("application/json"):
        contract.check(path, r.json(), status=r.status_code)
    return r


async def test_laws_lists_the_store_in_law_id_order(api: httpx.AsyncClient, contract: ContractValidator) -> None:
    r = await get(api, contract, "/api/2/laws")
    assert r.status_code == 200
    body = r.json()
    assert list(body) == ["total_count", "count", "next_offset", "laws"]
    ids = [item["law_info"]["law_id"] for item in body["laws"]]
    assert ids == sorted(ids)
    assert body["total_count"] == body["count"] == len(ids) >= 5
    assert body["next_offset"] is None
    first = body["laws"][0]
    assert list(first) == ["law_info", "revision_info", "current_revision_info"]


async def test_laws_filters_and_pages(api: httpx.AsyncClient, contract: ContractValidator) -> None:
    r = await get(api, contract, "/api/2/laws", law_title="国旗", omit_current_revision_info="true")
    laws = r.json()["laws"]
    assert [x["law_info"]["law_id"] for x in laws] == [KOKKI]
    assert "current_revision_info" not in laws[0]
    info = laws[0]["law_info"]
    assert info == {
        "law_type": "Act",
        "law_id": KOKKI,
        "law_num": "平成十一年法律第百二十七号",
        "law_num_era": "Heisei",
        "law_num_year": 11,
        "law_num_type": "Act",
        "law_num_num": "127",
        "promulgation_date": info["promulgation_date"],
    }
    page = (await get(api, contract, "/api/2/laws", limit="2", offset="1", order="-law_info.law_id")).json()
    assert page["count"] == 2
    assert page["next_offset"] == 3
    everything = (await get(api, contract, "/api/2/laws", order="-law_info.law_id")).json()
    assert [x["law_info"]["law_id"] for x in page["laws"]] == [x["law_info"]["law_id"] for x in everything["laws"]][1:3]
    acts = (await get(api, contract, "/api/2/laws", law_type="Constitution,Act", law_num_era="Showa")).json()
    assert {x["law_info"]["law_id"] for x in acts["laws"]} == {"321CONSTITUTION"}
    by_num = (await get(api, contract, "/api/2/laws", law_num_year="11", law_num_num="127")).json()
    assert [x["law_info"]["law_id"] for x in by_num["laws"]] == [KOKKI]
    assert (await get(api, contract, "/api/2/laws", law_id="XX")).json()["laws"] == []
    # Empty list items are ignored (schemathesis found ",,,," answered 500).
    assert (await get(api, contract, "/api/2/laws", category_cd=",,,,", law_type=",")).json()["total_count"] >= 5
    revs = await get(api, contract, f"/api/2/law_revisions/{REVISED}", category_cd=",,,,")
    assert revs.status_code == 200


async def test_laws_asof_picks_the_revision_in_force(api: httpx.AsyncClient, contract: ContractValidator) -> None:
    now = (await get(api, contract, "/api/2/laws", law_id=REVISED)).json()["laws"][0]
    then = (await get(api, contract, "/api/2/laws", law_id=REVISED, asof="2023-06-01")).json()["laws"][0]
    assert then["revision_info"]["law_revision_id"] == f"{REVISED}_20230519_000000000000000"
    assert then["current_revision_info"] == now["current_revision_info"]
    assert then["revision_info"]["current_revision_status"] == "PreviousEnforced"
    assert now["current_revision_info"]["current_revision_status"] == "CurrentEnforced"
    assert now["revision_info"]["category"] == "工業"
    assert (await get(api, contract, "/api/2/laws", category_cd="014")).json()["total_count"] == 1


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"law_type": "Statute"}, "400001"),
        ({"asof": "2023-13-01"}, "400004"),
        ({"limit": "0"}, "400002"),
        ({"limit": "abc"}, "400002"),
        ({"order": "law_info.nonsense"}, "400002"),
        ({"category_cd": "999"}, "400002"),
    ],
)
async def test_laws_bad_input_is_e_gov_400(
    api: httpx.AsyncClient, contract: ContractValidator, params: dict[str, str], code: str
) -> None:
    r = await get(api, contract, "/api/2/laws", **params)
    assert r.status_code == 400
    assert r.json()["code"] == code


async def test_xml_answers(api: httpx.AsyncClient) -> None:
    r = await api.get("/api/2/laws", params={"law_title": "国旗", "response_format": "xml"})
    assert r.headers["content-type"].startswith("application/xml")
    root = etree.fromstring(r.content)
    assert root.tag == "laws_response"
    assert root.findtext("laws/law/law_info/law_id") == KOKKI
    assert root.find("laws/law/revision_info/abbrev") is not None
    by_accept = await api.get("/api/2/laws", params={"law_title": "国旗"}, headers={"Accept": "application/xml"})
    assert by_accept.content == r.content
    err = await api.get("/api/2/laws", params={"asof": "x", "response_format": "xml"})
    assert err.status_code == 400
    assert etree.fromstring(err.content).findtext("code") == "400004"


async def test_law_revisions(api: httpx.AsyncClient, contract: ContractValidator) -> None:
    body = (await get(api, contract, f"/api/2/law_revisions/{REVISED}")).json()
    assert list(body) == ["law_info", "revisions"]
    ids = [r["law_revision_id"] for r in body["revisions"]]
    assert ids == sorted(ids, reverse=True)
    assert len(ids) >= 3
    by_num = (await get(api, contract, "/api/2/law_revisions/令和五年法律第三十二号")).json()
    assert by_num == body
    statuses = {r["law_revision_id"]: r["current_revision_status"] for r in body["revisions"]}
    assert list(statuses.values()).count("CurrentEnforced") == 1
    early = (await get(api, contract, f"/api/2/law_revisions/{REVISED}", amendment_date_to="2023-06-01")).json()
    assert [r["law_revision_id"] for r in early["revisions"]] == [f"{REVISED}_20230519_000000000000000"]
    regex = (await get(api, contract, f"/api/2/law_revisions/{REVISED}", law_title="/^脱炭素.*法律$/")).json()
    assert len(regex["revisions"]) == len(ids)
    bad = await get(api, contract, f"/api/2/law_revisions/{REVISED}", law_title="/[/")
    assert bad.status_code == 400
    missing = await get(api, contract, "/api/2/law_revisions/999AC0000000999")
    assert missing.status_code == 404
    assert missing.json()["code"] == "404001"


async def test_law_data_article_by_elm(api: httpx.AsyncClient, contract: ContractValidator) -> None:
    r = await get(api, contract, f"/api/2/law_data/{MINPO}", elm="MainProvision-Article_709")
    assert r.status_code == 200
    body = r.json()
    assert list(body) == ["attached_files_info", "law_info", "revision_info", "law_full_text"]
    article = body["law_full_text"]
    assert article["tag"] == "Article"
    assert article["attr"]["Num"] == "709"
    assert "故意又は過失" in orjson.dumps(article).decode()
    para = (await get(api, contract, f"/api/2/law_data/{MINPO}", elm="MainProvision-Article_709-Paragraph[1]")).json()
    assert para["law_full_text"]["tag"] == "Paragraph"
    gone = await get(api, contract, f"/api/2/law_data/{MINPO}", elm="MainProvision-Article_99999")
    assert gone.status_code == 404
    assert gone.json()["code"] == "404002"
    bad = await get(api, contract, f"/api/2/law_data/{MINPO}", elm="Article_1--x")
    assert bad.status_code == 400
    assert bad.json()["code"] == "400003"


async def test_law_data_formats_and_base64(api: httpx.AsyncClient, contract: ContractValidator) -> None:
    whole = (await get(api, contract, f"/api/2/law_data/{KOKKI}")).json()
    assert whole["law_full_text"]["tag"] == "Law"
    assert [f["src"] for f in whole["attached_files_info"]["attached_files"]] == [
        "./pict/H11HO127-001.jpg",
        "./pict/H11HO127-002.jpg",
    ]
    xml_in_json = (await get(api, contract, f"/api/2/law_data/{KOKKI}", law_full_text_format="xml")).json()
    law = etree.fromstring(base64.b64decode(xml_in_json["law_full_text"]))
    assert law.tag == "Law"
    assert law.findtext("LawBody/LawTitle") == "国旗及び国歌に関する法律"
    r = await api.get(f"/api/2/law_data/{KOKKI}", params={"response_format": "xml"})
    doc = etree.fromstring(r.content)
    assert doc.tag == "law_data_response"
    assert doc.find("law_full_text/Law/LawBody/LawTitle").text == "国旗及び国歌に関する法律"
    json_in_xml = await api.get(
        f"/api/2/law_data/{KOKKI}", params={"response_format": "xml", "law_full_text_format": "json"}
    )
    tree = orjson.loads(base64.b64decode(etree.fromstring(json_in_xml.content).findtext("law_full_text") or ""))
    assert tree == whole["law_full_text"]


async def test_law_data_by_revision_and_asof(api: httpx.AsyncClient, contract: ContractValidator) -> None:
    first = f"{REVISED}_20230519_000000000000000"
    by_id = (await get(api, contract, f"/api/2/law_data/{first}")).json()
    assert by_id["revision_info"]["law_revision_id"] == first
    by_asof = (await get(api, contract, f"/api/2/law_data/{REVISED}", asof="2023-06-01")).json()
    assert by_asof["revision_info"]["law_revision_id"] == first
    assert by_asof["law_full_text"] == by_id["law_full_text"]
    before = await get(api, contract, f"/api/2/law_data/{REVISED}", asof="1900-01-01")
    assert before.status_code == 404


async def test_etag_and_304(api: httpx.AsyncClient) -> None:
    r = await api.get(f"/api/2/law_data/{KOKKI}", params={"elm": "MainProvision-Article_1"})
    etag = r.headers["etag"]
    again = await api.get(
        f"/api/2/law_data/{KOKKI}", params={"elm": "MainProvision-Article_1"}, headers={"If-None-Match": etag}
    )
    assert again.status_code == 304
    assert again.content == b""
    xml = await api.get(
        f"/api/2/law_data/{KOKKI}", params={"elm": "MainProvision-Article_1"}, headers={"Accept": "application/xml"}
    )
    assert xml.headers["content-type"].startswith("application/xml")
    assert xml.headers["etag"] != etag
