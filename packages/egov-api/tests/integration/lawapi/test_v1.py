"""/api/1 (e-Gov v1's XML API) read by the seed's own v1 client (egov_core.egov_client) over real HTTP, and
its answers beside the recorded v1 payload's shape."""

from __future__ import annotations

from datetime import date, datetime

import httpx
import pytest
from egov_api_testsupport import shared_data_dir
from lxml import etree

from egov_api.lawapi.shapes import JST
from egov_core.egov_client import EgovClient
from egov_core.errors import EgovApiNotFoundError, EgovApiResponseError
from egov_core.settings import EgovClientSettings

pytestmark = pytest.mark.integration

KOKKI = "411AC0000000127"


def client_settings(base: str) -> EgovClientSettings:
    return EgovClientSettings(base_url=f"{base}/api/2", v1_base_url=f"{base}/api/1", retries=0, rate_limit_per_s=1000.0)


async def test_seed_v1_client_reads_our_v1(lawapi_http: str) -> None:
    async with EgovClient(client_settings(lawapi_http)) as client:
        acts = await client.v1.lawlists(2)
        assert acts.category == 2
        ids = {e.law_id for e in acts.entries}
        assert {"321CONSTITUTION", KOKKI, "129AC0000000089"} <= ids
        everything = await client.v1.lawlists(1)
        assert len(everything.entries) >= len(acts.entries)

        data = await client.v1.lawdata(KOKKI)
        assert data.law_id == KOKKI
        assert data.law_num == "平成十一年法律第百二十七号"
        law = etree.fromstring(data.law_full_text_xml)
        assert law.findtext("LawBody/LawTitle") == "国旗及び国歌に関する法律"
        by_num = await client.v1.lawdata("平成十一年法律第百二十七号")
        assert by_num.law_full_text_xml == data.law_full_text_xml

        article = await client.v1.articles(law_id="129AC0000000089", article="第七百九条")
        assert article.article == "第七百九条"
        (content,) = article.contents_xml
        element = etree.fromstring(content)
        assert element.tag == "Article"
        assert element.get("Num") == "709"
        assert "故意又は過失" in "".join(element.itertext())
        paragraph = await client.v1.articles(law_id=KOKKI, article="1", paragraph="2")
        assert etree.fromstring(paragraph.contents_xml[0]).tag == "Paragraph"

        today = await client.v1.updatelawlists(datetime.now(JST).date())
        nothing = await client.v1.updatelawlists(date(2000, 1, 1))
        assert nothing.entries == ()
        with pytest.raises(EgovApiNotFoundError):
            await client.v1.lawdata("499AC0000000999")
        with pytest.raises(EgovApiResponseError):
            await client.v1.articles(law_id=KOKKI, article="第九十九条")
    # The store was filled today (this session): every law of the small corpus is in today's list.
    assert {e.law_id for e in today.entries} >= {KOKKI}
    assert all(e.law_type_name for e in today.entries)


async def test_v1_shapes_match_the_recorded_payload(lawapi_http: str) -> None:
    recorded = etree.parse(str(shared_data_dir() / "egov_api" / "v1" / "lawlists_category1_2018.xml")).getroot()
    async with httpx.AsyncClient(base_url=lawapi_http) as http:
        r = await http.get("/api/1/lawlists/1")
        bad = await http.get("/api/1/lawlists/9")
    assert r.headers["content-type"].startswith("application/xml")
    ours = etree.fromstring(r.content)
    assert [c.tag for c in ours] == [c.tag for c in recorded]  # Result, ApplData
    assert [c.tag for c in ours.find("Result")] == [c.tag for c in recorded.find("Result")]
    assert ours.findtext("Result/Code") == recorded.findtext("Result/Code") == "0"
    assert ours.findtext("ApplData/Category") == "1"
    their_fields = {c.tag for c in recorded.find("ApplData/LawNameListInfo")}
    our_fields = {c.tag for c in ours.find("ApplData/LawNameListInfo")}
    assert their_fields <= our_fields  # LawName, LawNo, PromulgationDate (+ LawId, as e-Gov v1 sends today)
    assert bad.status_code == 400
    assert etree.fromstring(bad.content).findtext("Result/Code") == "1"
