"""Semantic, hybrid and case search through the pipeline with the vector retriever, and their HTTP routes."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
from egov_vector_testsupport import cases, provisions
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_api.routes import search_vector
from egov_api.schemas.search import ProvisionSearchResult
from egov_api.schemas.search_examples import HYBRID_EXAMPLE
from egov_api.state import AppState
from egov_api.vector import VectorRuntime
from egov_core.search import DEFAULT_RRF_K, FusionWeights, SearchMode
from egov_core.settings import EgovSettings
from egov_core.store import CaseFilter, Database
from egov_vector import DeterministicEmbedder, VectorRetriever, backfill

SHAKUCHI = "403AC0000000090"  # 借地借家法

pytestmark = [pytest.mark.integration, pytest.mark.vector]
HYBRID = SearchMode.HYBRID


@pytest.fixture(scope="module")
async def filled(vector_engine: AsyncEngine, hashing: DeterministicEmbedder) -> AsyncEngine:
    await backfill(vector_engine, hashing)
    return vector_engine


async def test_a_cited_provision_is_lifted(filled: AsyncEngine, hashing: DeterministicEmbedder) -> None:
    query = "借地借家法第32条の家賃の増額"
    for page in (
        await provisions(filled, hashing, query, limit=5),
        await provisions(filled, hashing, query, mode=HYBRID, limit=5),
    ):
        first = page.hits[0]
        assert (first.law_id, first.path, first.cited) == (SHAKUCHI, "MainProvision-Article_32", True)
        assert not any(h.cited for h in page.hits[1:])
    hybrid = await provisions(filled, hashing, query, mode=HYBRID, limit=5)
    assert hybrid.hits[0].fusion is not None
    assert hybrid.hits[0].fusion.cited


async def test_hybrid_fuses_both_sides(filled: AsyncEngine, hashing: DeterministicEmbedder) -> None:
    page = await provisions(filled, hashing, "建物 賃貸借 更新", mode=HYBRID, law_ids=[SHAKUCHI], limit=20)
    assert page.hits
    details = [h.fusion for h in page.hits]
    assert all(d is not None for d in details)
    both = [d for d in details if d is not None and d.keyword_rank and d.semantic_rank]
    assert both, "some units are found by both sides"
    scores = [h.score for h in page.hits]
    assert scores == sorted(scores, reverse=True)
    for h in page.hits:
        d = h.fusion
        assert d is not None
        expected = sum(1 / (DEFAULT_RRF_K + r) for r in (d.keyword_rank, d.semantic_rank) if r is not None)
        assert h.score == pytest.approx(expected)


async def test_a_named_law_is_a_third_ranking(filled: AsyncEngine, hashing: DeterministicEmbedder) -> None:
    query = "借地借家法の建物の賃貸借の更新を拒絶するときの正当の事由"
    page = await provisions(filled, hashing, query, mode=HYBRID, limit=30)
    named = [h for h in page.hits if h.fusion is not None and h.fusion.named_law_rank is not None]
    assert named
    assert {h.law_id for h in named} == {SHAKUCHI}
    assert [h.fusion.named_law_rank for h in named if h.fusion] == list(range(1, len(named) + 1))
    for h in page.hits:
        d = h.fusion
        assert d is not None
        base = sum(1 / (DEFAULT_RRF_K + r) for r in (d.keyword_rank, d.semantic_rank) if r is not None)
        extra = 1 / (DEFAULT_RRF_K + d.named_law_rank) if d.named_law_rank else 0.0
        assert h.score == pytest.approx(base + extra)
    off = await provisions(filled, hashing, query, mode=HYBRID, limit=30, weights=FusionWeights(named_law=0))
    assert all(h.fusion is not None and h.fusion.named_law_rank is None for h in off.hits)
    # The law is named, not the other two: without the name nothing is favoured.
    plain = await provisions(filled, hashing, "建物の賃貸借の更新を拒絶するときの正当の事由", mode=HYBRID, limit=30)
    assert all(h.fusion is not None and h.fusion.named_law_rank is None for h in plain.hits)


async def test_every_page_hit_has_its_snippet_rendered(filled: AsyncEngine, hashing: DeterministicEmbedder) -> None:
    for query in ("建物 賃貸借 更新", "建物の賃貸借の更新を拒絶するには正当の事由が必要か"):
        for page in (
            await provisions(filled, hashing, query, mode=HYBRID, law_ids=[SHAKUCHI], limit=10),
            await provisions(filled, hashing, query, mode=HYBRID, law_ids=[SHAKUCHI], limit=5, offset=5),
            await provisions(filled, hashing, query, law_ids=[SHAKUCHI], limit=10),
        ):
            assert len(page.hits) >= 5
            for h in page.hits:
                assert h.source_text is None
                assert h.snippet.text
                assert h.snippet.html
            # The terms searched are marked where a hit contains them (建物 is in almost every unit here).
            assert any("<em>" in h.snippet.html for h in page.hits), (
                query,
                page.terms,
                [h.snippet.html[:60] for h in page.hits],
            )


async def test_case_semantic_search(filled: AsyncEngine, hashing: DeterministicEmbedder) -> None:
    page = await cases(filled, hashing, "宗教上の信念から輸血を拒否する患者", limit=2)
    assert page.hits[0].lawsuit_id == "52218"
    assert page.hits[0].snippet_field in {"gist", "case_gist", "contents"}
    assert page.mode is SearchMode.SEMANTIC
    hybrid = await cases(filled, hashing, "輸血 拒否", mode=HYBRID)
    assert hybrid.hits[0].lawsuit_id == "52218"
    assert hybrid.hits[0].fusion is not None


async def test_case_filters_select_inside_the_scan(filled: AsyncEngine, hashing: DeterministicEmbedder) -> None:
    # Core's case filter crosses the read port as a condition on the chunks' own lawsuit_id.
    retriever = VectorRetriever(hashing)
    query = "宗教上の信念から輸血を拒否する患者"
    both = await retriever.nearest_cases(filled, query, filters=CaseFilter(), decisions=5, terms=[])
    assert {h.lawsuit_id for h in both} == {"52218", "22090"}
    high = await retriever.nearest_cases(
        filled, query, filters=CaseFilter(trial_types=("HighCourt",)), decisions=5, terms=[]
    )
    assert [(h.lawsuit_id, h.trial_type) for h in high] == [("22090", "HighCourt")]
    supreme = await retriever.nearest_cases(
        filled, query, filters=CaseFilter(court="最高裁判所"), decisions=5, terms=[]
    )
    assert [h.lawsuit_id for h in supreme] == ["52218"]
    assert supreme[0].court_name is not None
    assert "最高裁判所" in supreme[0].court_name
    none = await retriever.nearest_cases(
        filled, query, filters=CaseFilter(date_to=date(1900, 1, 1)), decisions=5, terms=[]
    )
    assert none == []


async def test_routes(filled: AsyncEngine, hashing: DeterministicEmbedder) -> None:
    app = FastAPI()
    settings = EgovSettings()
    app.state.egov = AppState(
        settings=settings,
        database=Database(filled),
        vector=VectorRuntime(settings=settings.vector, embedder=hashing, retriever=VectorRetriever(hashing)),
    )
    app.include_router(search_vector.router)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        r = await client.get("/v1/search/semantic", params={"q": "建物の借賃の増減", "law_id": SHAKUCHI, "limit": 3})
        assert r.status_code == 200, r.text
        body = r.json()
        assert (body["mode"], body["model_id"]) == ("semantic", hashing.model_id)
        assert len(body["items"]) == 3
        assert body["items"][0]["law_id"] == SHAKUCHI
        assert {"path", "caption", "score", "snippet", "snippet_html", "matched_path"} <= set(body["items"][0])
        r = await client.get("/v1/search/hybrid", params={"q": "借地借家法第32条", "limit": 5})
        assert r.status_code == 200, r.text
        assert r.json()["mode"] == "hybrid"
        top = r.json()["items"][0]
        assert top["cited"]
        assert top["fusion"]["cited"]
        assert top["path"] == "MainProvision-Article_32"
        # 借地借家法 is named as well as cited: its hits carry their rank among the named law's hits.
        ranks = [h["fusion"]["named_law_rank"] for h in r.json()["items"]]
        assert all(isinstance(n, int) and n >= 1 for n in ranks)
        r = await client.get("/v1/search/cases/hybrid", params={"q": "輸血 拒否"})
        assert r.status_code == 200
        assert r.json()["items"][0]["lawsuit_id"] == "52218"
        assert (await client.get("/v1/search/semantic", params={"q": "x", "limit": 0})).status_code == 422
        assert (await client.get("/v1/search/semantic")).status_code == 422
    # The documented example is a valid answer, and it is in the schema the app serves.
    assert ProvisionSearchResult.model_validate(HYBRID_EXAMPLE).items[0].fusion is not None
    hybrid_doc = app.openapi()["paths"]["/v1/search/hybrid"]["get"]
    assert hybrid_doc["responses"]["200"]["content"]["application/json"]["example"] == HYBRID_EXAMPLE
    assert "named_law_rank" in hybrid_doc["description"]
