"""The n-gram frequency table (migration 0008) equals a recount of the current units after every kind of write."""

from __future__ import annotations

import asyncio

import pytest
from egov_testsupport import downgrade_to
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.store import migrate
from egov_core.store.tables import BAND_PRIOR

pytestmark = pytest.mark.integration

_RECOUNT = f"""
    SELECT t.token, count(*) AS ndoc, count(*) FILTER (WHERE su.prior < {BAND_PRIOR}) AS ndoc_band
    FROM search_units su, unnest(tsvector_to_array(su.tokens)) AS t(token)
    WHERE su.is_current GROUP BY t.token
"""


async def _assert_frequencies_recounted(engine: AsyncEngine) -> dict[str, tuple[int, int]]:
    async with engine.connect() as conn:
        kept = {
            r[0]: (r[1], r[2]) for r in await conn.execute(text("SELECT token, ndoc, ndoc_band FROM search_token_df"))
        }
        recount = {r[0]: (r[1], r[2]) for r in await conn.execute(text(_RECOUNT))}
    # The triggers leave an n-gram no current unit holds any more at zero instead of deleting it.
    assert {k: v for k, v in kept.items() if v != (0, 0)} == recount
    return recount


async def test_frequencies_follow_imports_flips_inserts_deletes_and_truncation(laws_at_head: AsyncEngine) -> None:
    engine = laws_at_head
    # An import into an empty store: the table was rebuilt with the search index at its end.
    before = await _assert_frequencies_recounted(engine)
    assert before
    assert any(band for _, band in before.values())
    async with engine.begin() as conn:
        law_id, current, older = (
            await conn.execute(
                text(
                    "SELECT l.law_id, l.current_revision_id, r.id FROM laws l JOIN law_revisions r "
                    "ON r.law_id = l.law_id AND r.id <> l.current_revision_id LIMIT 1"
                )
            )
        ).one()
        # A law going back to its older revision flips is_current on both revisions' units (one UPDATE).
        await conn.execute(
            text("UPDATE laws SET current_revision_id = :r WHERE law_id = :l"), {"r": older, "l": law_id}
        )
    flipped = await _assert_frequencies_recounted(engine)
    assert flipped != before
    async with engine.begin() as conn:
        # A unit written into a current revision (the INSERT trigger sets is_current, then the table follows).
        await conn.execute(
            text(
                "INSERT INTO search_units (revision_id, seq, in_suppl, law_id, law_type, category, path, caption, "
                "title, tokens, text) SELECT revision_id, seq, in_suppl, law_id, law_type, category, path || '-x', "
                "caption, title, tokens || 'zzqq'::tsvector, text FROM search_units WHERE revision_id = :r LIMIT 3"
            ),
            {"r": older},
        )
    inserted = await _assert_frequencies_recounted(engine)
    assert inserted["zzqq"][0] == 3
    async with engine.begin() as conn:
        # A law's revisions deleted (search units go by cascade).
        await conn.execute(text("UPDATE laws SET current_revision_id = NULL WHERE law_id = :l"), {"l": law_id})
        await conn.execute(text("DELETE FROM law_revisions WHERE law_id = :l"), {"l": law_id})
    deleted = await _assert_frequencies_recounted(engine)
    assert "zzqq" not in deleted
    async with engine.begin() as conn:
        await conn.execute(text("TRUNCATE search_units"))
    assert await _assert_frequencies_recounted(engine) == {}
    assert current != older


async def test_migration_0008_fills_the_table_from_a_loaded_store_and_goes_back(laws_at_head: AsyncEngine) -> None:
    engine = laws_at_head
    await downgrade_to(engine, "0007")
    async with engine.connect() as conn:
        gone = (
            await conn.execute(
                text("SELECT to_regclass('search_token_df'), to_regclass('ix_search_units_tokens_band')")
            )
        ).one()
    assert gone == (None, None)
    await migrate(engine)
    counted = await _assert_frequencies_recounted(engine)
    assert counted
    async with engine.connect() as conn:
        band = (await conn.execute(text("SELECT to_regclass('ix_search_units_tokens_band')"))).scalar_one()
    assert band is not None


async def test_writers_of_crossing_n_grams_wait_for_each_other_instead_of_deadlocking(
    laws_at_head: AsyncEngine,
) -> None:
    """The first writes n-gram B, then (still open) A; the second writes A and B in one statement between the
    two. Row locks alone would cross (the second holding A while waiting for B, the first wanting A): the
    triggers take one transaction-level lock before any frequency row, so the second waits for the first."""
    engine = laws_at_head
    unit = (
        "INSERT INTO search_units (revision_id, seq, in_suppl, law_id, law_type, path, tokens, text) "
        "SELECT l.current_revision_id, 0, false, l.law_id, l.law_type, :path, CAST(:tokens AS tsvector), 'x' "
        "FROM laws l WHERE l.current_revision_id IS NOT NULL ORDER BY l.law_id LIMIT 1"
    )
    first_wrote = asyncio.Event()

    async def first() -> None:
        async with engine.begin() as conn:
            await conn.execute(text(unit), {"path": "zz-1", "tokens": "zzb"})
            first_wrote.set()
            await asyncio.sleep(0.5)  # the second writes meanwhile
            await conn.execute(text(unit), {"path": "zz-2", "tokens": "zza"})

    async def second() -> None:
        await first_wrote.wait()
        async with engine.begin() as conn:
            await conn.execute(text(unit), {"path": "zz-3", "tokens": "zza zzb"})

    await asyncio.wait_for(asyncio.gather(first(), second()), timeout=60)
    counted = await _assert_frequencies_recounted(engine)
    assert (counted["zza"][0], counted["zzb"][0]) == (2, 2)
