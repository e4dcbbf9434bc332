"""Read replicas against a real streaming standby: reads routed, a lagging replica serves no stale body under
a new ETag, a replica stopped or cut under load costs no 5xx.

A throwaway primary cluster and a hot standby made from it with ``pg_basebackup -R`` on another free port
(egov_testsupport's ThrowawayCluster and ThrowawayStandby), both private to this module; the app runs in process (the server is not the point). 334AC0000000121 has two revisions in
the shared data: the first is imported before the standby is made, the second is published while the
standby's replay is paused.
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
from egov_testsupport import ThrowawayCluster, ThrowawayStandby, libpq, shared_data_dir
from sqlalchemy import text

from egov_api.app import create_app
from egov_core.settings import EgovSettings
from egov_core.store import Database, ReplicaSet, bump_data_version, create_engine, migrate

pytestmark = pytest.mark.integration

LAW = "334AC0000000121"
OLD = "334AC0000000121_20150801_000000000000000"
NEW = "334AC0000000121_20260524_504AC0000000048"
OPS_TOKEN = "ops-test-token"
#: Words only NEW has (its 手続補完書 provisions), and an article only NEW has (第三十八条の三).
NEW_WORDS = "/v1/search?q=手続補完書&mode=boolean"
NEW_ARTICLE = "/v1/resolve?q=特許法第三十八条の三"


def _revision_file(revision_id: str) -> Path:
    path: Path = shared_data_dir() / "laws" / "revisions" / LAW / revision_id / f"{revision_id}.xml"
    if not path.is_file():
        pytest.skip(f"shared data not found at {path} (set EGOV_SHARED_DATA)")
    return path


@dataclass
class Replication:
    primary: ThrowawayCluster
    standby: ThrowawayStandby


async def _import(url: str, revision_id: str) -> None:
    from egov_core.ingest import ingest_laws

    engine = create_engine(EgovSettings(database={"url": url}))
    try:
        summary = await ingest_laws(engine, [_revision_file(revision_id)], workers=1)
        assert not summary.failed, summary.failed
    finally:
        await engine.dispose()


async def _data_version(url: str) -> int:
    conn = await asyncpg.connect(libpq(url))
    try:
        return int(await conn.fetchval("SELECT value FROM meta WHERE key = 'data_version'"))
    finally:
        await conn.close()


async def _until(check: object, what: str, timeout_s: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not await check():  # type: ignore[operator]
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


@pytest.fixture(scope="module")
async def replication() -> AsyncIterator[Replication]:
    """A primary holding the first revision of LAW and a streaming hot standby of it (both removed at the end)."""
    _revision_file(OLD)
    primary = await asyncio.to_thread(ThrowawayCluster)
    try:
        await asyncio.to_thread(primary.start)
        await migrate(primary.url)
        await _import(primary.url, OLD)
        standby = await asyncio.to_thread(ThrowawayStandby, primary)
        await asyncio.to_thread(standby.start)
        yield Replication(primary, standby)
        await asyncio.to_thread(standby.stop)
    finally:
        await asyncio.to_thread(primary.remove)


def _settings(replication: Replication, *, cache: bool, pooled: bool = False) -> EgovSettings:
    return EgovSettings(
        database={
            "url": replication.primary.url,
            "read_url": replication.standby.url,
            "connect_retries": 0,
            "read_retry_s": 0.3,
            "read_pool_size": 2,
            "read_max_overflow": 2,
            "read_pooled": pooled,
        },
        cache={"enabled": cache, "version_poll_s": 0.1},
        api={"ops_token": OPS_TOKEN},
    )


def _replicas(client: httpx.AsyncClient) -> ReplicaSet:
    transport = client._transport
    assert isinstance(transport, httpx.ASGITransport)
    database = transport.app.state.egov.database  # type: ignore[attr-defined]
    assert database is not None
    assert database.replicas is not None
    replicas: ReplicaSet = database.replicas
    return replicas


async def _egov_read_backends(url: str) -> int:
    conn = await asyncpg.connect(libpq(url))
    try:
        return int(await conn.fetchval("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'egov-read'"))
    finally:
        await conn.close()


async def test_reads_routed_and_a_lagging_replica_serves_no_stale_body(replication: Replication) -> None:
    standby_admin = await asyncpg.connect(libpq(replication.standby.url))
    try:
        async with in_process_client(create_app(_settings(replication, cache=True))) as client:
            replicas = _replicas(client)
            [replica] = replicas.replicas
            first = await client.get(f"/v1/laws/{LAW}")
            assert first.status_code == 200, first.text
            assert first.json()["revision"]["law_revision_id"] == OLD
            assert replica.reads >= 1
            # The read came from the standby's own backends, not the primary's (egov-read is the replica pool).
            assert await _egov_read_backends(replication.standby.url) >= 1
            assert await _egov_read_backends(replication.primary.url) == 0
            # Keyword search and the citation resolver (its name index and provision lookups) read there too.
            reads = replica.reads
            old_search = await client.get(NEW_WORDS)
            assert old_search.status_code == 200, old_search.text
            assert old_search.json()["page"]["total"] == 0
            old_resolve = await client.get(NEW_ARTICLE)
            assert old_resolve.status_code == 200, old_resolve.text
            assert old_resolve.json()["resolution"]["status"] == "not_found"
            assert replica.reads >= reads + 2
            assert await _egov_read_backends(replication.primary.url) == 0

            # Replay paused: the standby keeps the old revision while the primary publishes the new one.
            await standby_admin.execute("SELECT pg_wal_replay_pause()")
            before = await _data_version(replication.primary.url)
            await _import(replication.primary.url, NEW)
            published = await _data_version(replication.primary.url)
            assert published > before
            assert await _data_version(replication.standby.url) == before  # really lagging
            state = client._transport.app.state.egov

            async def watcher_caught_up() -> bool:
                return bool(state.cache.data_version == published)

            await _until(watcher_caught_up, "the app to learn the new data_version")
            behind = replica.behind
            answers = await asyncio.gather(*(client.get(f"/v1/laws/{LAW}") for _ in range(8)))
            for r in answers:
                assert r.status_code == 200, r.text
                assert r.json()["revision"]["law_revision_id"] == NEW, "stale body served"
                assert r.headers["etag"] != first.headers["etag"]
            assert replica.behind > behind, "the lagging replica was not skipped"
            # A revalidation with the old ETag is not answered 304: the old body is not current any more.
            again = await client.get(f"/v1/laws/{LAW}", headers={"if-none-match": first.headers["etag"]})
            assert again.status_code == 200
            # Search and resolve too: the lagging standby is skipped, the primary finds what NEW added.
            behind = replica.behind
            search = await client.get(NEW_WORDS)
            assert search.status_code == 200, search.text
            assert search.json()["page"]["total"] > 0, "stale search served"
            assert {h["law_id"] for h in search.json()["items"]} == {LAW}
            assert search.headers["etag"] != old_search.headers["etag"]
            resolved = await client.get(NEW_ARTICLE)
            assert resolved.status_code == 200, resolved.text
            assert resolved.json()["resolution"]["status"] == "resolved", "stale resolution served"
            assert resolved.json()["resolution"]["path"] == "MainProvision-Article_38_3"
            assert resolved.headers["etag"] != old_resolve.headers["etag"]
            assert replica.behind > behind

            # Replay resumed: once the standby has the new data_version it serves reads again.
            await standby_admin.execute("SELECT pg_wal_replay_resume()")

            async def standby_caught_up() -> bool:
                return await _data_version(replication.standby.url) == published

            await _until(standby_caught_up, "the standby to replay the publish")
            reads = replica.reads
            toc = await client.get(f"/v1/laws/{LAW}/toc")
            assert toc.status_code == 200, toc.text
            assert replica.reads > reads
            reads = replica.reads
            caught_up = await client.get("/v1/search?q=手続補完&mode=boolean")  # not cached yet
            assert caught_up.status_code == 200
            assert caught_up.json()["page"]["total"] > 0
            assert replica.reads > reads
            scrape = await client.get("/metrics", headers={"authorization": f"Bearer {OPS_TOKEN}"})
            assert f'egov_db_replica{{replica="{replica.name}",stat="reads"}} {float(replica.reads)}' in scrape.text
            assert f'egov_db_replica{{replica="{replica.name}",stat="up"}} 1.0' in scrape.text
    finally:
        await standby_admin.execute("SELECT pg_wal_replay_resume()")
        await standby_admin.close()


async def test_replica_stopped_under_load_costs_no_5xx(replication: Replication) -> None:
    app = create_app(_settings(replication, cache=False))
    async with in_process_client(app) as client:
        replicas = _replicas(client)
        [replica] = replicas.replicas
        paths = [f"/v1/laws/{LAW}/articles/{n}" for n in range(1, 25)] + [f"/v1/laws/{LAW}", f"/v1/laws/{LAW}/toc"]
        # Keyword search (Boolean and ranked) and citation resolution fall back the same way.
        paths += ["/v1/search?q=特許出願", "/v1/search?q=特許を受ける権利は誰のものか", "/v1/resolve?q=特許法第三十条"]
        warm = await client.get(f"/v1/laws/{LAW}")
        assert warm.status_code == 200
        assert replica.reads >= 1

        # Backends cut under the pool: the next reads find dead connections, and still answer.
        conn = await asyncpg.connect(libpq(replication.standby.url))
        try:
            await conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'egov-read'"
            )
        finally:
            await conn.close()
        statuses = [r.status_code for r in await asyncio.gather(*(client.get(p) for p in paths))]
        assert max(statuses) < 500, statuses

        # The standby stopped while requests are in flight: every one answers, from the primary if need be.
        async def load(rounds: int) -> list[int]:
            out: list[int] = []
            for _ in range(rounds):
                out += [r.status_code for r in await asyncio.gather(*(client.get(p) for p in paths))]
            return out

        loaded = asyncio.create_task(load(3))
        await asyncio.sleep(0.05)
        await asyncio.to_thread(replication.standby.stop)
        statuses = await loaded
        statuses += await load(2)
        assert max(statuses) < 500, sorted(set(statuses))
        assert 200 in statuses
        assert replica.failures >= 1
        assert replica.down_until > 0

        # Back up: after read_retry_s one read tries it again, and it serves reads once more.
        await asyncio.to_thread(replication.standby.start)
        reads = replica.reads

        async def replica_serves() -> bool:
            assert (await client.get(f"/v1/laws/{LAW}/toc")).status_code == 200
            return replica.reads > reads

        await _until(replica_serves, "the restarted replica to serve reads again")


async def test_behind_a_transaction_pooler_every_read_checks_in_its_own_transaction(replication: Replication) -> None:
    standby_admin = await asyncpg.connect(libpq(replication.standby.url))
    try:
        async with in_process_client(create_app(_settings(replication, cache=False, pooled=True))) as client:
            [replica] = _replicas(client).replicas
            assert (await client.get(f"/v1/laws/{LAW}/toc")).status_code == 200
            assert replica.reads >= 1
            # One read block is one REPEATABLE READ transaction (a pooler keeps it on one server): now() is
            # the transaction's start, the same for every statement of the block.
            database: Database = client._transport.app.state.egov.database
            async with database.read() as conn:
                first_now = (await conn.execute(text("SELECT now()"))).scalar_one()
                await asyncio.sleep(0.01)
                second_now = (await conn.execute(text("SELECT now()"))).scalar_one()
                isolation = (await conn.execute(text("SHOW transaction_isolation"))).scalar_one()
                port = (await conn.execute(text("SELECT inet_server_port()"))).scalar_one()
            assert first_now == second_now
            assert isolation == "repeatable read"
            assert port == replication.standby.port
            await standby_admin.execute("SELECT pg_wal_replay_pause()")
            primary = create_engine(EgovSettings(database={"url": replication.primary.url}))
            try:
                async with Database(primary).write() as conn:
                    published = await bump_data_version(conn)
            finally:
                await primary.dispose()
            state = client._transport.app.state.egov

            async def watcher_caught_up() -> bool:
                return bool(state.cache.data_version == published)

            await _until(watcher_caught_up, "the app to learn the new data_version")
            behind, reads = replica.behind, replica.reads
            assert (await client.get(f"/v1/laws/{LAW}/toc")).status_code == 200
            assert replica.behind == behind + 1
            assert replica.reads == reads
            await standby_admin.execute("SELECT pg_wal_replay_resume()")

            async def replica_serves() -> bool:
                assert (await client.get(f"/v1/laws/{LAW}/toc")).status_code == 200
                return replica.reads > reads

            await _until(replica_serves, "the standby to serve reads after replay resumed")
    finally:
        await standby_admin.execute("SELECT pg_wal_replay_resume()")
        await standby_admin.close()


def test_no_replica_configured_means_no_replica_set() -> None:
    assert ReplicaSet.from_settings(EgovSettings(), required=lambda: 0) is None
