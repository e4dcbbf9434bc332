"""The whole shared corpus: every file parses, every revision's Article/Paragraph/Item count equals XPath."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from egov_fullcorpus import FullCorpus
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.ingest import SourceItem, ingest_laws, iter_law_sources
from egov_core.settings import EgovSettings
from egov_core.store import create_engine, get_data_version

pytestmark = [pytest.mark.integration, pytest.mark.slow]


async def test_full_corpus_counts_match_xpath_and_reimport_is_noop(
    full_corpus: FullCorpus, count_elements: Callable[[bytes], Counter[str]]
) -> None:
    # The session's one import of the whole corpus (egov-api's served corpus is a copy of it): checked here.
    items = list(iter_law_sources(full_corpus.sources))
    assert len(items) == 1300 + 66  # 1,300 bulk files + 66 revision XMLs (their 16 JSON twins skipped)
    summary = full_corpus.summary
    print(f"\n{summary.format()}")
    assert summary.failed == []
    assert summary.imported == len(items)

    engine = create_engine(EgovSettings(database={"url": await full_corpus.copy()}))
    try:
        await _check(engine, full_corpus.sources, items, count_elements)
    finally:
        await engine.dispose()


async def _check(
    engine: AsyncEngine, sources: list[Path], items: list[SourceItem], count_elements: Callable[[bytes], Counter[str]]
) -> None:
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT r.source_name, p.kind, count(*) FROM provisions p JOIN law_revisions r ON r.id = p.revision_id "
                "WHERE p.kind IN ('Article', 'Paragraph', 'Item') GROUP BY 1, 2"
            )
        )
        stored: dict[str, Counter[str]] = {}
        for source, kind, n in rows:
            stored.setdefault(source, Counter())[kind] = n
    mismatches = []
    for item in items:
        expected = +count_elements(item.read())
        if stored.get(item.name, Counter()) != expected:
            mismatches.append((item.name, dict(expected), dict(stored.get(item.name, Counter()))))
    assert mismatches == []

    version = await get_data_version(engine)
    again = await ingest_laws(engine, sources, workers=2, citation_graph=False)  # the graph: bench_graph
    assert (again.imported, again.unchanged, again.failed) == (0, len(items), [])
    assert await get_data_version(engine) == version
