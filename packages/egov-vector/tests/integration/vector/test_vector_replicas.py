"""The Full edition's vector retrieval reads through ``Database.reads`` like keyword search: a real streaming
standby serves semantic and hybrid search, a standby behind the required data_version is skipped, and a
stopped one costs no 5xx.

A throwaway primary made from the embedded PostgreSQL's own binaries (16, with pgvector) and a hot standby of
it made with ``pg_basebackup`` (egov_testsupport's ThrowawayCluster and ThrowawayStandby, as the API's replica
tests use); the app runs in process. Which server ran the nearest-neighbour scan is read from each server's own
table statistics of ``vector_chunks`` (a hot standby counts the scans it runs itself).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information
import httpx
import pytest
from egov_api_testsupport import in_process_client
from egov_testsupport import ThrowawayCluster, ThrowawayStandby, embedded_bindir, libpq

from egov_api.app import create_app
from egov_core.ingest import ingest_laws
from egov_core.settings import EgovSettings
from egov_core.store import Database, ReplicaSet, bump_data_version, create_engine, migrate
from egov_vector import DeterministicEmbedder, backfill
from egov_vector.db.migrate import migrate_vector

pytestmark = [pytest.mark.integration, pytest.mark.vector]

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SHAKUCHI = "403AC0000000090"  # 借地借家法
DIMENSION = 48
SEMANTIC = "/v1/search/semantic?q=借地権の存続期間&law_id=" + SHAKUCHI
HYBRID = "/v1/search/hybrid?q=建物の賃貸借の更新"


@dataclass
class Replication:
    primary: ThrowawayCluster
    standby: ThrowawayStandby


@pytest.fixture(scope="module")
async def replication() -> AsyncIterator[Replication]:
    """A pgvector primary holding the fixture laws and their vectors, and a streaming hot standby of it."""
    primary = await asyncio.to_thread(ThrowawayCluster, embedded_bindir())
    try:
        await asyncio.to_thread(primary.start)
        engine = create_engine(EgovSettings(database={"url": primary.url, "statement_timeout_ms": 120_000}))
        try:
            await migrate(engine)
            await migrate_vector(engine)
            summary = await ingest_laws(engine, sorted((FIXTURES / "laws").glob("*.xml")), workers=1)
            assert not summary.failed, summary.failed
            await backfill(engine, DeterministicEmbedder(DIMENSION))
        finally:
            await engine.dispose()
        standby = await asyncio.to_thread(ThrowawayStandby, primary)
        await asyncio.to_thread(standby.start)
        yield Replication(primary, standby)
        await asyncio.to_thread(standby.stop)
    finally:
        await asyncio.to_thread(primary.remove)


def _settings(replication: Replication) -> EgovSettings:
    return EgovSettings(
        database={
            "url": replication.primary.url,
            "read_url": replication.standby.url,
            "connect_retries": 0,
            "read_retry_s": 0.3,
            "read_pool_size": 2,
            "read_max_overflow": 2,
        },
        cache={"enabled": False, "version_poll_s": 0.1},
        # The load below is a dozen vector searches at once: shedding them (503 server-busy, the default four
        # heavy requests at a time) is not what this module tests.
        api={"heavy_concurrency": 16},
        vector={"backend": "deterministic", "deterministic_dimension": DIMENSION},
    )


def _database(client: httpx.AsyncClient) -> Database:
    transport = client._transport
    assert isinstance(transport, httpx.ASGITransport)
    database: Database = transport.app.state.egov.database  # type: ignore[attr-defined]
    return database


def _replicas(client: httpx.AsyncClient) -> ReplicaSet:
    replicas = _database(client).replicas
    assert replicas is not None
    return replicas


async def _vector_scans(url: str) -> int:
    """Scans of ``vector_chunks`` this server ran itself (sequential + index), from its own statistics."""
    conn = await asyncpg.connect(libpq(url))
    try:
        return int(
            await conn.fetchval(
                "SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0) FROM pg_stat_user_tables "
                "WHERE relname = 'vector_chunks'"
            )
        )
    finally:
        await conn.close()


async def _until_more(url: str, than: int, what: str, timeout_s: float = 15.0) -> None:
    # Backends flush their table statistics when they go idle (at most once a second): poll.
    deadline = asyncio.get_running_loop().time() + timeout_s
    while await _vector_scans(url) <= than:
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


async def _items(client: httpx.AsyncClient, path: str) -> list[tuple[str, str, float]]:
    r = await client.get(path)
    assert r.status_code == 200, r.text
    return [(h["law_id"], h["path"], h["score"]) for h in r.json()["items"]]


async def test_semantic_and_hybrid_search_read_the_standby(replication: Replication) -> None:
    async with in_process_client(create_app(_settings(replication))) as client:
        [replica] = _replicas(client).replicas
        standby_scans = await _vector_scans(replication.standby.url)
        primary_scans = await _vector_scans(replication.primary.url)
        reads = replica.reads
        semantic = await _items(client, SEMANTIC)
        hybrid = await _items(client, HYBRID)
        assert semantic
        assert hybrid
        assert replica.reads >= reads + 2
        await _until_more(replication.standby.url, standby_scans, "the standby to count the vector scans")
        assert await _vector_scans(replication.primary.url) == primary_scans, "vector retrieval read the primary"

        # The same answers as from the primary: a standby is a copy, not another ranking.
        direct = EgovSettings(
            database={"url": replication.primary.url},
            cache={"enabled": False},
            vector={"backend": "deterministic", "deterministic_dimension": DIMENSION},
        )
        async with in_process_client(create_app(direct)) as primary_client:
            assert await _items(primary_client, SEMANTIC) == semantic
            assert await _items(primary_client, HYBRID) == hybrid


async def test_a_standby_behind_the_data_version_is_skipped(replication: Replication) -> None:
    standby_admin = await asyncpg.connect(libpq(replication.standby.url))
    try:
        async with in_process_client(create_app(_settings(replication))) as client:
            [replica] = _replicas(client).replicas
            expected = await _items(client, SEMANTIC)
            await standby_admin.execute("SELECT pg_wal_replay_pause()")
            primary = create_engine(EgovSettings(database={"url": replication.primary.url}))
            try:
                async with Database(primary).write() as conn:
                    published = await bump_data_version(conn)
            finally:
                await primary.dispose()
            state = client._transport.app.state.egov  # type: ignore[attr-defined]
            deadline = asyncio.get_running_loop().time() + 15
            while state.cache.data_version != published:
                assert asyncio.get_running_loop().time() < deadline, "the app did not learn the new data_version"
                await asyncio.sleep(0.05)
            behind = replica.behind
            primary_scans = await _vector_scans(replication.primary.url)
            assert await _items(client, SEMANTIC) == expected
            assert replica.behind > behind, "the lagging standby was not skipped"
            await _until_more(replication.primary.url, primary_scans, "the primary to serve the vector scan")
    finally:
        await standby_admin.execute("SELECT pg_wal_replay_resume()")
        await standby_admin.close()


async def test_a_stopped_standby_costs_no_5xx(replication: Replication) -> None:
    async with in_process_client(create_app(_settings(replication))) as client:
        [replica] = _replicas(client).replicas
        expected = await _items(client, SEMANTIC)
        paths = [SEMANTIC, HYBRID, "/v1/search/semantic?q=建物の賃貸借", "/v1/search/hybrid?q=借地権"] * 3

        failed: list[str] = []

        async def load() -> list[int]:
            answers = await asyncio.gather(*(client.get(p) for p in paths))
            failed.extend(f"{r.status_code} {r.url.path}: {r.text[:300]}" for r in answers if r.status_code >= 500)
            return [r.status_code for r in answers]

        loaded = asyncio.create_task(load())
        await asyncio.sleep(0.02)
        await asyncio.to_thread(replication.standby.stop)
        statuses = await loaded
        statuses += await load()
        assert max(statuses) < 500, failed
        assert replica.failures >= 1
        assert await _items(client, SEMANTIC) == expected  # from the primary now
        await asyncio.to_thread(replication.standby.start)
