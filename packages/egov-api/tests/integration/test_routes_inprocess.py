"""Routes over the store, in process (httpx's ASGI transport; the server is not the point here), on a small
real corpus copied from a template database: each answer read through the store's repositories."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from egov_api_smallcorpus import small_corpus
from egov_api_testsupport import in_process_client
from egov_testsupport import PgTemplates

from egov_api.app import create_app
from egov_core.settings import EgovSettings

pytestmark = pytest.mark.integration
#: Readiness details (database, data version) are for the ops token only.
OPS_TOKEN = "ops-test-token"


@pytest.fixture(scope="module")
async def client(pg_templates: PgTemplates) -> AsyncIterator[httpx.AsyncClient]:
    url = await small_corpus(pg_templates)
    settings = EgovSettings(database={"url": url}, api={"ops_token": OPS_TOKEN})
    async with in_process_client(create_app(settings)) as client:
        yield client


async def test_laws_by_abbreviation(client: httpx.AsyncClient) -> None:
    r = await client.get("/v1/laws", params={"abbrev": "労基法"})
    assert r.status_code == 200, r.text
    assert [law["law_id"] for law in r.json()["items"]] == ["322AC0000000049"]


async def test_law_text_plain_and_tree(client: httpx.AsyncClient) -> None:
    plain = await client.get("/v1/laws/322AC0000000125/text", params={"format": "plain"})
    assert plain.status_code == 200, plain.text
    assert plain.headers["content-type"].startswith("text/plain")
    assert "国又は公共団体の公権力の行使に当る公務員" in plain.text
    tree = await client.get("/v1/laws/322AC0000000125/text")
    assert tree.status_code == 200
    assert tree.json()["law_full_text"]["tag"] == "Law"


async def test_case_search_by_court_fragment(client: httpx.AsyncClient) -> None:
    supreme = await client.get("/v1/search/cases", params={"q": "損害賠償", "court": "最高裁"})
    assert supreme.status_code == 200, supreme.text
    courts = {hit["court_name"] for hit in supreme.json()["items"]}
    assert courts
    assert all(c.startswith("最高裁判所") for c in courts)
    high = await client.get("/v1/search/cases", params={"q": "請求", "court": "東京高等"})
    assert {hit["court_name"] for hit in high.json()["items"]} == {"東京高等裁判所第四民事部"}


async def test_search_as_of_a_date(client: httpx.AsyncClient) -> None:
    r = await client.get("/v1/search", params={"q": "故意又は過失", "asof": "2030-01-01"})
    assert r.status_code == 200, r.text
    assert any(hit["law_id"] == "129AC0000000089" for hit in r.json()["items"])


async def test_resolve_gives_the_articles_words(client: httpx.AsyncClient) -> None:
    r = await client.get("/v1/resolve", params={"q": "民法第七百九条"})
    assert r.status_code == 200, r.text
    assert "故意又は過失" in r.json()["resolution"]["text"]


async def test_readiness_reads_the_data_version(client: httpx.AsyncClient) -> None:
    r = await client.get("/health/ready", headers={"authorization": f"Bearer {OPS_TOKEN}"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["database"]["at_head"] is True
    assert body["data_version"] > 1  # each import bumped it


async def test_egov_compatible_text(client: httpx.AsyncClient) -> None:
    data = await client.get("/api/2/law_data/129AC0000000089", params={"elm": "MainProvision-Article_709"})
    assert data.status_code == 200, data.text
    file = await client.get("/api/2/law_file/json/322AC0000000125")
    assert file.status_code == 200, file.text


async def test_search_answers_a_question_and_says_how(client: httpx.AsyncClient) -> None:
    question = "故意又は過失によって他人の権利を侵害した者はどのような責任を負うか"
    r = await client.get("/v1/search", params={"q": question})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["mode"], body["model_id"]) == ("ranked", None)
    assert body["items"]
    assert all(item["fusion"]["keyword_rank"] for item in body["items"])
    boolean = await client.get("/v1/search", params={"q": question, "mode": "boolean"})
    assert (boolean.json()["mode"], boolean.json()["items"]) == ("boolean", [])
    keywords = await client.get("/v1/search", params={"q": "故意又は過失"})
    assert keywords.json()["mode"] == "boolean"
    assert all(item["fusion"] is None for item in keywords.json()["items"])
    bad = await client.get("/v1/search", params={"q": question, "mode": "semantic"})
    assert bad.status_code == 422
    cases = await client.get(
        "/v1/search/cases", params={"q": "公務員の違法な公権力の行使によって損害を受けた者は誰に賠償を求めるか"}
    )
    assert cases.status_code == 200, cases.text
    assert cases.json()["mode"] == "ranked"


async def test_one_model_per_search_concept_in_the_schema(client: httpx.AsyncClient) -> None:
    schemas = (await client.get("/openapi.json")).json()["components"]["schemas"]
    assert {"ProvisionHit", "CaseHit", "Fusion", "ProvisionSearchResult", "CaseSearchResult"} <= set(schemas)
    assert not [name for name in schemas if "__" in name], "a concept is defined twice"
