"""Real servers for the cache integration tests: a private redis-server and a fresh PostgreSQL database.

The redis-server runs on a free port for the whole session so tests can SIGSTOP, kill and restart it.
The database (on the local PostgreSQL at 127.0.0.1:5432) holds only the ``meta`` table of SCHEMA.md.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information
import pytest
from egov_testsupport import (  # noqa: F401 - shared fixtures
    RedisServer,
    dead_redis_url,
    free_port,
    law_body,
    law_response,
    meta_dsn,
    redis,
    redis_server,
)


@pytest.fixture
def prefix() -> str:
    """A key prefix of its own for each test."""
    return f"egovt{secrets.token_hex(4)}"


async def bump_data_version(dsn: str, *, notify: bool = True) -> int:
    """What a published import does (SCHEMA.md): bump ``data_version`` and NOTIFY, in one transaction."""
    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            value = await conn.fetchval(
                "UPDATE meta SET value = (value::bigint + 1)::text WHERE key = 'data_version' RETURNING value"
            )
            if notify:
                await conn.execute("SELECT pg_notify('egov_data_version', $1)", value)
        return int(value)
    finally:
        await conn.close()


@pytest.fixture
def bump(meta_dsn: str) -> Callable[..., Awaitable[int]]:  # noqa: F811 - the shared fixture
    """``await bump(notify=True)``: publish a new data version like an import does; returns it."""

    async def run(*, notify: bool = True) -> int:
        return await bump_data_version(meta_dsn, notify=notify)

    return run
