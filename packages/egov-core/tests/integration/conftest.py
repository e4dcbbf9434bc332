"""Shared fixtures of egov-core's integration tests: fresh PostgreSQL databases, dropped at the end.

The server defaults to 127.0.0.1:5432 (user postgres, trust auth); set ``EGOV_TEST_DATABASE_URL`` to an
admin URL of another server (``postgresql://user:pw@host:port/postgres``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information
import pytest
from egov_testsupport import PgTemplates, pg_templates  # noqa: F401 - the session's template databases
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.settings import EgovSettings
from egov_core.store import create_engine

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"

#: Creates a fresh, empty database and returns its asyncpg-driver SQLAlchemy URL.
DatabaseFactory = Callable[[], Awaitable[str]]


def admin_url() -> str:
    """The libpq URL of the maintenance database of the test server."""
    return os.environ.get("EGOV_TEST_DATABASE_URL", DEFAULT_ADMIN_URL)


def shared_data_dir() -> Path:
    """/work/shared/data (EGOV_SHARED_DATA overrides); tests that need it skip only when it is absent."""
    default = Path(__file__).resolve().parents[4].parent / "shared" / "data"
    return Path(os.environ.get("EGOV_SHARED_DATA", str(default)))


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
async def database_factory() -> AsyncIterator[DatabaseFactory]:
    """A factory of fresh databases ``egov_t_<random>``; every one is dropped when the session ends."""
    created: list[str] = []
    base = make_url(admin_url())
    try:
        conn = await asyncpg.connect(_libpq(admin_url()))
    except (OSError, asyncpg.PostgresError) as error:
        pytest.fail(f"test PostgreSQL at {base.host}:{base.port} is not reachable: {error}")

    async def create() -> str:
        name = f"egov_t_{uuid.uuid4().hex[:12]}"
        await conn.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        return base.set(drivername="postgresql+asyncpg", database=name).render_as_string(hide_password=False)

    try:
        yield create
    finally:
        for name in created:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()


@pytest.fixture
async def db_url(pg_templates: PgTemplates) -> str:  # noqa: F811 - the fixture imported above
    """URL of a fresh, migrated database for one test: a copy of the session's migrated template (the
    migrations run once per session, not once per test)."""
    return await pg_templates.copy()


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on a fresh, migrated database for one test."""
    eng = create_engine(EgovSettings(database={"url": db_url}))
    try:
        yield eng
    finally:
        await eng.dispose()
