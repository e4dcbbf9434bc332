"""The citation graph as built at import time, checked against the hand-checked references.

``citation_gold.tsv`` holds every reference in the paragraphs of 借地借家法 read in their own context (the
rows with a context law); each must be an edge of the provision it stands in, resolved to the gold target.
Delegations (政令で定める) must point at 意匠法施行令, and a revision's graph is rebuilt identically.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from egov_core.ingest.graph import build_citation_graph
from egov_core.store import cited_by, law_degree, outgoing_edges

pytestmark = pytest.mark.integration

GOLD = Path(__file__).with_name("citation_gold.tsv")
SHAKUCHI = "403AC0000000090"  # 借地借家法
ISHO, ISHO_REI = "334AC0000000125", "335CO0000000018"  # 意匠法, 意匠法施行令
GRAPH_LAWS = (SHAKUCHI, ISHO, ISHO_REI, "322AC0000000125")  # and 国家賠償法


@pytest.fixture(scope="module")
async def graph_engine(search_engine: AsyncEngine) -> AsyncEngine:
    """The search corpus with the graph of a few laws built (the others resolve as targets)."""
    await build_citation_graph(search_engine, law_ids=GRAPH_LAWS)
    return search_engine


async def _edges(engine: AsyncEngine, law_id: str) -> list[tuple[str, str, str, str | None, str | None, str]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT e.path, e.raw, e.kind, e.target_law_id, e.target_path, e.status FROM citation_edges e "
                "JOIN laws l ON l.current_revision_id = e.revision_id WHERE l.law_id = :law ORDER BY e.seq"
            ),
            {"law": law_id},
        )
        return [(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]


async def test_edges_match_the_hand_checked_references(graph_engine: AsyncEngine) -> None:
    gold = [
        line.split("\t")
        for line in GOLD.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#") and line.split("\t")[5:6] == [SHAKUCHI]
    ]
    assert len(gold) >= 150
    edges: dict[tuple[str, str], list[tuple[str | None, str | None, str]]] = defaultdict(list)
    for path, raw, kind, law, target, status in await _edges(graph_engine, SHAKUCHI):
        if kind == "cites":
            edges[(path, raw)].append((law, target, status))
    claimed = correct = expected = 0
    wrong = []
    for _src, _text, citation, law_id, path, _ctx_law, ctx_path in gold:
        found = edges.get((ctx_path, citation))
        # A reference written twice in one provision: the gold row holds the first reading.
        got_law, got_path, status = found[0] if found else (None, None, "missing")
        answer = "historical" if status == "historical" else got_path
        claims = status in ("resolved", "historical") and got_law is not None
        claimed += claims
        expected += bool(law_id)
        if law_id and claims and (got_law, answer) == (law_id, path or None):
            correct += 1
        elif claims or law_id:
            wrong.append((ctx_path, citation, law_id, path, got_law, answer))
    precision, recall = correct / claimed, correct / expected
    print(f"graph edges vs gold: rows {len(gold)}, precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= 0.95, wrong
    assert recall >= 0.90, wrong


async def test_delegations_point_at_the_implementing_order(graph_engine: AsyncEngine) -> None:
    delegations = [e for e in await _edges(graph_engine, ISHO) if e[2] == "delegates"]
    by_order = {(raw, law) for _path, raw, _kind, law, _target, _status in delegations}
    assert ("政令で定める", ISHO_REI) in by_order
    # 意匠法施行規則 is not in this store: the 省令 delegation is kept, unresolved.
    assert ("経済産業省令で定める", None) in by_order
    async with graph_engine.connect() as conn:
        incoming, total = await cited_by(conn, ISHO_REI, None, kind="delegates", limit=500)
        degree = await law_degree(conn, ISHO, await _current(conn, ISHO))
    assert total == len(incoming) > 0
    assert {r.law_id for r in incoming} == {ISHO}
    assert degree.delegations == len(delegations)
    assert degree.out_edges >= degree.out_resolved > 0


async def _current(conn: AsyncConnection, law_id: str) -> int:
    row = await conn.execute(text("SELECT current_revision_id FROM laws WHERE law_id = :l"), {"l": law_id})
    return int(row.scalar_one())


async def test_the_5th_article_cites_the_4th_and_decisions_cite_minpo(graph_engine: AsyncEngine) -> None:
    async with graph_engine.connect() as conn:
        rev = await _current(conn, SHAKUCHI)
        out, total = await outgoing_edges(conn, rev, "MainProvision-Article_5")
        assert total == len(out)
        assert ("MainProvision-Article_5-Paragraph_1", "前条", SHAKUCHI, "MainProvision-Article_4") in {
            (e.path, e.raw, e.target_law_id, e.target_path) for e in out
        }
        incoming, _ = await cited_by(conn, SHAKUCHI, "MainProvision-Article_4", source="statute")
        assert "MainProvision-Article_5-Paragraph_1" in {r.path for r in incoming}
        # A decision's 参照法条 (resolved as resolve_case_refs stores them), inside this test's transaction only.
        case = (await conn.execute(text("SELECT lawsuit_id FROM cases ORDER BY lawsuit_id LIMIT 1"))).scalar_one()
        await conn.execute(
            text(
                "INSERT INTO case_law_refs (lawsuit_id, seq, raw, law_id, path, status) VALUES "
                "(:c, 999, '借地借家法4条', :law, 'MainProvision-Article_4', 'resolved')"
            ),
            {"c": case, "law": SHAKUCHI},
        )
        both, n = await cited_by(conn, SHAKUCHI, "MainProvision-Article_4")
        assert n == len(both) == len(incoming) + 1
        assert (both[-1].source, both[-1].lawsuit_id, both[-1].raw) == ("decision", case, "借地借家法4条")
        only, _ = await cited_by(conn, SHAKUCHI, "MainProvision-Article_4", source="decision")
        assert [r.lawsuit_id for r in only] == [case]
        assert await cited_by(conn, SHAKUCHI, "MainProvision-Article_4", kind="delegates", source="decision") == ([], 0)
        await conn.rollback()


async def test_a_revision_graph_is_rebuilt_identically(graph_engine: AsyncEngine) -> None:
    before = await _edges(graph_engine, "322AC0000000125")
    assert before
    async with graph_engine.begin() as conn:
        await conn.execute(text("UPDATE law_revisions SET citation_count = NULL WHERE law_id = '322AC0000000125'"))
    assert await build_citation_graph(graph_engine, law_ids=("322AC0000000125",)) == 1
    assert await _edges(graph_engine, "322AC0000000125") == before


async def test_the_build_outline_walks_siblings_as_the_store_does(graph_engine: AsyncEngine) -> None:
    """前条 / 次項 in a graph build are answered from memory; they must be the store's 前条 / 次項."""
    from egov_core.graph.lookups import Outline
    from egov_core.store.citations import sibling_provision_path
    from egov_core.store.graph import current_outline

    async with graph_engine.connect() as conn:
        for law_id in (SHAKUCHI, "322AC0000000125"):
            rows = await current_outline(conn, law_id)
            outline = Outline(rows)
            assert len(outline) == len(rows) > 10
            for row in rows:
                if row.kind not in ("Article", "Paragraph", "Item"):
                    continue
                for step in (-1, 1):
                    stored = await sibling_provision_path(conn, law_id, row.path, step)
                    assert outline.sibling(row.path, step) == stored, (row.path, step)


async def test_the_shortest_path_follows_stored_references(graph_engine: AsyncEngine) -> None:
    from egov_core.errors import CitationPathLimitError, CitationPathNotFoundError
    from egov_core.graph.path import citation_path

    async with graph_engine.connect() as conn:
        # 第五十六条 「前条第一項の裁判」 → 第五十五条第一項 「第十七条第一項から第三項まで…」 → 第十七条.
        steps = await citation_path(conn, SHAKUCHI, "MainProvision-Article_56", SHAKUCHI, "MainProvision-Article_17")
        print(steps)
        assert [(s.path, s.raw, s.target_path) for s in steps] == [
            ("MainProvision-Article_56", "前条第一項", "MainProvision-Article_55-Paragraph_1"),
            (
                "MainProvision-Article_55-Paragraph_1",
                "第十七条第一項から第三項まで",
                "MainProvision-Article_17-Paragraph_1",
            ),
        ]
        # Into another law: 第四十六条第二項 cites 民事訴訟法第九十一条第四項.
        other = await citation_path(conn, SHAKUCHI, "MainProvision-Article_46", "408AC0000000109", None)
        assert [(s.source_path, s.target_law_id) for s in other] == [
            ("MainProvision-Article_46-Paragraph_2", "408AC0000000109")
        ]
        assert (
            await citation_path(
                conn, SHAKUCHI, "MainProvision-Article_17-Paragraph_1", SHAKUCHI, "MainProvision-Article_17"
            )
            == []
        )
        # 意匠法 cites its 施行令 only by delegation (a law, no provision): no path to one of its articles.
        with pytest.raises(CitationPathNotFoundError):
            await citation_path(conn, ISHO, "MainProvision", ISHO_REI, None, max_depth=2)
        with pytest.raises(CitationPathLimitError):
            await citation_path(conn, ISHO, "MainProvision", SHAKUCHI, None, max_depth=6, max_nodes=3)
