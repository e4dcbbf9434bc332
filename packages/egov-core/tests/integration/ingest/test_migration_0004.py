"""Migration 0004 and the definitions backfill: a store whose revisions predate definitions gets them at the
end of the next import run, the same rows an import writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from egov_testsupport import downgrade_to
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.ingest import ingest_laws
from egov_core.store import migrate

pytestmark = pytest.mark.integration

_ROWS = (
    "SELECT revision_id, seq, term, meaning, path, kind, scope, scope_path, scope_note FROM definitions ORDER BY 1, 2"
)


async def test_revisions_imported_before_0004_get_their_definitions(laws_at_head: AsyncEngine, laws_dir: Path) -> None:
    engine = laws_at_head
    async with engine.connect() as conn:
        written = (await conn.execute(text(_ROWS))).all()
        counts = dict((await conn.execute(text("SELECT id, definition_count FROM law_revisions"))).all())
    assert written, "the fixture laws define terms"
    assert all(n is not None for n in counts.values())

    await downgrade_to(engine, "0003")
    await migrate(engine)
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM definitions"))).scalar_one() == 0
        nulls = (
            await conn.execute(text("SELECT count(*) FROM law_revisions WHERE definition_count IS NULL"))
        ).scalar_one()
    assert nulls == len(counts)

    summary = await ingest_laws(engine, [laws_dir], workers=0)  # nothing new: only the backfill runs
    assert summary.imported == 0
    async with engine.connect() as conn:
        assert (await conn.execute(text(_ROWS))).all() == written
        assert dict((await conn.execute(text("SELECT id, definition_count FROM law_revisions"))).all()) == counts
