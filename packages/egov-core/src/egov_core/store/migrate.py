"""Run the bundled Alembic migrations programmatically (``egov migrate`` and the embedded start-up use this)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from egov_core.store.errors import translate_errors

__all__ = ["alembic_config", "current_revision", "head_revision", "migrate", "upgrade_to_head"]

_MIGRATIONS = Path(__file__).with_name("migrations")
# Any fixed number: serialises concurrent migrators (several API workers starting at once).
_MIGRATION_LOCK_KEY = 0x6567_6F76_6D69_67


def alembic_config() -> Config:
    """An Alembic config pointing at the migrations shipped inside egov-core."""
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    return cfg


def head_revision() -> str:
    """The newest migration revision shipped with this version of egov-core."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _upgrade(connection: Connection) -> None:
    # A migration may rewrite a large table: the API's statement timeout must not cancel it halfway.
    connection.execute(text("SET LOCAL statement_timeout = 0"))
    connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK_KEY})
    if _current(connection) == head_revision():
        return
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "head")


async def current_revision(engine: AsyncEngine) -> str | None:
    """The migration revision the database is at (None: never migrated)."""
    with translate_errors():
        async with engine.connect() as conn:
            return await conn.run_sync(_current)


async def migrate(engine_or_url: AsyncEngine | str) -> None:
    """Upgrade the database to the newest migration; a no-op when it is already there.

    Args:
        engine_or_url: an async engine, or a SQLAlchemy URL (``postgresql+asyncpg://…``).

    Raises:
        StorageError: a migration failed (nothing of it is applied: it runs in one transaction).
        StorageUnavailableError: the database cannot be reached.
    """
    engine = engine_or_url if isinstance(engine_or_url, AsyncEngine) else create_async_engine(engine_or_url)
    try:
        with translate_errors():
            async with engine.begin() as conn:
                await conn.run_sync(_upgrade)
    finally:
        if engine is not engine_or_url:
            await engine.dispose()


def upgrade_to_head(url: str) -> None:
    """Synchronous :func:`migrate` for command lines (must not be called from a running event loop)."""
    asyncio.run(migrate(url))
