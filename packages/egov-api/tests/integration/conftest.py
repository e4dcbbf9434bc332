"""A real PostgreSQL database holding the whole shared corpus, served by a real Granian process.

Built once per test session: a copy of the session's one import of every law of ``laws/xml`` and
``laws/revisions`` (``full_corpus``, shared with egov-core's full-corpus test), with every court decision of the
shared data, then served.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from egov_api_testsupport import granian_server, shared_data_dir
from egov_fullcorpus import FullCorpus
from egov_testsupport import pg_templates  # noqa: F401 - the session's template databases, for the tests here

from egov_core.settings import EgovSettings
from egov_core.store import create_engine

#: Laws whose citation graph the session builds (借地借家法, 意匠法 and its 施行令).
GRAPH_LAWS = ("403AC0000000090", "334AC0000000125", "335CO0000000018")


async def _complete(url: str, data: Path) -> None:
    from egov_core.citations import resolve_case_refs
    from egov_core.ingest import ingest_cases, iter_case_sources
    from egov_core.ingest.graph import build_citation_graph

    engine = create_engine(EgovSettings(database={"url": url}))
    try:
        # The whole corpus's citation graph would cost about 3x the import: the graph tests need a few laws'
        # (their references into every other law still resolve).
        await build_citation_graph(engine, law_ids=GRAPH_LAWS)
        cases = await ingest_cases(engine, list(iter_case_sources([data / "cases"])))
        assert not cases.failed, cases.failed
        await resolve_case_refs(engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def corpus_db(full_corpus: FullCorpus) -> str:
    """URL of a database holding the full shared corpus (a copy of the session's one import of its laws, with
    the court decisions and a few laws' citation graph added; dropped at the end of the session)."""
    assert full_corpus.summary.failed == [], full_corpus.summary.failed
    _, url = full_corpus.copy_sync()
    asyncio.run(_complete(url, shared_data_dir()))
    return url


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
