"""The band path and the text-counted window (store.keyword) against the token-ranked statement they replace."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.search import search_provisions
from egov_core.search.keyword import SCAN_CAP
from egov_core.store import keyword as keyword_sql
from egov_core.store.tables import PRIOR_LENGTH_MASK
from egov_core.text import normalize, parse_query, tsvector_literal

pytestmark = pytest.mark.integration

_TERMS = ["税", "債権", "解雇", "個人情報", "損害賠償", "不法行為", "相続", "故意又は過失"]


async def _window(engine: AsyncEngine, query: str, *, window: int, new: bool) -> keyword_sql.KeywordWindow:
    parsed = parse_query(query)
    async with engine.connect() as conn:
        return await keyword_sql.keyword_units(
            conn,
            tsquery=parsed.tsquery,
            index_tsquery=parsed.index_tsquery,
            exact=parsed.index_exact,
            conditions=["su.is_current"],
            window=window,
            limit=100,
            offset=0,
            scan_cap=SCAN_CAP,
            exclusions=bool(parsed.excluded),
            and_tokens=parsed.and_tokens if new else (),
            term=parsed.lone_term if new else None,
        )


def _keys(found: keyword_sql.KeywordWindow) -> set[tuple[str, str, int]]:
    return {(r.law_id, r.path, r.seq) for r in found.rows}


@pytest.mark.parametrize("term", _TERMS)
@pytest.mark.parametrize("window", [3, 100])
async def test_band_path_windows_the_same_units_and_counts_the_same(
    search_engine: AsyncEngine, term: str, window: int
) -> None:
    """A window of 3 comes from the band alone for most terms; 100 holds every candidate of this corpus."""
    old = await _window(search_engine, term, window=window, new=False)
    new = await _window(search_engine, term, window=window, new=True)
    assert old.rows
    assert _keys(new) == _keys(old)
    assert (new.window_n, new.window_ok) == (old.window_n, old.window_ok)
    if len(parse_query(term).and_tokens) == 1 or new.complete:
        assert new.complete
        assert new.candidates == old.candidates  # one n-gram: counted from the frequency table, exactly
    else:
        assert new.candidates >= new.window_n  # a longer phrase past the band: estimated from the band


@pytest.mark.parametrize("term", _TERMS)
async def test_text_counted_scores_follow_the_one_formula(search_engine: AsyncEngine, term: str) -> None:
    """score = 0.1 x occurrences / ln(1 + 2 x characters) x the prior's weights, occurrences in the normalised text."""
    page = await search_provisions(search_engine, term, limit=100)
    assert page.hits
    weights = {"Constitution": 1.3, "Act": 1.0, "CabinetOrder": 0.8, "ImperialOrder": 0.7}
    async with search_engine.connect() as conn:
        for hit in page.hits:
            body = (
                await conn.execute(
                    text("SELECT text FROM search_units WHERE revision_id = :r AND path = :p AND seq = :s"),
                    {"r": hit.revision_id, "p": hit.path, "s": hit.seq},
                )
            ).scalar_one()
            occurrences = normalize(body).count(normalize(term))
            weight = weights.get(hit.law_type or "", 0.6 if hit.law_type == "Rule" else 0.5)
            if hit.law_type == "MinisterialOrdinance":
                weight = 0.7
            expected = 0.1 * occurrences / math.log(1 + 2 * min(len(body), PRIOR_LENGTH_MASK)) * weight
            expected *= 0.4 if hit.in_suppl else 1.0
            assert hit.score == pytest.approx(expected, rel=1e-6), (hit.law_id, hit.path)
    assert [h.score for h in page.hits] == sorted((h.score for h in page.hits), reverse=True)


_RAW = "ab 稅税ＡＢ、c"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=st.text(_RAW, min_size=1, max_size=24), term=st.text("ab稅税ＡＢc", min_size=1, max_size=4))
async def test_occurrences_are_zero_exactly_when_the_unit_does_not_match(
    search_engine: AsyncEngine, doc: str, term: str
) -> None:
    """Counted in the raw text or by the tokens, a unit counts occurrences exactly when its tokens match the
    normalised term's phrase (old forms and full-width letters in the text fall back to the tokens); and
    where the text is already normalised and the term cannot overlap itself, both counts agree."""
    parsed = parse_query(f'"{term}"')
    lone = parsed.lone_term
    assert lone is not None
    sql = keyword_sql.occurrences_sql("CAST(:term AS text)", "CAST(:q AS tsquery)")
    async with search_engine.connect() as conn:
        n, matched, by_tokens = (
            await conn.execute(
                text(
                    f"SELECT {sql}, su.tokens @@ CAST(:q AS tsquery), round(ts_rank_cd(su.tokens, CAST(:q AS tsquery), 0) * 10) "
                    "FROM (SELECT CAST(:doc AS text) AS text, CAST(:prior AS integer) AS prior, "
                    "CAST(:v AS tsvector) AS tokens) su"
                ),
                {"term": lone, "q": parsed.tsquery, "doc": doc, "prior": len(doc), "v": tsvector_literal(doc)},
            )
        ).one()
    assert (n > 0) == matched
    overlaps = any(lone[:k] == lone[-k:] for k in range(1, len(lone)))
    if doc == normalize(doc) and not overlaps:
        assert n == by_tokens == normalize(doc).count(lone)
