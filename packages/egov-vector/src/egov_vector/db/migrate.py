"""Run egov-vector's migrations: ``await migrate_vector(engine)`` after egov-core's ``migrate(engine)``."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.errors import StorageError
from egov_core.store import translate_errors
from egov_vector.errors import VectorExtensionMissingError

__all__ = ["VERSION_TABLE", "migrate_vector", "require_vector_extension", "vector_head_revision"]

VERSION_TABLE = "alembic_version_vector"
_MIGRATIONS = Path(__file__).with_name("migrations")
# Serialises concurrent migrators; a different key from egov-core's.
_LOCK_KEY = 0x6567_6F76_7665_63


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    return cfg


def vector_head_revision() -> str:
    """The newest egov-vector migration."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE}).get_current_revision()


def _upgrade(connection: Connection) -> None:
    connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
    if _current(connection) == vector_head_revision():
        return
    missing = [
        t
        for t in ("law_revisions", "cases")
        if connection.execute(text("SELECT to_regclass(:t)"), {"t": t}).scalar() is None
    ]
    if missing:
        raise StorageError(f"egov-core tables {missing} are missing: run egov-core's migrate() before migrate_vector()")
    cfg = _config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "head")


async def require_vector_extension(engine: AsyncEngine) -> None:
    """Make sure pgvector can be used here.

    Raises:
        VectorExtensionMissingError: the server has no ``vector`` extension to install.
    """
    with translate_errors():
        async with engine.connect() as conn:
            installed = await conn.scalar(text("SELECT 1 FROM pg_extension WHERE extname = 'vector'"))
            available = installed or await conn.scalar(
                text("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")
            )
    if not available:
        raise VectorExtensionMissingError(
            "this PostgreSQL has no pgvector ('vector' extension): semantic search needs PostgreSQL with pgvector "
            "(the embedded default or the pgvector/pgvector:pg16 image). To run the Lite edition without it: "
            "set EGOV_VECTOR__ENABLED=false for egov migrate and egov serve"
        )


async def migrate_vector(engine: AsyncEngine) -> None:
    """Create or upgrade the vector tables (idempotent; runs in one transaction under an advisory lock).

    Raises:
        VectorExtensionMissingError: no pgvector on this server.
        StorageError: egov-core's tables are missing or a migration failed.
    """
    await require_vector_extension(engine)
    with translate_errors():
        async with engine.begin() as conn:
            await conn.run_sync(_upgrade)
