"""Keyword search against real law text in PostgreSQL: exactness, syntax, filters, pages, snippets."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.errors import InvalidQueryError
from egov_core.search import (
    CaseFilter,
    Page,
    ProvisionFilter,
    SearchMode,
    SearchPipeline,
    SearchRequest,
    search_cases,
    search_provisions,
)
from egov_core.text import normalize, parse_query, term_index_tsquery, term_tsquery, tsvector_literal

pytestmark = pytest.mark.integration


async def _units(engine: AsyncEngine) -> list[str]:
    """Normalised text of every current search unit."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT su.text FROM search_units su JOIN laws l ON l.current_revision_id = su.revision_id")
        )
        return [normalize(t) for t in rows.scalars()]


def _assert_total(total: int, exact: bool, expected: int) -> None:
    """Exact totals must be exact; estimated ones (phrase / exclusion with many candidates) close."""
    if exact:
        assert total == expected
    else:
        assert abs(total - expected) <= max(2, expected // 10), (total, expected)


@pytest.mark.parametrize("term", ["税", "債権", "解雇", "個人情報", "故意又は過失", "損害賠償"])
async def test_hits_are_exactly_the_units_containing_the_term(search_engine: AsyncEngine, term: str) -> None:
    units = await _units(search_engine)
    expected = sum(1 for u in units if term in u)
    assert expected > 0
    page = await search_provisions(search_engine, term, limit=100)
    _assert_total(page.total, page.total_exact, expected)
    for hit in page.hits:
        assert term in normalize(hit.snippet.text)
        assert hit.snippet.highlights
        for s, e in hit.snippet.highlights:
            assert normalize(hit.snippet.text[s:e]) == term


async def test_and_or_exclusion(search_engine: AsyncEngine) -> None:
    units = await _units(search_engine)

    def count(pred: Callable[[str], bool]) -> int:
        return sum(1 for u in units if pred(u))

    both = await search_provisions(search_engine, "債権 譲渡")
    assert both.total == count(lambda u: "債権" in u and "譲渡" in u)
    either = await search_provisions(search_engine, "解雇 OR 雇止め")
    assert either.total == count(lambda u: "解雇" in u or "雇止め" in u)
    bar = await search_provisions(search_engine, "解雇|雇止め")
    assert bar.total == either.total
    without = await search_provisions(search_engine, "債権 -保証", limit=100)
    _assert_total(without.total, without.total_exact, count(lambda u: "債権" in u and "保証" not in u))
    assert all("保証" not in normalize(h.snippet.text) for h in without.hits)
    phrase = await search_provisions(search_engine, '"損害を賠償する責任"')
    _assert_total(phrase.total, phrase.total_exact, count(lambda u: "損害を賠償する責任" in u))
    assert phrase.total > 0
    rare = await search_provisions(search_engine, "故意又は過失 -損害")
    assert rare.total_exact
    assert rare.total == count(lambda u: "故意又は過失" in u and "損害" not in u)


async def test_full_width_query_and_text(search_engine: AsyncEngine) -> None:
    half = await search_provisions(search_engine, "第709条")
    full = await search_provisions(search_engine, "第７０９条")
    assert half.total == full.total


async def test_filters(search_engine: AsyncEngine) -> None:
    all_hits = await search_provisions(search_engine, "税", limit=100)
    civil = await search_provisions(
        search_engine, "債権", filters=ProvisionFilter(law_ids=["129AC0000000089"]), limit=100
    )
    assert civil.total > 0
    assert {h.law_id for h in civil.hits} == {"129AC0000000089"}
    orders = await search_provisions(
        search_engine, "税", filters=ProvisionFilter(law_types=["CabinetOrder"]), limit=100
    )
    assert all(h.law_type == "CabinetOrder" for h in orders.hits)
    suppl = await search_provisions(search_engine, "税", filters=ProvisionFilter(suppl=True), limit=100)
    main = await search_provisions(search_engine, "税", filters=ProvisionFilter(suppl=False), limit=100)
    assert suppl.total + main.total == all_hits.total
    assert all(h.in_suppl for h in suppl.hits)
    assert not any(h.in_suppl for h in main.hits)
    nothing = await search_provisions(search_engine, "税", filters=ProvisionFilter(law_ids=[]))
    assert (nothing.total, nothing.hits) == (0, ())
    async with search_engine.connect() as conn:
        rev = (
            await conn.execute(text("SELECT current_revision_id FROM laws WHERE law_id = '129AC0000000089'"))
        ).scalar_one()
    asof = await search_provisions(search_engine, "債権", filters=ProvisionFilter(revision_ids=[rev]), limit=100)
    assert asof.total == civil.total


async def test_pagination(search_engine: AsyncEngine) -> None:
    first = await search_provisions(search_engine, "税", limit=10)
    second = await search_provisions(search_engine, "税", limit=10, offset=10)
    assert first.total == second.total
    assert len(first.hits) == len(second.hits) == 10
    keys = {(h.law_id, h.path, h.seq) for h in first.hits}
    assert not keys & {(h.law_id, h.path, h.seq) for h in second.hits}
    whole = await search_provisions(search_engine, "税", limit=20)
    assert [(h.law_id, h.path) for h in whole.hits] == [(h.law_id, h.path) for h in first.hits + second.hits]
    past = await search_provisions(search_engine, "税", limit=10, offset=first.total + 5)
    assert (past.total, past.hits) == (first.total, ())
    with pytest.raises(InvalidQueryError):
        await search_provisions(search_engine, "税", limit=0)
    with pytest.raises(InvalidQueryError):
        await search_provisions(search_engine, "税", limit=101)


@pytest.mark.parametrize(
    "query", ["税", "債権 譲渡", "故意又は過失", "債権 -保証", "解雇 OR 雇止め", '"損害を賠償する責任"']
)
async def test_plain_statement_answers_as_the_planned_one(search_engine: AsyncEngine, query: str) -> None:
    """A search with no law filter hides its index question from the planner (one generic plan per connection);
    filtered to every law, the same search lets the planner see its terms. Both find the same page and total,
    on the generic plan too (PostgreSQL plans a prepared statement's first five runs anew)."""
    async with search_engine.connect() as conn:
        laws = list((await conn.execute(text("SELECT law_id FROM laws"))).scalars())
    every = await search_provisions(search_engine, query, filters=ProvisionFilter(law_ids=laws), limit=50)
    for _ in range(7):
        plain = await search_provisions(search_engine, query, limit=50)
        assert (plain.total, plain.total_exact, plain.hits) == (every.total, every.total_exact, every.hits)
    every_main = ProvisionFilter(law_ids=laws, suppl=False)
    planned = await search_provisions(search_engine, query, filters=every_main, limit=50)
    for _ in range(7):
        main = await search_provisions(search_engine, query, filters=ProvisionFilter(suppl=False), limit=50)
        assert (main.total, main.total_exact, main.hits) == (planned.total, planned.total_exact, planned.hits)


async def test_ranking_prefers_main_provisions_of_acts(search_engine: AsyncEngine) -> None:
    page = await search_provisions(search_engine, "解雇", limit=5)
    assert not any(h.in_suppl for h in page.hits)
    assert page.hits[0].score >= page.hits[-1].score
    scores = [h.score for h in page.hits]
    assert scores == sorted(scores, reverse=True)


async def test_hit_fields(search_engine: AsyncEngine) -> None:
    page = await search_provisions(search_engine, "故意又は過失", filters=ProvisionFilter(law_ids=["129AC0000000089"]))
    hit = next(h for h in page.hits if h.path == "MainProvision-Article_709")
    assert (hit.law_title, hit.law_num, hit.law_type) == ("民法", "明治二十九年法律第八十九号", "Act")
    assert hit.caption == "（不法行為による損害賠償）"
    assert hit.title == "第七百九条"
    assert "<em>故意又は過失</em>" in hit.snippet.html


async def _boolean(engine: AsyncEngine, query: str) -> Page:
    return await SearchPipeline(engine).provisions(SearchRequest(query, SearchMode.BOOLEAN))


async def test_citation_lifting(search_engine: AsyncEngine) -> None:
    only = await _boolean(search_engine, "借地借家法第三十二条")
    assert [(h.law_id, h.path, h.cited) for h in only.hits] == [("403AC0000000090", "MainProvision-Article_32", True)]
    mixed = await _boolean(search_engine, "民法709条 損害賠償")
    assert (mixed.hits[0].law_id, mixed.hits[0].path, mixed.hits[0].cited) == (
        "129AC0000000089",
        "MainProvision-Article_709",
        True,
    )
    assert mixed.terms == ("損害賠償",)
    assert not any(h.cited for h in mixed.hits[1:])
    assert len({(h.law_id, h.path) for h in mixed.hits}) == len(mixed.hits)
    paragraph = await _boolean(search_engine, "労働基準法第二十条第一項 予告")
    assert paragraph.hits[0].path == "MainProvision-Article_20"
    plain = await _boolean(search_engine, "解雇")
    assert plain.total == (await search_provisions(search_engine, "解雇")).total


async def test_case_search(search_engine: AsyncEngine) -> None:
    page = await search_cases(search_engine, "輸血")
    assert page.total >= 1
    assert page.hits[0].lawsuit_id == "52218"
    hit = page.hits[0]
    assert any(hit.snippet.text[s:e] == "輸血" for s, e in hit.snippet.highlights)
    supreme = await search_cases(search_engine, "損害", filters=CaseFilter(trial_types=("SupremeCourt",)), limit=100)
    assert supreme.total > 0
    assert all(h.trial_type == "SupremeCourt" for h in supreme.hits)
    recent = await search_cases(search_engine, "損害", filters=CaseFilter(date_from=date(2000, 1, 1)), limit=100)
    assert all(h.date is not None and h.date >= date(2000, 1, 1) for h in recent.hits)
    assert recent.total < supreme.total or supreme.total == recent.total


_ALPHABET = "ab、c 税"


async def _matches(engine: AsyncEngine, doc: str, tsq: str) -> bool:
    """Whether PostgreSQL finds ``tsq`` in ``doc``'s n-gram tsvector."""
    async with engine.connect() as conn:
        result = await conn.execute(
            text("SELECT CAST(:v AS tsvector) @@ CAST(:q AS tsquery)"), {"v": tsvector_literal(doc), "q": tsq}
        )
        return bool(result.scalar_one())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=st.text(_ALPHABET, max_size=12), term=st.text("abc税", min_size=1, max_size=4))
async def test_tsquery_is_substring_matching(search_engine: AsyncEngine, doc: str, term: str) -> None:
    tsq = term_tsquery(term)
    assert tsq is not None
    got = await _matches(search_engine, doc, tsq)
    assert got == (term in doc)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=st.text(_ALPHABET, max_size=12), term=st.text("abc税", min_size=1, max_size=4))
async def test_index_tsquery_matches_at_least_every_substring_match(
    search_engine: AsyncEngine, doc: str, term: str
) -> None:
    tsq = term_index_tsquery(term)
    assert tsq is not None
    got = await _matches(search_engine, doc, tsq)
    if term in doc:
        assert got


async def _ranked_iff_matched(engine: AsyncEngine, doc: str, tsq: str) -> tuple[bool, bool]:
    """(``@@``, ``ts_rank_cd > 0``) of ``tsq`` over ``doc``'s n-gram tsvector."""
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                text("SELECT v @@ q, ts_rank_cd(v, q, 1) > 0 FROM CAST(:v AS tsvector) v, CAST(:q AS tsquery) q"),
                {"v": tsvector_literal(doc), "q": tsq},
            )
        ).one()
        return bool(row[0]), bool(row[1])


_TERM = st.text("abc税", min_size=1, max_size=4)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=st.text(_ALPHABET, max_size=16), terms=st.lists(_TERM, min_size=1, max_size=3), alternative=st.booleans())
async def test_rank_is_positive_exactly_when_a_query_without_exclusions_matches(
    search_engine: AsyncEngine, doc: str, terms: list[str], alternative: bool
) -> None:
    """keyword_units verifies a window by ``ts_rank_cd > 0`` instead of ``@@`` when nothing is excluded."""
    query = (" OR " if alternative else " ").join(f'"{t}"' for t in terms)
    tsq = parse_query(query).tsquery
    matched, ranked = await _ranked_iff_matched(search_engine, doc, tsq)
    assert ranked == matched
