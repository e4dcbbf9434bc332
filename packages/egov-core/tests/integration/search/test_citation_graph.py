"""The citation graph as built at import time, checked against the hand-checked references.

``citation_gold.tsv`` holds every reference in the paragraphs of 借地借家法 read in their own context (the
rows with a context law); each must be an edge of the provision it stands in, resolved to the gold target.
Delegations (政令で定める) must point at 意匠法施行令, and a revision's graph is rebuilt identically.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from egov_testsupport import PgTemplates, load_laws
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from egov_core.ingest.graph import build_citation_graph
from egov_core.settings import EgovSettings
from egov_core.store import cited_by, create_engine, law_degree, outgoing_edges

pytestmark = pytest.mark.integration

GOLD = Path(__file__).with_name("citation_gold.tsv")
GRAPH_GOLD = Path(__file__).with_name("citation_graph_gold.tsv")
GAPS_GOLD = Path(__file__).with_name("citation_graph_gold_gaps.tsv")
SHAKUCHI = "403AC0000000090"  # 借地借家法
ISHO, ISHO_REI = "334AC0000000125", "335CO0000000018"  # 意匠法, 意匠法施行令
GRAPH_LAWS = (SHAKUCHI, ISHO, ISHO_REI, "322AC0000000125")  # and 国家賠償法


#: The store the gold references are read against: the 20 sampled laws (acts with their 施行令 / 施行規則,
#: 行政法, 民事手続, 税法, 民法), 借地借家法, and the laws they cite that the shared corpus holds (民事訴訟法).
GOLD_LAWS = (
    "405AC0000000088",  # 行政手続法
    "337AC0000000139",  # 行政事件訴訟法
    "411AC0000000042",  # 行政機関の保有する情報の公開に関する法律
    "401AC0000000091",  # 民事保全法
    "354AC0000000004",  # 民事執行法
    "412AC0000000061",  # 消費者契約法
    "322AC0000000125",  # 国家賠償法
    "129AC0000000089",  # 民法
    "353AC0000000025",  # 石油石炭税法
    "353CO0000000132",  # 石油石炭税法施行令
    "330AC0000000063",  # 住宅融資保険法
    "330CO0000000132",  # 住宅融資保険法施行令
    "413AC0000000086",  # 行政機関が行う政策の評価に関する法律
    "413CO0000000323",  # 同施行令
    "427AC0000000064",  # 女性の職業生活における活躍の推進に関する法律
    "427CO0000000318",  # 同施行令
    "427AC1000000068",  # 公認心理師法
    "429M60000180003",  # 公認心理師法施行規則
    "327AC0000000207",  # ユネスコ活動に関する法律
    "327CO0000000212",  # 同施行令
    SHAKUCHI,
    "408AC0000000109",  # 民事訴訟法
)


@pytest.fixture(scope="module")
async def gold_engine(pg_templates: PgTemplates) -> AsyncIterator[AsyncEngine]:
    """:data:`GOLD_LAWS` imported by the real pipeline, which builds every law's graph and links delegations."""
    engine = create_engine(EgovSettings(database={"url": await pg_templates.copy("graph-gold", load_laws(GOLD_LAWS))}))
    try:
        yield engine
    finally:
        await engine.dispose()


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


async def _gold_edges(
    engine: AsyncEngine, law_ids: set[str]
) -> dict[tuple[str, str, str], list[tuple[str | None, str | None, str]]]:
    edges: dict[tuple[str, str, str], list[tuple[str | None, str | None, str]]] = defaultdict(list)
    for law_id in law_ids:
        for path, raw, kind, law, target, status in await _edges(engine, law_id):
            if kind == "cites":
                edges[(law_id, path, raw)].append((law, target, status))
    return edges


def _tsv(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line and line[0] != "#"]


def _gold_rows() -> list[list[str]]:
    """The statute references of the gold files: 借地借家法's every paragraph, samples of 20 other laws, and the
    held-out references to defined law names (新法, 旧法) and to 章・節."""
    rows = [row for row in _tsv(GOLD) if row[5:6] == [SHAKUCHI]]
    return rows + _tsv(GRAPH_GOLD) + _tsv(GAPS_GOLD)


def _score(
    gold: list[list[str]], edges: dict[tuple[str, str, str], list[tuple[str | None, str | None, str]]]
) -> tuple[float, float, list[tuple[str, ...]]]:
    """Precision and recall of the stored edges against ``gold`` rows, and the disagreements."""
    claimed = correct = expected = 0
    wrong: list[tuple[str, ...]] = []
    for _src, _text, citation, law_id, path, ctx_law, ctx_path in gold:
        found = edges.get((ctx_law, ctx_path, citation))
        # A reference written twice in one provision: the gold row holds the first reading.
        got_law, got_path, status = found[0] if found else (None, None, "missing")
        answer = "historical" if status == "historical" else got_path
        claims = status in ("resolved", "historical") and got_law is not None
        claimed += claims
        expected += bool(law_id)
        if law_id and claims and (got_law, answer) == (law_id, path or None):
            correct += 1
        elif claims or law_id:
            wrong.append((ctx_law, ctx_path, citation, law_id, path, got_law or "-", answer or "-"))
    return correct / max(claimed, 1), correct / max(expected, 1), wrong


async def test_edges_match_the_hand_checked_references(gold_engine: AsyncEngine) -> None:
    gold = _gold_rows()
    assert len(gold) >= 300
    assert len({row[5] for row in gold}) >= 20
    precision, recall, wrong = _score(gold, await _gold_edges(gold_engine, {row[5] for row in gold}))
    print(f"graph edges vs gold: rows {len(gold)}, precision {precision:.3f}, recall {recall:.3f}")
    for w in wrong:
        print("disagreement:", *w)
    assert precision >= 0.95, wrong
    assert recall >= 0.90, wrong


async def test_defined_law_names_and_chapters_are_edges(gold_engine: AsyncEngine) -> None:
    """The held-out sample of 新法 / 旧法 / 新令 references and 章・節 references (citation_graph_gold_gaps.tsv)."""
    gold = _tsv(GAPS_GOLD)
    assert len(gold) >= 50
    precision, recall, wrong = _score(gold, await _gold_edges(gold_engine, {row[5] for row in gold}))
    print(f"defined names and chapters vs gold: rows {len(gold)}, precision {precision:.3f}, recall {recall:.3f}")
    for w in wrong:
        print("disagreement:", *w)
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


async def test_a_path_reaches_inside_a_range_and_a_chapter(gold_engine: AsyncEngine) -> None:
    from egov_core.graph.path import citation_path

    gyotei = "405AC0000000088"  # 行政手続法
    async with gold_engine.connect() as conn:
        # 第五十五条第一項 「第十七条第一項から第三項まで」 reaches the range's last paragraph too, not only its first.
        steps = await citation_path(
            conn, SHAKUCHI, "MainProvision-Article_56", SHAKUCHI, "MainProvision-Article_17-Paragraph_3"
        )
        assert [(s.raw, s.target_path) for s in steps] == [
            ("前条第一項", "MainProvision-Article_55-Paragraph_1"),
            ("第十七条第一項から第三項まで", "MainProvision-Article_17-Paragraph_3"),
        ]
        # 行政手続法第十三条 「この章の定めるところにより」: every article of 第三章 (不利益処分), and the chapter itself.
        steps = await citation_path(conn, gyotei, "MainProvision-Article_13", gyotei, "MainProvision-Article_31")
        assert [(s.source_path, s.raw, s.target_path) for s in steps] == [
            ("MainProvision-Article_13-Paragraph_1", "この章", "MainProvision-Article_31")
        ]
        steps = await citation_path(conn, gyotei, "MainProvision-Article_13", gyotei, "MainProvision-Chapter_3")
        assert [(s.raw, s.target_path) for s in steps] == [("この章", "MainProvision-Chapter_3")]


async def test_delegations_reach_the_order_provision_that_takes_them_up(gold_engine: AsyncEngine) -> None:
    jutaku, jutaku_rei = "330AC0000000063", "330CO0000000132"  # 住宅融資保険法, its 施行令
    sekiyu, sekiyu_rei = "353AC0000000025", "353CO0000000132"  # 石油石炭税法, its 施行令
    delegations = {
        (law, path): (target_law, target)
        for law in (jutaku, sekiyu)
        for path, _raw, kind, target_law, target, _status in await _edges(gold_engine, law)
        if kind == "delegates"
    }
    # 第七条 「政令で定める期間」 → 施行令第三条 「法第七条の政令で定める期間は、一年とする。」
    assert delegations[(jutaku, "MainProvision-Article_7-Paragraph_1")] == (
        jutaku_rei,
        "MainProvision-Article_3-Paragraph_1",
    )
    # 第十二条第五項 → 施行令第十二条第四項 「法第十二条第五項に規定する政令で定める書類は、同条第一項…」; its
    # 同条第一項 comes after 「政令で定める」: the subject matter, so 第十二条第一項's delegation stays with the order.
    assert delegations[(sekiyu, "MainProvision-Article_12-Paragraph_5")] == (
        sekiyu_rei,
        "MainProvision-Article_12-Paragraph_4",
    )
    assert delegations[(sekiyu, "MainProvision-Article_12-Paragraph_1")] == (sekiyu_rei, None)
    async with gold_engine.connect() as conn:
        taking_up, _ = await cited_by(conn, jutaku_rei, "MainProvision-Article_3", kind="delegates")
        linked = (
            await conn.execute(
                text(
                    "SELECT count(*), count(e.target_path) FROM citation_edges e JOIN laws l "
                    "ON l.current_revision_id = e.revision_id WHERE e.kind = 'delegates' AND e.target_law_id IS NOT NULL"
                )
            )
        ).one()
    assert [(r.law_id, r.path) for r in taking_up] == [(jutaku, "MainProvision-Article_7-Paragraph_1")]
    print(f"delegations to a stored order {linked[0]}, linked to a provision {linked[1]}")
    assert 0 < linked[1] < linked[0]


async def test_a_build_split_across_processes_gives_the_same_edges(
    gold_engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large build is dealt out by law to spawned processes: the edges and linked delegations are the
    same as the one-process build the import made."""
    import egov_core.ingest.graph as graph_build

    async def not_here(*args: object, **kwargs: object) -> int:
        raise AssertionError("the build ran in this process, not split across processes")

    before = {law: await _edges(gold_engine, law) for law in GOLD_LAWS}
    async with gold_engine.begin() as conn:
        revisions = await conn.scalar(text("SELECT count(*) FROM law_revisions"))
        await conn.execute(text("UPDATE law_revisions SET citation_count = NULL"))
    monkeypatch.setattr(graph_build, "PARALLEL_MIN_LAWS", 2)
    monkeypatch.setattr(graph_build, "_build", not_here)
    assert await build_citation_graph(gold_engine, processes=2) == revisions
    assert {law: await _edges(gold_engine, law) for law in GOLD_LAWS} == before
