"""``egov migrate`` in the Full edition: core's migrations, then egov-vector's, found through its
``egov.migrations`` entry point (egov_api names no plug-in), on a new database of the embedded PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from typer.testing import CliRunner

from egov_api.cli import app
from egov_core.store import head_revision
from egov_vector.db.migrate import VERSION_TABLE, vector_head_revision

pytestmark = [pytest.mark.integration, pytest.mark.vector]


async def _admin(url: str, statement: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


async def _versions(url: str) -> tuple[str | None, str | None]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            core = await conn.scalar(text("SELECT version_num FROM alembic_version"))
            vector = await conn.scalar(text(f"SELECT version_num FROM {VERSION_TABLE}"))
        return core, vector
    finally:
        await engine.dispose()


@pytest.fixture
def new_db(vector_engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A new, empty database on the embedded server (pgvector available), dropped afterwards."""
    admin = vector_engine.url.render_as_string(hide_password=False)
    name = f"egov_migrate_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(admin, f'CREATE DATABASE "{name}"'))
    url = vector_engine.url.set(database=name).render_as_string(hide_password=False)
    monkeypatch.setenv("EGOV_DATABASE__URL", url)
    try:
        yield url
    finally:
        asyncio.run(_admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def test_full_migrate_runs_core_and_vector(new_db: str) -> None:
    for _ in range(2):  # and again: nothing left to do
        result = CliRunner().invoke(app, ["migrate"])
        assert result.exit_code == 0, result.output
        assert "database migrated (pgvector available)" in result.output
        assert "plug-in vector migrated" in result.output
    assert asyncio.run(_versions(new_db)) == (head_revision(), vector_head_revision())
