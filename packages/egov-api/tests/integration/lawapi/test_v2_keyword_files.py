"""/api/2/keyword, /api/2/law_file, /api/2/attachment."""

from __future__ import annotations

import httpx
import orjson
import pytest
from lawapi_contract import ContractValidator
from lxml import etree

pytestmark = pytest.mark.integration

KOKKI = "411AC0000000127"


async def keyword(api: httpx.AsyncClient, contract: ContractValidator, **params: str) -> httpx.Response:
    r = await api.get("/api/2/keyword", params=params)
    if r.headers.get("content-type", "").startswith("application/json"):
        contract.check("/api/2/keyword", r.json(), status=r.status_code)
    return r


async def test_keyword_in_e_gov_shape(api: httpx.AsyncClient, contract: ContractValidator) -> None:
    body = (await keyword(api, contract, keyword="不法行為", limit="3")).json()
    assert list(body) == ["total_count", "sentence_count", "next_offset", "items"]
    assert body["sentence_count"] == 3
    assert body["total_count"] >= 3
    assert body["next_offset"] == 3
    item = body["items"][0]
    assert list(item) == ["law_info", "revision_info", "sentences"]
    assert item["law_info"]["law_id"] == "129AC0000000089"
    for sentence in item["sentences"]:
        assert sentence["position"].startswith("MainProvision-Article_")
        assert "<span>不法行為</span>" in sentence["text"]
    rest = (await keyword(api, contract, keyword="不法行為", limit="100", offset="3")).json()
    assert rest["next_offset"] is None
    assert rest["sentence_count"] == body["total_count"] - 3
    first = {s["position"] for s in item["sentences"]}
    assert first.isdisjoint(s["position"] for i in rest["items"] for s in i["sentences"])


async def test_keyword_syntax(api: httpx.AsyncClient, contract: ContractValidator) -> None:
    both = (await keyword(api, contract, keyword="国旗 日章旗")).json()
    assert {i["law_info"]["law_id"] for i in both["items"]} == {KOKKI}
    anded = (await keyword(api, contract, keyword="国旗 AND 日章旗")).json()
    assert anded == both
    negated = (await keyword(api, contract, keyword="国旗 NOT 国歌", highlight_tag="em")).json()
    texts = [s["text"] for i in negated["items"] for s in i["sentences"]]
    assert texts
    assert all("<em>国旗</em>" in t for t in texts)
    either = (await keyword(api, contract, keyword="日章旗 OR 君が代")).json()
    assert either["total_count"] >= 2
    phrase = (await keyword(api, contract, keyword='"故意又は過失"')).json()
    assert phrase["total_count"] >= 1
    short = (await keyword(api, contract, keyword="国旗", sentence_text_size="12")).json()
    assert all(
        len(s["text"].replace("<span>", "").replace("</span>", "")) <= 12
        for i in short["items"]
        for s in i["sentences"]
    )


async def test_keyword_filters(api: httpx.AsyncClient, contract: ContractValidator) -> None:
    acts = (await keyword(api, contract, keyword="法律", law_type="Constitution")).json()
    assert {i["law_info"]["law_id"] for i in acts["items"]} == {"321CONSTITUTION"}
    by_year = (await keyword(api, contract, keyword="国旗", law_num_era="Heisei", law_num_year="11")).json()
    assert {i["law_info"]["law_id"] for i in by_year["items"]} == {KOKKI}
    none = (await keyword(api, contract, keyword="国旗", law_num_year="99")).json()
    assert none == {"total_count": 0, "sentence_count": 0, "next_offset": None, "items": []}
    one_each = (await keyword(api, contract, keyword="損害", sentences_limit="1")).json()
    assert all(len(i["sentences"]) == 1 for i in one_each["items"])


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, "400005"),
        ({"keyword": "第*条"}, "400005"),
        ({"keyword": "国旗", "limit": "1001"}, "400002"),
        ({"keyword": "国旗", "highlight_tag": "<script>"}, "400002"),
        ({"keyword": "国旗", "asof": "20200101"}, "400004"),
        ({"keyword": "国旗", "law_type": "Law"}, "400001"),
    ],
)
async def test_keyword_errors(
    api: httpx.AsyncClient, contract: ContractValidator, params: dict[str, str], code: str
) -> None:
    r = await keyword(api, contract, **params)
    assert r.status_code == 400
    assert r.json()["code"] == code


async def test_keyword_xml_escapes_highlights(api: httpx.AsyncClient) -> None:
    r = await api.get("/api/2/keyword", params={"keyword": "国旗", "response_format": "xml"})
    assert b"&lt;span&gt;" in r.content
    root = etree.fromstring(r.content)
    assert root.tag == "keyword_response"
    assert "<span>国旗</span>" in (root.findtext("items/item/sentences/sentence/text") or "")


async def test_law_file(api: httpx.AsyncClient) -> None:
    xml = await api.get(f"/api/2/law_file/xml/{KOKKI}")
    assert xml.status_code == 200
    assert xml.headers["content-type"].startswith("application/xml")
    assert etree.fromstring(xml.content).findtext("LawBody/LawTitle") == "国旗及び国歌に関する法律"
    tree = await api.get(f"/api/2/law_file/json/{KOKKI}")
    assert tree.headers["content-disposition"].endswith('.json"')
    data = (await api.get(f"/api/2/law_data/{KOKKI}")).json()
    assert orjson.loads(tree.content) == data["law_full_text"]
    for kind, status, code in (("docx", 404, "404004"), ("pdf", 400, "400002")):
        r = await api.get(f"/api/2/law_file/{kind}/{KOKKI}")
        assert r.status_code == status
        assert r.json()["code"] == code


async def test_attachment_is_a_documented_404(api: httpx.AsyncClient, contract: ContractValidator) -> None:
    rev = (await api.get(f"/api/2/law_data/{KOKKI}")).json()["revision_info"]["law_revision_id"]
    r = await api.get(f"/api/2/attachment/{rev}", params={"src": "./pict/H11HO127-001.jpg"})
    assert r.status_code == 404
    assert r.json()["code"] == "404003"
    contract.check("/api/2/attachment", r.json(), status=404)
    unknown = await api.get("/api/2/attachment/999AC0000000999_20200101_000000000000000")
    assert unknown.json()["code"] == "404001"
