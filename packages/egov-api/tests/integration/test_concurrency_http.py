"""Many concurrent uncached requests on routes that use several database connections all succeed.

A route that holds a request-scoped connection while its search or citation directory waits for another
one deadlocks the pool (10 + 10 connections) under 64 concurrent requests; the benchmark found this once.
"""

from __future__ import annotations

import asyncio

import httpx

# Distinct queries, so the cache cannot answer them: every request reaches the database.
QUERIES = [f"{a}{b}" for a in "債権契約損害賠償解除売買賃貸借" for b in "法人物国税"][:64]


async def _burst(base: str) -> list[int]:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        responses = await asyncio.gather(*(client.get("/v1/search", params={"q": q}) for q in QUERIES))
    return [r.status_code for r in responses]


def test_64_concurrent_uncached_searches_all_answer(server: str) -> None:
    statuses = asyncio.run(_burst(server))
    assert len(statuses) == 64
    assert statuses.count(200) == 64, statuses
