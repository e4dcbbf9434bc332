"""The engine's pool on a real server: a backend the server terminated is never handed out.

The engine runs without ``pool_pre_ping`` (three round trips per checkout); a checkout hook replaces
connections whose socket the server closed. These tests kill the pooled backends for real.
"""

from __future__ import annotations

import asyncio

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

pytestmark = pytest.mark.integration


async def _pids(engine: AsyncEngine, n: int) -> set[int]:
    """Check out ``n`` connections at once (so the pool holds ``n``), return their backend pids."""
    conns = [await engine.connect() for _ in range(n)]
    try:
        return {int((await c.execute(text("SELECT pg_backend_pid()"))).scalar_one()) for c in conns}
    finally:
        for c in conns:
            await c.close()


async def _terminate(db_url: str, pids: set[int]) -> None:
    admin = await asyncpg.connect(make_url(db_url).set(drivername="postgresql").render_as_string(False))
    try:
        await admin.execute("SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid", list(pids))
    finally:
        await admin.close()


async def test_terminated_backends_are_replaced_on_checkout(engine: AsyncEngine, db_url: str) -> None:
    before = await _pids(engine, 3)
    assert len(before) == 3
    await _terminate(db_url, before)
    await asyncio.sleep(0.2)  # the event loop sees the closed sockets
    for _ in range(6):  # more checkouts than pooled connections: none of them may fail
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT 1"))).scalar_one() == 1
    after = await _pids(engine, 3)
    assert not (after & before)


async def test_checkout_costs_no_round_trip(engine: AsyncEngine) -> None:
    """A healthy checkout sends nothing of its own: no ping; and in autocommit (what the API's reads use)
    no BEGIN / ROLLBACK around the statement either. The control run shows the logger sees them."""
    seen: list[str] = []
    async with engine.connect() as conn:  # the pool's one connection, observed from now on
        raw = (await conn.get_raw_connection()).driver_connection
        assert raw is not None
        raw.add_query_logger(lambda record: seen.append(record.query.strip()))

    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))
    assert seen == ["BEGIN;", "ROLLBACK;"]  # the transaction SQLAlchemy opens by default; no ping

    seen.clear()
    async with engine.execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
        await conn.execute(text("SELECT 1"))
    assert seen == []
