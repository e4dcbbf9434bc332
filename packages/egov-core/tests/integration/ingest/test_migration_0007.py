"""Migration 0007 on a database holding laws: every search unit is kept, with its fixed-width columns first.

The laws are imported at head and the schema taken down to 0006 (the old column order), so the upgrade
rewrites a table holding real units of current and older revisions, as an existing store's.
"""

from __future__ import annotations

from typing import Any

import pytest
from egov_testsupport import downgrade_to
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.search import search_provisions
from egov_core.store import head_revision, migrate

pytestmark = pytest.mark.integration

_ROWS = (
    "SELECT id, revision_id, law_id, law_type, category, path, seq, in_suppl, caption, title, text, "
    "tokens::text, prior, is_current FROM search_units ORDER BY id"
)
_COLUMN_ORDER = (
    "SELECT attname FROM pg_attribute WHERE attrelid = 'search_units'::regclass AND attnum > 0 "
    "AND NOT attisdropped ORDER BY attnum"
)
_OBJECTS = (
    "SELECT (SELECT array_agg(indexname::text ORDER BY indexname) FROM pg_indexes WHERE tablename = 'search_units'), "
    "(SELECT array_agg(conname::text ORDER BY conname) FROM pg_constraint WHERE conrelid = 'search_units'::regclass), "
    "(SELECT array_agg(tgname::text ORDER BY tgname) FROM pg_trigger "
    " WHERE tgrelid = 'search_units'::regclass AND NOT tgisinternal)"
)


async def _all(engine: AsyncEngine, sql: str) -> list[tuple[Any, ...]]:
    async with engine.connect() as conn:
        return [tuple(r) for r in await conn.execute(text(sql))]


async def test_upgrade_keeps_every_unit_and_puts_fixed_width_columns_first(
    laws_at_head: AsyncEngine,
) -> None:
    engine = laws_at_head
    at_head = await _all(engine, _OBJECTS)
    await downgrade_to(engine, "0006")
    old_order = [r[0] for r in await _all(engine, _COLUMN_ORDER)]
    assert old_order[-3:] == ["tokens", "prior", "is_current"]
    before = await _all(engine, _ROWS)
    assert any(not r[-1] for r in before)  # units of an older revision
    assert any(r[-1] for r in before)

    await migrate(engine)

    order = [r[0] for r in await _all(engine, _COLUMN_ORDER)]
    assert order[:6] == ["id", "revision_id", "prior", "seq", "is_current", "in_suppl"]
    assert sorted(order) == sorted(old_order)
    assert await _all(engine, _ROWS) == before
    assert await _all(engine, _OBJECTS) == at_head  # same index, constraint and trigger names
    async with engine.connect() as conn:
        version = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar_one()
    assert version == head_revision()

    # The table still works as before: the sequence goes on, the trigger flags a new unit, search finds it.
    async with engine.begin() as conn:
        row = (
            await conn.execute(
                text(
                    "INSERT INTO search_units (revision_id, law_id, law_type, path, seq, in_suppl, text, tokens) "
                    "SELECT current_revision_id, law_id, 'Act', 'X', 0, false, '鵺鵼', "
                    "CAST(:tokens AS tsvector) FROM laws ORDER BY law_id LIMIT 1 "
                    "RETURNING id, is_current"
                ),
                {"tokens": "'鵺鵼':1 '鵺':1 '鵼':2"},
            )
        ).one()
    assert row.id > max(r[0] for r in before)
    assert row.is_current
    page = await search_provisions(engine, "鵺鵼")
    assert [h.path for h in page.hits] == ["X"]
