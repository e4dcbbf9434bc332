"""The citation graph's one-hop expansion as a ranking: the neighbours the store reads (what a unit cites, the
order provisions implementing what it delegates) and the pipeline's use of them, on laws imported with their
graph (借地借家法; 農業動産信用法 and its 施行令, which fills in the Act's 「勅令ヲ以テ定ムル」)."""

from __future__ import annotations

import pytest
from egov_testsupport import PgTemplates, load_laws
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.search import FusionWeights, ProvisionFilter, SearchMode, SearchPipeline, SearchRequest
from egov_core.settings import EgovSettings
from egov_core.store import create_engine
from egov_core.store.graph_hops import one_hop

pytestmark = pytest.mark.integration

SHAKUCHI = "403AC0000000090"  # 借地借家法
DOSAN, DOSAN_REI = "308AC0000000030", "308IO0000000307"  # 農業動産信用法, its 施行令
MAIN = ProvisionFilter(suppl=False)


@pytest.fixture(scope="module")
async def engine(pg_templates: PgTemplates) -> AsyncEngine:
    url = await pg_templates.copy("graph-hops", load_laws([SHAKUCHI, DOSAN, DOSAN_REI]))
    engine = create_engine(EgovSettings(database={"url": url}))
    yield engine  # type: ignore[misc]
    await engine.dispose()


async def test_a_unit_reaches_what_it_cites_never_itself(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        hops = await one_hop(conn, [(SHAKUCHI, "MainProvision-Article_5"), (SHAKUCHI, "MainProvision-Article_4")])
    first = [(n.kind, n.unit.law_id, n.unit.path) for n in hops if n.source == 0]
    assert ("cites", SHAKUCHI, "MainProvision-Article_4") in first  # 「前条の場合において…」
    assert all((n.unit.law_id, n.unit.path) != (SHAKUCHI, "MainProvision-Article_5") for n in hops if n.source == 0)
    assert all((n.unit.law_id, n.unit.path) != (SHAKUCHI, "MainProvision-Article_4") for n in hops if n.source == 1)
    assert [n.source for n in hops] == sorted(n.source for n in hops)  # by source, best first


async def test_a_delegation_reaches_the_order_provision_that_implements_it(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        hops = await one_hop(conn, [(DOSAN, "MainProvision-Article_4")])
        # 第四条 leaves the 法人 and the 水産養殖用ノ種苗 to a 勅令; 施行令第三条 spells them out, citing it back.
        assert ("delegates", DOSAN_REI, "MainProvision-Article_3") in {
            (n.kind, n.unit.law_id, n.unit.path) for n in hops
        }
        # The search's filter holds: 施行令第四条 cites the Act's 第四条 and 第十二条, kept when the search is
        # about the Act only; its order neighbours are not.
        only = await one_hop(conn, [(DOSAN_REI, "MainProvision-Article_4")], [f"su.law_id = '{DOSAN}'"])
    assert {(n.unit.law_id, n.unit.path) for n in only} >= {
        (DOSAN, "MainProvision-Article_4"),
        (DOSAN, "MainProvision-Article_12"),
    }
    assert {n.unit.law_id for n in only} == {DOSAN}
    assert await _no_hops(engine) == []


async def _no_hops(engine: AsyncEngine) -> list[object]:
    async with engine.connect() as conn:
        return list(await one_hop(conn, []))


async def test_the_expansion_is_a_ranking_of_the_pipeline_only_when_weighted(engine: AsyncEngine) -> None:
    query = "農業用動産の購入資金の貸付をした法人の先取特権について"
    off = await SearchPipeline(engine).provisions(SearchRequest(query, SearchMode.RANKED, provisions=MAIN, limit=50))
    assert off.hits
    assert all(h.fusion is not None and h.fusion.graph_rank is None for h in off.hits)
    weights = FusionWeights(graph=1.0, graph_sources=10)
    on = await SearchPipeline(engine, weights=weights).provisions(
        SearchRequest(query, SearchMode.RANKED, provisions=MAIN, limit=50)
    )
    placed = [h for h in on.hits if h.fusion is not None and h.fusion.graph_rank is not None]
    assert placed, "the top hits cite something"
    # A neighbour's score is the sum of its rankings: the expansion's term is added, never replacing.
    before = {(h.law_id, h.path): h.score for h in off.hits}
    for h in placed:
        assert h.fusion is not None
        assert h.fusion.graph_rank is not None
        bonus = weights.graph / (weights.k + h.fusion.graph_rank)
        assert h.score == pytest.approx(before.get((h.law_id, h.path), 0.0) + bonus)
    assert [h.score for h in on.hits] == sorted((h.score for h in on.hits), reverse=True)
    assert on.hits[0].snippet  # neighbours joining the candidates are rendered like any hit
