"""The one-statement read behind uncached article and provision GETs gives exactly the view the three-query
read gives (current revision, subtree, neighbours), for every provision of real laws: articles of the main
provision and of 附則 (separate sequences), paragraphs and items (siblings only), chapters, 別表, and a law with
an older revision stored beside its current one."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from egov_api_testsupport import drop_database, new_database_url, shared_data_dir
from sqlalchemy import text

from egov_api.routes.provisions import current_provision_view, provision_view
from egov_core.settings import EgovSettings
from egov_core.store import Database, create_engine, current_provision_context, migrate, resolve_revision

pytestmark = pytest.mark.integration

#: 日本国憲法, 労働基準法, 特許法 (two revisions), 民法 (sampled: ~5,000 provisions).
LAWS = ("321CONSTITUTION", "322AC0000000049", "334AC0000000121", "129AC0000000089")
PATENT_REVISIONS = ("334AC0000000121_20150801_000000000000000", "334AC0000000121_20260524_504AC0000000048")


@pytest.fixture(scope="module")
async def database() -> AsyncIterator[Database]:
    from egov_core.ingest import ingest_laws

    data = shared_data_dir()
    files = [data / "laws" / "xml" / f"{law}.xml" for law in LAWS]
    revisions = data / "laws" / "revisions" / LAWS[2]
    files += [revisions / rev / f"{rev}.xml" for rev in PATENT_REVISIONS]
    if not all(f.is_file() for f in files):
        pytest.skip(f"shared data not found at {data} (set EGOV_SHARED_DATA)")
    name, url = await asyncio.to_thread(new_database_url)
    engine = create_engine(EgovSettings(database={"url": url}))
    try:
        await migrate(url)
        summary = await ingest_laws(engine, files, citation_graph=False)
        assert not summary.failed, summary.failed
        database = Database(engine)
        yield database
        await database.dispose()
    finally:
        await engine.dispose()
        await asyncio.to_thread(drop_database, name)


async def _paths(database: Database, law_id: str) -> list[str]:
    async with database.read() as conn:
        rows = await conn.execute(
            text(
                "SELECT p.path FROM provisions p JOIN laws l ON p.revision_id = l.current_revision_id "
                "WHERE l.law_id = :law ORDER BY p.position"
            ),
            {"law": law_id},
        )
        return [r.path for r in rows]


@pytest.mark.parametrize("law_id", LAWS)
async def test_one_statement_gives_the_three_query_view(database: Database, law_id: str) -> None:
    paths = await _paths(database, law_id)
    if law_id == "129AC0000000089":
        paths = paths[::7]
    assert len(paths) > 50
    kinds: set[str] = set()
    async with database.read() as conn:
        rev = await resolve_revision(conn, law_id)
        for path in paths:
            fast = await current_provision_view(conn, law_id, path)
            slow = await provision_view(conn, law_id, rev, path, pinned=False)
            assert fast is not None, path
            assert fast.model_dump_json() == slow.model_dump_json(), path
            kinds.add(fast.kind)
    assert {"Article", "Paragraph"} <= kinds
    if law_id == "322AC0000000049":
        assert {"Item", "Chapter", "SupplProvision"} <= kinds


async def test_current_revision_and_missing_provisions(database: Database) -> None:
    async with database.read() as conn:
        context = await current_provision_context(conn, "334AC0000000121", "MainProvision-Article_38_3")
        assert context is not None
        assert context.revision.law_revision_id == PATENT_REVISIONS[1]  # the current one, not the older
        assert context.revision.is_current
        # A missing law or provision: None (the three-query read then says which is missing).
        for law_id, path in [
            ("999AC9999999999", "MainProvision-Article_1"),
            ("129AC0000000089", "MainProvision-Article_99999"),
            ("129AC0000000089", "MainProvision-Article_709-Paragraph_1-Item_1"),
        ]:
            assert await current_provision_context(conn, law_id, path) is None, path
