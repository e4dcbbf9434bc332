"""``egov migrate`` migrates core, then each plug-in installed under the ``egov.migrations`` entry points.

egov_api names no plug-in. This runs in both test environments: in the Lite-only pass (``scripts/dev
test-lite``, no egov-vector installed) it migrates core alone and touches nothing else; in the Full one, on
this server without pgvector, core is migrated and egov-vector's migration then fails naming the extension.
egov-vector's own tests migrate both on a server with pgvector.
"""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import Iterator
from importlib.metadata import entry_points

import pytest
from egov_api_testsupport import drop_database, new_database_url
from sqlalchemy import text
from typer.testing import CliRunner

from egov_api.cli import app
from egov_core.settings import EgovSettings
from egov_core.store import create_engine, head_revision
from egov_core.usecases import MIGRATIONS_GROUP

FULL = importlib.util.find_spec("egov_vector") is not None


@pytest.fixture
def db_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A new, empty database (no pgvector on this server) the command is pointed at, dropped afterwards."""
    name, url = new_database_url()
    try:
        monkeypatch.setenv("EGOV_DATABASE__URL", url)
        yield url
    finally:
        drop_database(name)


async def _state(url: str) -> tuple[str | None, set[str]]:
    engine = create_engine(EgovSettings(database={"url": url}))
    try:
        async with engine.connect() as conn:
            tables = {
                r[0] for r in await conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
            }
            version = await conn.scalar(text("SELECT version_num FROM alembic_version"))
        return version, tables
    finally:
        await engine.dispose()


def test_plugins_are_the_installed_entry_points() -> None:
    names = {e.name for e in entry_points(group=MIGRATIONS_GROUP)}
    assert names == ({"vector"} if FULL else set())


def test_migrate_runs_core_then_each_installed_plugin(db_url: str) -> None:
    result = CliRunner().invoke(app, ["migrate"])
    version, tables = asyncio.run(_state(db_url))
    assert version == head_revision()
    assert {"laws", "law_revisions", "provisions", "search_units", "cases"} <= tables
    assert "database migrated (pgvector not available)" in result.output
    if FULL:
        assert result.exit_code == 1, result.output
        assert "EGOV_VECTOR__ENABLED=false" in result.output.splitlines()[-1]
    else:
        assert result.exit_code == 0, result.output
        assert "plug-in" not in result.output
        assert not {"vector_chunks", "alembic_version_vector"} & tables


def test_vector_switched_off_is_not_migrated(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """EGOV_VECTOR__ENABLED=false serves Lite from a Full install: migrate must then succeed without pgvector
    (and says it left egov-vector out; in the Lite pass there is nothing to leave out)."""
    monkeypatch.setenv("EGOV_VECTOR__ENABLED", "false")
    result = CliRunner().invoke(app, ["migrate"])
    assert result.exit_code == 0, result.output
    assert ("plug-in vector switched off in the settings: not migrated" in result.output) == FULL
    version, tables = asyncio.run(_state(db_url))
    assert version == head_revision()
    assert not {"vector_chunks", "alembic_version_vector"} & tables
