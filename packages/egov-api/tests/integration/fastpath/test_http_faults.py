"""Redis faults under a real Granian server: SIGSTOP, kill + restart, unreachable from the start.

Clients must see zero errors and bounded latency; the server must recover without a restart.
"""

from __future__ import annotations

import asyncio
import itertools
import secrets
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import httpx
import pytest
from egov_testsupport import RedisServer

pytestmark = pytest.mark.integration

Spawn = Callable[[dict[str, str]], AbstractContextManager[str]]

# A bound on any single request while Redis misbehaves: correctness ("bounded"), not a performance target.
BOUND_S = 2.0
_keys = itertools.count()


async def cache_stats(client: httpx.AsyncClient, base: str) -> dict[str, Any]:
    r = await client.get(f"{base}/_t/stats")
    out: dict[str, Any] = r.json()["cache"]
    return out


async def read_for(client: httpx.AsyncClient, base: str, seconds: float) -> tuple[int, list[int], float]:
    """Read fresh URLs (each one misses L1 and asks Redis) for ``seconds``: (requests, statuses, slowest)."""
    statuses: list[int] = []
    slowest = 0.0
    tag = secrets.token_hex(4)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        r = await client.get(f"{base}/v1/laws/{tag}{next(_keys)}")
        slowest = max(slowest, time.monotonic() - started)
        statuses.append(r.status_code)
        await asyncio.sleep(0.01)
    return len(statuses), statuses, slowest


async def test_sigstop_redis_zero_errors_bounded_latency(server: str, redis: RedisServer) -> None:
    async with httpx.AsyncClient(timeout=10) as c:
        await read_for(c, server, 0.3)
        before = await cache_stats(c, server)
        redis.pause()
        try:
            results = await asyncio.gather(*(read_for(c, server, 3.0) for _ in range(8)))
        finally:
            redis.resume()
        statuses = [s for _, ss, _ in results for s in ss]
        assert statuses
        assert set(statuses) == {200}
        assert max(slowest for _, _, slowest in results) < BOUND_S
        during = await cache_stats(c, server)
        assert during["l2_breaker_opened"] > before["l2_breaker_opened"]
        assert during["l2_errors"] > before["l2_errors"]
        # After SIGCONT the breaker closes again and writes reach Redis.
        async with asyncio.timeout(15):
            while True:
                await read_for(c, server, 0.2)
                after = await cache_stats(c, server)
                if after["l2_breaker_state"] == 0 and after["l2_sets"] > during["l2_sets"]:
                    break


async def test_kill_and_restart_redis_server_recovers(server: str, redis: RedisServer) -> None:
    async with httpx.AsyncClient(timeout=10) as c:
        redis.kill()
        n, statuses, slowest = await read_for(c, server, 1.5)
        assert n > 0
        assert set(statuses) == {200}
        assert slowest < BOUND_S
        down = await cache_stats(c, server)
        redis.start()  # same port, empty
        async with asyncio.timeout(15):
            while True:
                await read_for(c, server, 0.2)
                up = await cache_stats(c, server)
                if up["l2_breaker_state"] == 0 and up["l2_sets"] > down["l2_sets"]:
                    break


async def test_server_starts_and_serves_with_redis_unreachable(
    server_env: dict[str, str], dead_redis_url: str, spawn: Spawn
) -> None:
    env = {**server_env, "EGOV_T_REDIS_URL": dead_redis_url}
    with spawn(env) as base:
        async with httpx.AsyncClient(timeout=10) as c:
            n, statuses, slowest = await read_for(c, base, 1.0)
            assert n > 0
            assert set(statuses) == {200}
            assert slowest < BOUND_S
            first = await c.get(f"{base}/v1/laws/same")
            second = await c.get(f"{base}/v1/laws/same")
            assert second.content == first.content
            stats = await cache_stats(c, base)
            assert stats["fastpath_hits"] >= 1
            assert stats["l2_breaker_opened"] >= 1
