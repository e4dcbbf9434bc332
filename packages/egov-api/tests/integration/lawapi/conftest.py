"""One small migrated store for every test of the e-Gov-compatible surfaces (and the MCP server): a few real
laws of the shared corpus, imported by the real pipeline, served in-process (ASGI) with its lifespan."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from egov_api_testsupport import drop_database, granian_server, new_database_url, shared_data_dir
from lawapi_contract import ContractValidator, load_contract

from egov_api.app import create_app
from egov_api.lifespan import lifespan_of
from egov_core.settings import EgovSettings
from egov_core.store import create_engine, migrate

#: 国旗国歌法 (in the recorded e-Gov answers), 民法, 日本国憲法, 個人情報保護法 and a law with three revisions.
LAW_FILES = ("411AC0000000127", "129AC0000000089", "321CONSTITUTION", "415AC0000000057")
REVISED_LAW = "505AC0000000032"
GRAPH_LAW = "321CONSTITUTION"


def corpus_sources(data: Path) -> list[Path]:
    """The files of the small corpus (every revision of the revised law)."""
    files = [data / "laws" / "xml" / f"{law_id}.xml" for law_id in LAW_FILES]
    return [*files, data / "laws" / "revisions" / REVISED_LAW]


async def load_corpus(url: str, data: Path) -> None:
    """Migrate ``url`` and import the small corpus through the real pipeline."""
    from egov_core.ingest import ingest_laws, iter_law_sources

    await migrate(url)
    engine = create_engine(EgovSettings(database={"url": url}))
    try:
        summary = await ingest_laws(engine, list(iter_law_sources(corpus_sources(data))), citation_graph=False)
        assert not summary.failed, summary.failed
        # The citation graph of the constitution only (a few hundred references): the MCP graph tools read it.
        from egov_core.ingest.graph import build_citation_graph

        await build_citation_graph(engine, law_ids=(GRAPH_LAW,))
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def lawapi_db() -> Iterator[str]:
    """URL of a database holding the small corpus (dropped at the end of the session)."""
    data = shared_data_dir()
    if not (data / "laws" / "xml").is_dir():
        pytest.skip(f"shared data not found at {data} (set EGOV_SHARED_DATA)")
    name, url = new_database_url()
    try:
        asyncio.run(load_corpus(url, data))
        yield url
    finally:
        drop_database(name)


@pytest.fixture(scope="session")
def lawapi_settings(lawapi_db: str) -> EgovSettings:
    """Settings of the app under test (no Redis: the in-process cache tier alone)."""
    return EgovSettings(database={"url": lawapi_db}, redis={"url": None})


@pytest.fixture(scope="session")
async def api(lawapi_settings: EgovSettings) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the whole app (edge, fast path, cache, routes) in-process, its lifespan running (in a
    task of its own: a session fixture's setup and teardown run in different tasks).

    Every JSON answer of /api/2 it receives is checked against e-Gov's spec (the contract) before the test
    sees it: the answer if 200, ``error_info`` otherwise.
    """
    contract = load_contract()

    async def conforms(response: httpx.Response) -> None:
        path = response.request.url.path
        documents = path.endswith(("/openapi.json", "/docs", "/redoc"))  # our own description of the surface
        if (
            path.startswith("/api/2/")
            and not documents
            and response.headers.get("content-type", "").startswith("application/json")
        ):
            await response.aread()
            contract.check(path, response.json(), status=response.status_code)

    app = create_app(lawapi_settings)
    async with lifespan_of(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://egov.test", timeout=30, event_hooks={"response": [conforms]}
        ) as client:
            yield client


@pytest.fixture(scope="session")
def lawapi_http(lawapi_db: str) -> Iterator[str]:
    """Base URL of Granian serving the app (Lite: vector routes off) over the small corpus (real HTTP)."""
    with granian_server({"EGOV_DATABASE__URL": lawapi_db, "EGOV_VECTOR__ENABLED": "false"}) as base:
        yield base


@pytest.fixture(scope="session")
def contract() -> ContractValidator:
    """The official e-Gov v2 spec as a validator, relaxed only by the README's listed choices."""
    return load_contract()
