"""A real PostgreSQL database holding the whole shared corpus, served by a real Granian process.

Built once per test session: a fresh database on the test server, migrated, loaded with every law of
``laws/xml`` and ``laws/revisions`` and every court decision of the shared data, then served.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from egov_api_testsupport import drop_database, granian_server, new_database_url, shared_data_dir
from egov_testsupport import pg_templates  # noqa: F401 - the session's template databases, for the tests here

from egov_core.settings import EgovSettings
from egov_core.store import create_engine, migrate

#: Laws whose citation graph the session builds (借地借家法, 意匠法 and its 施行令).
GRAPH_LAWS = ("403AC0000000090", "334AC0000000125", "335CO0000000018")


async def _load(url: str, data: Path) -> None:
    from egov_core.citations import resolve_case_refs
    from egov_core.ingest import ingest_cases, ingest_laws, iter_case_sources, iter_law_sources
    from egov_core.ingest.graph import build_citation_graph

    await migrate(url)
    engine = create_engine(EgovSettings(database={"url": url}))
    try:
        sources = list(iter_law_sources([data / "laws" / "xml", data / "laws" / "revisions"]))
        # The whole corpus's citation graph would cost about as much again as the import: the graph tests
        # need a few laws' (their references into every other law still resolve).
        laws = await ingest_laws(engine, sources, citation_graph=False)
        assert not laws.failed, laws.failed
        await build_citation_graph(engine, law_ids=GRAPH_LAWS)
        cases = await ingest_cases(engine, list(iter_case_sources([data / "cases"])))
        assert not cases.failed, cases.failed
        await resolve_case_refs(engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def corpus_db() -> Iterator[str]:
    """URL of a database holding the full shared corpus (dropped at the end of the session)."""
    data = shared_data_dir()
    if not (data / "laws" / "xml").is_dir():
        pytest.skip(f"shared data not found at {data} (set EGOV_SHARED_DATA)")
    name, url = new_database_url()
    try:
        asyncio.run(_load(url, data))
        yield url
    finally:
        drop_database(name)


@pytest.fixture(scope="session")
def server(request: pytest.FixtureRequest) -> Iterator[str]:
    """Base URL of Granian serving the app over the corpus database, or ``EGOV_TEST_API_URL`` when set
    (``nox -s stack`` / ``stack-native`` run these tests against the compose stack or a native one)."""
    if external := os.environ.get("EGOV_TEST_API_URL"):
        yield external
        return
    corpus_db = request.getfixturevalue("corpus_db")
    with granian_server({"EGOV_DATABASE__URL": corpus_db}) as base:
        yield base


@pytest.fixture(scope="session")
def http(server: str) -> Iterator[httpx.Client]:
    """An HTTP client on the served app."""
    with httpx.Client(base_url=server, timeout=30) as client:
        yield client
