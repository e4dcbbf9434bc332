"""Only chunks of a law's current revision are searched: ``vector_chunks.is_current``, kept by egov-vector
itself from core's read port (after every import, through egov-core's use cases, and by egov embed; no
trigger on core's ``laws`` since v0003), and the semantic search statement that filters on it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from alembic import command
from egov_vector_testsupport import provisions
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.ingest import ingest_laws
from egov_core.usecases import after_import
from egov_vector import DeterministicEmbedder, backfill
from egov_vector.current import refresh_current
from egov_vector.db.migrate import _config, migrate_vector, vector_head_revision
from egov_vector.search import nearest_sql

RULE = "419M60400000005"  # a 規則 with two revisions in the fixtures
OLD = "419M60400000005_20161001_000000000000000"
NEW = "419M60400000005_20190701_501M60400000003"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

pytestmark = [pytest.mark.integration, pytest.mark.vector]


async def _ids(engine: AsyncEngine) -> tuple[int, int]:
    """(current, older) revision ids of RULE, its newer revision imported (idempotent)."""
    await ingest_laws(engine, [FIXTURES / "revisions" / f"{NEW}.xml"], workers=1)
    async with engine.connect() as conn:
        current = await conn.scalar(text("SELECT current_revision_id FROM laws WHERE law_id = :l"), {"l": RULE})
        old = await conn.scalar(text("SELECT id FROM law_revisions WHERE law_revision_id = :r"), {"r": OLD})
    assert current is not None
    assert old is not None
    assert current != old
    return int(current), int(old)


async def _flags(engine: AsyncEngine, model_id: str) -> dict[tuple[int, bool], int]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT revision_id, is_current, count(*) FROM vector_chunks WHERE model_id = :m AND law_id = :l "
                "GROUP BY 1, 2"
            ),
            {"m": model_id, "l": RULE},
        )
        return {(int(r[0]), bool(r[1])): int(r[2]) for r in rows}


async def _stale_copy(engine: AsyncEngine, model_id: str, old: int) -> None:
    """Copy the law's chunks onto its older revision: what a store holds between an import and egov embed."""
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO vector_chunks (model_id, source_kind, law_id, revision_id, unit_path, path, part, in_suppl,"
                " title, caption, content_hash, text, body_start, embedding) "
                "SELECT model_id, source_kind, law_id, :old, unit_path, path, part, in_suppl, title, caption,"
                " content_hash, text, body_start, embedding FROM vector_chunks WHERE model_id = :m AND law_id = :l"
            ),
            {"old": old, "m": model_id, "l": RULE},
        )


async def test_chunks_of_an_older_revision_are_never_found(vector_engine: AsyncEngine) -> None:
    embedder = DeterministicEmbedder(72)
    current, old = await _ids(vector_engine)
    await backfill(vector_engine, embedder, kinds=("law",), law_ids=[RULE])
    await _stale_copy(vector_engine, embedder.model_id, old)
    n = (await _flags(vector_engine, embedder.model_id))[(current, True)]
    assert await refresh_current(vector_engine) == n  # the copies were inserted as current (the default)
    assert await _flags(vector_engine, embedder.model_id) == {(current, True): n, (old, False): n}
    page = await provisions(vector_engine, embedder, "届出", law_ids=[RULE], limit=50)
    assert page.hits
    assert {h.revision_id for h in page.hits} == {current}
    try:
        # The law's current revision moves; what follows every import (egov-core's use case, which runs
        # egov-vector's egov.after_import hook) re-flags every model's chunks.
        async with vector_engine.begin() as conn:
            await conn.execute(
                text("UPDATE laws SET current_revision_id = :o WHERE law_id = :l"), {"o": old, "l": RULE}
            )
        _, hooks = await after_import(vector_engine)
        assert "vector" in hooks
        assert await _flags(vector_engine, embedder.model_id) == {(current, False): n, (old, True): n}
        page = await provisions(vector_engine, embedder, "届出", law_ids=[RULE], limit=50)
        assert {h.revision_id for h in page.hits} == {old}
    finally:
        async with vector_engine.begin() as conn:
            await conn.execute(
                text("UPDATE laws SET current_revision_id = :c WHERE law_id = :l"), {"c": current, "l": RULE}
            )
            await conn.execute(
                text("DELETE FROM vector_chunks WHERE model_id = :m AND revision_id = :o"),
                {"m": embedder.model_id, "o": old},
            )
        await refresh_current(vector_engine)
    assert await _flags(vector_engine, embedder.model_id) == {(current, True): n}


async def test_no_trigger_on_core_tables(vector_engine: AsyncEngine) -> None:
    async with vector_engine.connect() as conn:
        triggers = (
            await conn.execute(
                text(
                    "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal "
                    "AND tgrelid::regclass::text NOT LIKE 'vector%'"
                )
            )
        ).all()
    assert [t for t in triggers if "vector" in t[1]] == []


def _migrate(connection: Connection, target: str, *, down: bool) -> None:
    cfg = _config()
    cfg.attributes["connection"] = connection
    (command.downgrade if down else command.upgrade)(cfg, target)


async def test_migration_v0002_flags_what_is_already_stored(vector_engine: AsyncEngine) -> None:
    embedder = DeterministicEmbedder(88)
    current, old = await _ids(vector_engine)
    await backfill(vector_engine, embedder, kinds=("law",), law_ids=[RULE])
    try:
        async with vector_engine.begin() as conn:
            await conn.run_sync(_migrate, "v0001", down=True)
        await _stale_copy(vector_engine, embedder.model_id, old)  # no column, no trigger at v0001
        await migrate_vector(vector_engine)
        async with vector_engine.connect() as conn:
            assert await conn.scalar(text("SELECT version_num FROM alembic_version_vector")) == vector_head_revision()
        flags = await _flags(vector_engine, embedder.model_id)
        assert set(flags) == {(current, True), (old, False)}
    finally:
        await migrate_vector(vector_engine)
        async with vector_engine.begin() as conn:
            await conn.execute(
                text("DELETE FROM vector_chunks WHERE model_id = :m AND revision_id = :o"),
                {"m": embedder.model_id, "o": old},
            )


def test_the_scan_joins_nothing_for_law_filters() -> None:
    embedder = DeterministicEmbedder(72)
    sql = nearest_sql(embedder, source_kind="law", where=["vc.law_id = ANY(ARRAY['x']::text[])"])
    scan = sql.partition("SELECT nn.distance")[0]
    # A join inside the scan hid its selectivity from the planner, which then sorted every vector; core's
    # tables are read through the read port, never joined here.
    assert not re.search(r"\b(laws|law_revisions|cases)\b", sql)
    assert "vc.is_current" in scan
    assert "vc.law_id = ANY(ARRAY['x']::text[])" in scan
