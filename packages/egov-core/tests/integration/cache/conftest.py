"""Real servers for the cache integration tests: a private redis-server and a fresh PostgreSQL database.

The redis-server runs on a free port for the whole session so tests can SIGSTOP, kill and restart it.
The database (on the local PostgreSQL at 127.0.0.1:5432) holds only the ``meta`` table of SCHEMA.md.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information
import pytest
from egov_testsupport import RedisServer, dead_redis_url, free_port, redis, redis_server  # noqa: F401 - shared fixtures

from egov_core.cache import CachedResponse

FIXTURES = Path(__file__).parent / "fixtures"
PG_ADMIN_DSN = os.environ.get("EGOV_TEST_PG_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def prefix() -> str:
    """A key prefix of its own for each test."""
    return f"egovt{secrets.token_hex(4)}"


@pytest.fixture(scope="session")
async def meta_dsn() -> AsyncIterator[str]:
    """A fresh database holding only ``meta`` with ``data_version`` = 1; dropped afterwards."""
    name = f"egov_t_{secrets.token_hex(6)}"
    try:
        admin = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_DSN}: {exc}")
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        dsn = PG_ADMIN_DSN.rsplit("/", 1)[0] + "/" + name
        conn = await asyncpg.connect(dsn)
        await conn.execute(
            "CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);"
            "INSERT INTO meta VALUES ('data_version', '1');"
        )
        await conn.close()
        yield dsn
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


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
def bump(meta_dsn: str) -> Callable[..., Awaitable[int]]:
    """``await bump(notify=True)``: publish a new data version like an import does; returns it."""

    async def run(*, notify: bool = True) -> int:
        return await bump_data_version(meta_dsn, notify=notify)

    return run


@pytest.fixture(scope="session")
def law_body() -> bytes:
    """A real e-Gov API v2 law_data payload (copied from /work/shared/data/egov_api/v2)."""
    return (FIXTURES / "law_data.json").read_bytes()


@pytest.fixture(scope="session")
def law_response(law_body: bytes) -> CachedResponse:
    return CachedResponse.build(law_body, content_type=b"application/json", max_age=86400)
