"""Precision and recall of citation resolution on hand-checked citations from real text.

``citation_gold.tsv``: the 参照法条 parts of the shared decisions, sentences of their 判示事項 / 裁判要旨
that cite statutes, lawqa_jp questions that cite articles, running-text forms (glued words, 同法 after
a bare law name, a bare article near one law, pre-amendment text), and every reference in the paragraphs
of 借地借家法 read in their own context (前項, 前二項, 同条, ranges, lists across parentheticals,
references into 民法 / 民事訴訟法 / 非訟事件手続法). Each row is one citation with what it
must resolve to in this store (the 18 laws of the search fixture), empty when the store holds nothing
it may resolve to, or ``historical``. Every row was checked by hand against the text and the statute.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.citations import CitationContext, ResolutionStatus, SqlLawDirectory, extract_and_resolve

pytestmark = pytest.mark.integration

GOLD = Path(__file__).with_name("citation_gold.tsv")


def _gold() -> list[tuple[str, ...]]:
    rows = []
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            rows.append(tuple((line.split("\t") + [""] * 7)[:7]))
    return rows


async def test_precision_and_recall(search_engine: AsyncEngine) -> None:
    directory = SqlLawDirectory(search_engine)
    rows = _gold()
    assert len(rows) >= 300
    cache: dict[tuple[str, str], dict[str, tuple[ResolutionStatus, str | None, str | None]]] = {}
    claimed = correct = expected = 0
    wrong = []
    for src, text, citation, law_id, path, context_law, context_path in rows:
        key = (text, context_path)
        if key not in cache:
            ctx = CitationContext(law_id=context_law, path=context_path) if context_law else None
            found = await extract_and_resolve(text, directory, ctx)
            # A citation written twice in one text: the gold row holds the first reading.
            cache[key] = {}
            for m, r in found:
                cache[key].setdefault(m.text, (r.status, r.law_id, r.path))
        got = cache[key].get(citation)
        status, got_law, got_path = got if got else (ResolutionStatus.NOT_FOUND, None, None)
        answer = "historical" if status is ResolutionStatus.HISTORICAL else got_path
        claims = status in (ResolutionStatus.RESOLVED, ResolutionStatus.HISTORICAL) and got_law is not None
        claimed += claims
        expected += bool(law_id)
        if law_id and claims and (got_law, answer) == (law_id, path):
            correct += 1
        elif claims or law_id:
            wrong.append((src, citation, law_id, path, got_law, answer))
    precision = correct / claimed
    recall = correct / expected
    print(
        f"citations {len(rows)}, resolvable {expected}, claimed {claimed}, correct {correct}: "
        f"precision {precision:.3f}, recall {recall:.3f}"
    )
    assert precision >= 0.98, wrong
    assert recall >= 0.95, wrong
