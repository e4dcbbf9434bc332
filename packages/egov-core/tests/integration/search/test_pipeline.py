"""The search pipeline without a model (Lite): mode selection, ranked answers to questions, one filter semantics."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.errors import InvalidQueryError
from egov_core.search import AUTO_MIN_HITS, CaseFilter, Page, ProvisionFilter, SearchMode, SearchPipeline, SearchRequest

pytestmark = pytest.mark.integration

SHAKUCHI = "403AC0000000090"  # 借地借家法
QUESTION = "借地借家法で建物の借賃の増額を請求できるのはどのような場合か"


async def _search(engine: AsyncEngine, query: str, mode: SearchMode = SearchMode.AUTO, **kw: object) -> Page:
    return await SearchPipeline(engine).provisions(SearchRequest(query, mode, **kw))  # type: ignore[arg-type]


async def test_keywords_that_find_enough_are_answered_by_boolean_search(search_engine: AsyncEngine) -> None:
    page = await _search(search_engine, "故意又は過失")
    assert page.mode is SearchMode.BOOLEAN
    assert page.total >= AUTO_MIN_HITS
    assert all(h.fusion is None for h in page.hits)
    assert page == await _search(search_engine, "故意又は過失", SearchMode.BOOLEAN)


async def test_a_question_is_ranked_and_finds_the_governing_provision(search_engine: AsyncEngine) -> None:
    boolean = await _search(search_engine, QUESTION, SearchMode.BOOLEAN)
    assert boolean.hits == ()  # the sentence as one phrase matches nothing
    page = await _search(search_engine, QUESTION)
    assert page.mode is SearchMode.RANKED
    assert page.model_id is None
    assert any(h.key == (SHAKUCHI, "MainProvision-Article_32") for h in page.hits[:3]), [h.key for h in page.hits]
    assert all(h.fusion is not None and h.fusion.keyword_rank for h in page.hits)
    # The law the question names is a ranking of its own: its hits carry their rank in it.
    named = [h.fusion.named_law_rank for h in page.hits if h.fusion and h.law_id == SHAKUCHI]
    assert named
    assert named == sorted(n for n in named if n is not None)
    assert all(h.snippet.text for h in page.hits)
    assert any("<em>" in h.snippet.html for h in page.hits)


async def test_keywords_that_find_too_little_fall_back_to_ranked(search_engine: AsyncEngine) -> None:
    query = "借賃 増額 請求 特約 宇宙"  # no provision holds 宇宙 with the rest
    assert (await _search(search_engine, query, SearchMode.BOOLEAN)).total < AUTO_MIN_HITS
    page = await _search(search_engine, query)
    assert page.mode is SearchMode.RANKED
    assert page.hits


async def test_a_cited_provision_leads_every_mode(search_engine: AsyncEngine) -> None:
    for mode in (SearchMode.AUTO, SearchMode.BOOLEAN, SearchMode.RANKED):
        page = await _search(search_engine, "借地借家法第三十二条の借賃の増額", mode)
        assert (page.hits[0].key, page.hits[0].cited) == ((SHAKUCHI, "MainProvision-Article_32"), True), mode
    # A query that is only a citation is answered by the citation (auto does not fall back).
    only = await _search(search_engine, "借地借家法第三十二条")
    assert (only.mode, [h.key for h in only.hits]) == (SearchMode.BOOLEAN, [(SHAKUCHI, "MainProvision-Article_32")])


async def test_one_category_semantics_for_every_mode(search_engine: AsyncEngine) -> None:
    # The shared XML carries no category (e-Gov's API metadata does): give two laws one for this test.
    laws = {SHAKUCHI, "129AC0000000089"}
    async with search_engine.begin() as conn:
        await conn.execute(text("UPDATE laws SET category = 'test-civil' WHERE law_id = ANY(:l)"), {"l": list(laws)})
    try:
        laws_filter = ProvisionFilter(categories=["test-civil"])
        for query, mode in (("借賃", SearchMode.BOOLEAN), (QUESTION, SearchMode.RANKED)):
            page = await _search(search_engine, query, mode, provisions=laws_filter, limit=50)
            assert page.hits, mode
            assert {h.law_id for h in page.hits} <= laws, mode
        nowhere = ProvisionFilter(categories=["no such category"])
        for mode in (SearchMode.BOOLEAN, SearchMode.RANKED):
            assert (await _search(search_engine, "借賃", mode, provisions=nowhere)).hits == ()
    finally:
        async with search_engine.begin() as conn:
            await conn.execute(text("UPDATE laws SET category = NULL WHERE law_id = ANY(:l)"), {"l": list(laws)})
    # A cited provision outside the filter is not lifted into it.
    other = ProvisionFilter(law_ids=["129AC0000000089"])
    page = await _search(search_engine, "借地借家法第三十二条 借賃", SearchMode.RANKED, provisions=other)
    assert all(h.law_id == "129AC0000000089" and not h.cited for h in page.hits)


async def test_ranked_answers_a_question_made_of_common_words(search_engine: AsyncEngine) -> None:
    # Every content word here is in more than a fifth of all units; they still count when nothing rarer is left.
    page = await _search(search_engine, "この場合において規定するものとする", SearchMode.RANKED)
    assert page.hits


async def test_bad_requests_are_refused(search_engine: AsyncEngine) -> None:
    with pytest.raises(InvalidQueryError):
        await _search(search_engine, "  ")
    with pytest.raises(InvalidQueryError):
        await _search(search_engine, QUESTION, SearchMode.RANKED, offset=1001)
    with pytest.raises(InvalidQueryError, match="Full edition"):
        await _search(search_engine, QUESTION, SearchMode.HYBRID)


async def test_court_decisions_answer_a_question_too(search_engine: AsyncEngine) -> None:
    pipeline = SearchPipeline(search_engine)
    question = "宗教上の信念から輸血を拒否する意思を示していた患者に輸血をした医師の責任"
    boolean = await pipeline.cases(SearchRequest(question, SearchMode.BOOLEAN))
    assert boolean.hits == ()
    page = await pipeline.cases(SearchRequest(question))
    assert page.mode is SearchMode.RANKED
    assert page.hits[0].lawsuit_id == "52218"
    assert page.hits[0].fusion is not None
    keywords = await pipeline.cases(SearchRequest("輸血"))
    assert (keywords.mode, keywords.hits[0].lawsuit_id) == (SearchMode.BOOLEAN, "52218")
    courts = await pipeline.cases(SearchRequest(question, cases=CaseFilter(court="高等裁判所")))
    assert all(h.court_name and "高等裁判所" in h.court_name for h in courts.hits)
