"""One error boundary: a database that goes away answers 503 problem+json with Retry-After on every route.

Real PostgreSQL, the app in process (the server is not the point here). Two ways the database goes away:
the app's backends are terminated mid-request (``pg_terminate_backend`` while the request waits on a
lock), and the whole server is stopped under the running app (a throwaway cluster), then started again.
"""

from __future__ import annotations

import asyncio

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information
import httpx
import pytest
from egov_api_smallcorpus import small_corpus
from egov_api_testsupport import in_process_client
from egov_testsupport import PgTemplates, ThrowawayCluster, load_laws
from sqlalchemy.engine import make_url

from egov_api.app import create_app
from egov_core.settings import EgovSettings
from egov_core.store import migrate

pytestmark = pytest.mark.integration

#: 民法 (citations, articles) and 国家賠償法 (small): what the throwaway cluster gets; the other test uses the
#: small corpus (these two laws and more).
LAWS = ("129AC0000000089", "322AC0000000125")
CORE_TABLES = "laws, law_revisions, provisions, search_units, cases, case_law_refs"

#: (method, path, JSON body): routes that read the database, each of which must answer 503 when it is gone.
ROUTES: list[tuple[str, str, dict[str, object] | None]] = [
    ("GET", "/v1/search?q=損害賠償", None),
    ("POST", "/v1/citations", {"text": "民法第七百九条の規定により"}),
    ("GET", "/v1/resolve?q=民法第七百九条", None),
    ("GET", "/v1/search/cases?q=損害賠償", None),
    ("GET", "/v1/laws", None),
    ("GET", "/v1/laws/129AC0000000089", None),
    ("GET", "/v1/laws/129AC0000000089/articles/709", None),
    ("GET", "/v1/cases", None),
]


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _load(url: str) -> None:
    await migrate(url)
    await load_laws(LAWS)(url)


@pytest.fixture(scope="module")
async def small_db(pg_templates: PgTemplates) -> str:
    """A copy of the small corpus (dropped at session end)."""
    return await small_corpus(pg_templates)


#: Readiness tells why it is not ready only to the ops token.
OPS_TOKEN = "ops-test-token"


def _settings(url: str) -> EgovSettings:
    return EgovSettings(database={"url": url, "connect_retries": 0}, api={"ops_token": OPS_TOKEN})


async def _send(client: httpx.AsyncClient, method: str, path: str, body: dict[str, object] | None) -> httpx.Response:
    return await client.request(method, path, json=body)


def _assert_unavailable(r: httpx.Response, route: str) -> None:
    assert r.status_code == 503, f"{route}: {r.status_code} {r.text}"
    assert r.headers["content-type"].startswith("application/problem+json"), route
    assert r.json()["type"] == "/problems/storage-unavailable", route
    assert int(r.headers["retry-after"]) > 0, route
    for leak in ("asyncpg", "sqlalchemy", "select "):
        assert leak not in r.text.lower(), route


async def _terminate_waiting_backends(
    admin: asyncpg.Connection, database: str, request: asyncio.Task[httpx.Response], route: str
) -> None:
    """Terminate the app's backends of ``database`` once one waits on a lock (the request is mid-flight)."""
    deadline = asyncio.get_running_loop().time() + 60
    while not request.done() and asyncio.get_running_loop().time() < deadline:
        killed = await admin.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = $1 AND application_name = 'egov' AND wait_event_type = 'Lock'",
            database,
        )
        if killed:
            return
        await asyncio.sleep(0.01)
    outcome = request.result().status_code if request.done() else "still running"
    raise AssertionError(f"{route}: the request never waited on the database ({outcome})")


async def test_backend_terminated_mid_request_is_503_on_every_route(small_db: str) -> None:
    database = make_url(small_db).database
    assert database is not None
    # Two admin connections: inside the locking transaction pg_stat_activity is a snapshot taken once.
    admin = await asyncpg.connect(_libpq(small_db))
    killer = await asyncpg.connect(_libpq(small_db))
    try:
        async with in_process_client(create_app(_settings(small_db))) as client:
            for method, path, body in ROUTES:
                # Hold every core table: the request blocks inside its first statement, where it is killed.
                lock = admin.transaction()
                await lock.start()
                await admin.execute(f"LOCK TABLE {CORE_TABLES} IN ACCESS EXCLUSIVE MODE")
                request = asyncio.create_task(_send(client, method, path, body))
                try:
                    await _terminate_waiting_backends(killer, database, request, f"{method} {path}")
                finally:
                    await lock.rollback()
                _assert_unavailable(await request, f"{method} {path}")
            # The pool heals: the next request gets a fresh connection.
            r = await client.get("/v1/search", params={"q": "損害賠償"})
            assert r.status_code == 200, r.text
            assert r.json()["items"]
    finally:
        await admin.close()
        await killer.close()


async def test_stopped_database_is_503_then_recovers() -> None:
    cluster = await asyncio.to_thread(ThrowawayCluster)
    await asyncio.to_thread(cluster.start)
    try:
        await _load(cluster.url)
        async with in_process_client(create_app(_settings(cluster.url))) as client:
            # Not one of ROUTES: a cached answer would (rightly) still be served with the database down.
            assert (await client.get("/v1/laws/322AC0000000125")).status_code == 200
            await asyncio.to_thread(cluster.stop)
            for method, path, body in ROUTES:
                _assert_unavailable(await _send(client, method, path, body), f"{method} {path}")
            assert (await client.get("/health")).status_code == 200
            ready = await client.get("/health/ready", headers={"authorization": f"Bearer {OPS_TOKEN}"})
            assert ready.status_code == 503
            assert ready.json()["database"]["status"] == "down"
            await asyncio.to_thread(cluster.start)
            r = await client.get("/v1/search", params={"q": "国家賠償"})
            assert r.status_code == 200, r.text
    finally:
        await asyncio.to_thread(cluster.remove)
