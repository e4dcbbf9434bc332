"""The migrations build the schema of SCHEMA.md on a real PostgreSQL, idempotently."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.errors import StorageError, StorageUnavailableError
from egov_core.settings import EgovSettings
from egov_core.store import (
    bump_data_version,
    content_hash,
    create_engine,
    current_revision,
    get_data_version,
    head_revision,
    migrate,
    translate_errors,
    wait_until_ready,
)

pytestmark = pytest.mark.integration

_TABLES = {"meta", "laws", "law_revisions", "provisions", "search_units", "cases", "case_law_refs", "import_runs"}


async def test_migrate_creates_schema_and_is_idempotent(engine: AsyncEngine) -> None:
    await migrate(engine)  # second run: a no-op
    assert await current_revision(engine) == head_revision()
    async with engine.connect() as conn:
        tables = set(
            (await conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))).scalars()
        )
        indexes = set(
            (await conn.execute(text("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'"))).scalars()
        )
        gin = (
            await conn.execute(text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_search_units_tokens'"))
        ).scalar_one()
    assert tables >= _TABLES
    assert {
        "ix_laws_title",
        "ix_laws_era_year",
        "ix_law_revisions_law_id_enforcement_date",
        "provisions_revision_id_path_key",
        "ix_provisions_revision_id_kind_num",
        "ix_cases_tokens",
        "ix_case_law_refs_law_id_path",
    } <= indexes
    assert "USING gin (tokens)" in gin
    assert await get_data_version(engine) == 1


async def test_data_version_bump_notifies_on_commit(engine: AsyncEngine) -> None:
    async with engine.connect() as listener:
        raw = await listener.get_raw_connection()
        received: list[str] = []
        driver = raw.driver_connection
        assert driver is not None
        await driver.add_listener("egov_data_version", lambda *args: received.append(args[-1]))
        async with engine.begin() as conn:
            assert await bump_data_version(conn) == 2
        await listener.execute(text("SELECT 1"))  # let the notification arrive
        assert await get_data_version(engine) == 2
        assert received == ["2"]


async def test_content_hash_of_empty_database_is_stable(engine: AsyncEngine) -> None:
    assert await content_hash(engine) == await content_hash(engine)


async def test_unreachable_database_is_storage_unavailable() -> None:
    settings = EgovSettings(database={"url": "postgresql://postgres@127.0.0.1:1/none", "connect_timeout_s": 1})
    eng = create_engine(settings)
    try:
        with pytest.raises(StorageUnavailableError):
            await wait_until_ready(eng, retries=1, delay_s=0.01)
    finally:
        await eng.dispose()


async def test_failed_statement_is_storage_error(engine: AsyncEngine) -> None:
    async def failing() -> None:
        with translate_errors():
            async with engine.connect() as conn:
                await conn.execute(text("SELECT * FROM no_such_table"))

    with pytest.raises(StorageError) as caught:
        await failing()
    assert not isinstance(caught.value, StorageUnavailableError)
