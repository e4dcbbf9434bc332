"""The fast path over real HTTP: ETag/304, Cache-Control, single-flight and data-version invalidation."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information
import httpx
import pytest

pytestmark = pytest.mark.integration

Spawn = Callable[[dict[str, str]], AbstractContextManager[str]]


async def stats(client: httpx.AsyncClient, base: str) -> dict[str, Any]:
    r = await client.get(f"{base}/_t/stats")
    assert r.status_code == 200
    out: dict[str, Any] = r.json()
    return out


async def test_etag_304_and_cache_headers(server: str) -> None:
    law_id = f"411AC{secrets.token_hex(4)}"
    async with httpx.AsyncClient(timeout=10) as c:
        first = await c.get(f"{server}/v1/laws/{law_id}")
        assert first.status_code == 200
        etag = first.headers["etag"]
        assert etag.startswith('"')
        assert len(etag) == 34
        assert first.headers["cache-control"] == "public, max-age=300"  # client max-age cap of current URLs
        assert "x-egov-cache-kind" not in first.headers
        assert first.json()["law"]["law_info"]["law_id"] == "411AC0000000127"

        again = await c.get(f"{server}/v1/laws/{law_id}")
        assert again.content == first.content
        assert again.headers["etag"] == etag

        not_modified = await c.get(f"{server}/v1/laws/{law_id}", headers={"If-None-Match": etag})
        assert not_modified.status_code == 304
        assert not_modified.content == b""
        assert not_modified.headers["etag"] == etag

        fixed = await c.get(f"{server}/v1/laws/{law_id}", params={"revision": "r1"})
        assert fixed.headers["cache-control"] == "public, max-age=31536000, immutable"
        search = await c.get(f"{server}/v1/search", params={"q": "個人情報"})
        assert search.headers["cache-control"] == "public, max-age=60"

        s = await stats(c, server)
    assert s["counts"][f"law:{law_id}"] == 2  # plain URL once, ?revision=r1 once
    assert s["cache"]["fastpath_hits"] >= 2
    assert s["cache"]["fastpath_not_modified"] >= 1


async def test_two_hundred_concurrent_cold_requests_compute_once(server: str) -> None:
    key = secrets.token_hex(8)
    limits = httpx.Limits(max_connections=250, max_keepalive_connections=250)
    async with httpx.AsyncClient(timeout=60, limits=limits) as c:
        responses = await asyncio.gather(*(c.get(f"{server}/v1/slow/{key}") for _ in range(200)))
        assert all(r.status_code == 200 for r in responses)
        assert len({r.content for r in responses}) == 1
        assert len({r.headers["etag"] for r in responses}) == 1
        s = await stats(c, server)
    assert s["counts"][f"slow:{key}"] == 1


async def test_two_processes_stop_serving_old_bytes_after_a_version_bump(
    server_env: dict[str, str], meta_dsn: str, spawn: Spawn
) -> None:
    law_id = f"129AC{secrets.token_hex(4)}"
    with spawn(server_env) as a, spawn(server_env) as b:
        async with httpx.AsyncClient(timeout=10) as c:
            old: dict[str, bytes] = {}
            old_etag: dict[str, str] = {}
            for base in (a, b):
                for _ in range(3):
                    r = await c.get(f"{base}/v1/laws/{law_id}")
                    assert r.status_code == 200
                    old.setdefault(base, r.content)
                    old_etag.setdefault(base, r.headers["etag"])
                    assert r.content == old[base]  # served from cache
                s = await stats(c, base)
                assert s["cache"]["fastpath_hits"] >= 2
            start_version = r.json()["data_version"]

            conn = await asyncpg.connect(meta_dsn)
            try:
                async with conn.transaction():
                    new = int(
                        await conn.fetchval(
                            "UPDATE meta SET value = (value::bigint + 1)::text WHERE key = 'data_version' "
                            "RETURNING value"
                        )
                    )
                    await conn.execute("SELECT pg_notify('egov_data_version', $1)", str(new))
            finally:
                await conn.close()
            assert new == start_version + 1

            for base in (a, b):
                async with asyncio.timeout(10):  # a bound on propagation, not a performance target
                    while True:
                        r = await c.get(f"{base}/v1/laws/{law_id}")
                        if r.content != old[base]:
                            break
                        await asyncio.sleep(0.05)
                assert r.json()["data_version"] == new
                for _ in range(5):
                    again = await c.get(f"{base}/v1/laws/{law_id}")
                    assert again.content != old[base]
                    assert again.json()["data_version"] == new
                    assert again.headers["etag"] != old_etag[base]
                s = await stats(c, base)
                assert s["cache"]["data_version"] == new
