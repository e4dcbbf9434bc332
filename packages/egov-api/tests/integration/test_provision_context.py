"""The one-statement read behind uncached article and provision GETs gives exactly the view the three-query
read gives (current revision, subtree, neighbours), for every provision of real laws: articles of the main
provision and of 附則 (separate sequences), paragraphs and items (siblings only), chapters, 別表, and a law with
an older revision stored beside its current one."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from egov_api_testsupport import drop_database, in_process_client, new_database_url, shared_data_dir
from sqlalchemy import text

from egov_api.app import create_app
from egov_api.routes import provisions
from egov_api.routes._shortcut import ShortcutRoute
from egov_api.routes.provisions import current_provision_view, provision_view
from egov_core.settings import EgovSettings
from egov_core.store import Database, create_engine, current_provision_context, migrate, resolve_revision

pytestmark = pytest.mark.integration

#: 日本国憲法, 労働基準法, 特許法 (two revisions), 民法 (sampled: ~5,000 provisions).
LAWS = ("321CONSTITUTION", "322AC0000000049", "334AC0000000121", "129AC0000000089")
PATENT_REVISIONS = ("334AC0000000121_20150801_000000000000000", "334AC0000000121_20260524_504AC0000000048")


@pytest.fixture(scope="module")
async def database_url() -> AsyncIterator[str]:
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
        yield url
    finally:
        await engine.dispose()
        await asyncio.to_thread(drop_database, name)


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    database = Database(create_engine(EgovSettings(database={"url": database_url})))
    yield database
    await database.dispose()


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


#: Plain requests the shortcuts answer, and requests they leave to the endpoint (query strings, bad or
#: missing parameters, misses whose errors the endpoint words).
SHORTCUT_URLS = [
    "/v1/laws/129AC0000000089/articles/709",
    "/v1/laws/129AC0000000089/articles/第七百九条",
    "/v1/laws/129AC0000000089/articles/３９８の２",
    "/v1/laws/321CONSTITUTION/articles/9",
    "/v1/laws/322AC0000000049/provisions/Article_20-Paragraph_1",
    "/v1/laws/322AC0000000049/provisions/MainProvision-Chapter_2",
    "/v1/laws/322AC0000000049/provisions/SupplProvision",
    "/v1/laws/334AC0000000121/articles/38の3",
    "/v1/laws/129AC0000000089/articles/709?paragraph=1",
    "/v1/laws/129AC0000000089/articles/709?bogus=1",
    "/v1/laws/129AC0000000089/articles/99999",
    "/v1/laws/129AC0000000089/articles/abc",
    "/v1/laws/999AC9999999999/articles/1",
    "/v1/laws/x!/articles/1",
    "/v1/laws/129AC0000000089/provisions/Nonsense[[",
    "/v1/laws/129AC0000000089/provisions/" + "Article_1-" * 40,
]


async def _answers(client: httpx.AsyncClient) -> list[tuple[int, list[tuple[str, str]], bytes]]:
    out = []
    for url in SHORTCUT_URLS:
        r = await client.get(url)
        out.append((r.status_code, list(r.headers.items()), r.content))
    return out


async def test_shortcuts_answer_exactly_as_the_endpoints(database_url: str) -> None:
    settings = EgovSettings(
        database={"url": database_url}, cache={"enabled": False}, api={"rate_limit": {"enabled": False}}
    )
    app = create_app(settings)
    # The routes are the module router's (shared by every app of this process): restored below.
    routes = [r for r in provisions.router.routes if isinstance(r, ShortcutRoute) and r.shortcut]
    assert {r.path for r in routes} == {"/v1/laws/{law_id}/articles/{number}", "/v1/laws/{law_id}/provisions/{path}"}
    shortcuts = [r.shortcut for r in routes]
    try:
        async with in_process_client(app) as client:
            shortcut = await _answers(client)
            for route in routes:
                route.shortcut = None
            declared = await _answers(client)
    finally:
        for route, fn in zip(routes, shortcuts, strict=True):
            route.shortcut = fn
    assert [s for s, _, _ in shortcut] == [200] * 8 + [200, 400, 404, 422, 404, 422, 422, 422]
    for url, a, b in zip(SHORTCUT_URLS, shortcut, declared, strict=True):
        assert a == b, url
