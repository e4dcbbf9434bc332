"""Bulk load into an empty store: the keyword-search GIN index is built once after the load.

Kept up row by row, ``ix_search_units_tokens`` costs PostgreSQL about a fifth of an import's CPU: every
unit's uni+bigram lexemes are inserted one entry at a time, and again whenever a later revision flips
the older units' ``is_current`` flag (an UPDATE writes new index entries). Built in one pass from the
loaded rows (sorted, in ``maintenance_work_mem``), the index costs less than the incremental inserts
alone. So an import that starts on a store without search units drops the index, and the last import
run to finish builds it (``CREATE INDEX IF NOT EXISTS``, so a run killed in between leaves it to the
next run). Keyword search stays correct meanwhile, only slower (no rows were searchable before anyway).

The first band's partial index and the n-gram frequency table (migration 0008) follow the same path: their
triggers do nothing while the search index is absent, and the build rebuilds both. The table is rebuilt
under a SHARE lock on ``search_units`` on a second connection while the first builds the index (two cores
at the end of an import: the build's 9 CPU-s and the table's ~4 overlap); a writer that skipped the table
before the index existed holds a lock both builds wait for, and one after them finds the index.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.store.bands import CREATE_BAND_INDEX, rebuild_token_df
from egov_core.store.database import Database

__all__ = ["begin_bulk_load", "ensure_search_index"]

#: The index as migration 0001 creates it (tables.py: ``ix_search_units_tokens``).
_CREATE = "CREATE INDEX IF NOT EXISTS ix_search_units_tokens ON search_units USING gin (tokens)"
#: Memory for the build (PostgreSQL's, not the importer's). GIN collects entries in a red-black tree of
#: this size and merges it into the index when full; a smaller tree costs fewer comparisons per token
#: (each one a function call) and fits the CPU caches better, and that outweighs the extra merges: on the
#: shared corpus (101,244 units) the build cost 8.4-9.3 CPU-s at 16MB, 9.0-9.8 at 32MB, 8.9-11.0 at 64MB
#: and 11.1-12.1 at 256MB (2026-12-04, load 4-6, same index size). 32MB leaves room for larger corpora.
_BUILD_MEMORY = "32MB"
_EMPTY = text("SELECT NOT EXISTS (SELECT 1 FROM search_units)")


async def begin_bulk_load(engine: AsyncEngine) -> bool:
    """Drop the search index when the store holds no search units yet.

    Returns:
        Whether the store was empty (the index is then absent until :func:`ensure_search_index`).
    """
    async with engine.connect() as conn:
        if not (await conn.execute(_EMPTY)).scalar_one():
            return False
    async with engine.begin() as conn:
        # The table lock first, then the check: two importers starting at once (shards) would otherwise
        # both read under a share lock and then both wait to upgrade it for the DROP, a deadlock. Waiting
        # behind another importer's write is expected here, so no statement timeout.
        await conn.execute(text("SELECT set_config('statement_timeout', '0', true)"))
        await conn.execute(text("LOCK TABLE search_units IN ACCESS EXCLUSIVE MODE"))
        empty = bool((await conn.execute(_EMPTY)).scalar_one())
        if empty:
            await conn.execute(text("DROP INDEX IF EXISTS ix_search_units_tokens"))
            await conn.execute(text("DROP INDEX IF EXISTS ix_search_units_tokens_band"))
    return empty


async def ensure_search_index(engine: AsyncEngine) -> None:
    """Build the search indexes and the n-gram frequencies if the search index is missing (else a no-op)."""
    database = Database(engine)
    async with database.maintenance() as conn:
        # Checked first: CREATE INDEX IF NOT EXISTS takes its table lock before it looks, and would wait
        # for every import writing search units at the end of every run.
        if (await conn.execute(text("SELECT to_regclass('ix_search_units_tokens')"))).scalar_one() is not None:
            return

        async def band_and_frequencies() -> None:
            async with database.write() as other:
                await other.execute(text("SELECT set_config('statement_timeout', '0', true)"))
                await other.execute(text(f"SELECT set_config('maintenance_work_mem', '{_BUILD_MEMORY}', true)"))
                await rebuild_token_df(other)
                await other.execute(text(CREATE_BAND_INDEX))

        await conn.execute(text(f"SET maintenance_work_mem = '{_BUILD_MEMORY}'"))
        try:
            # A task group: when one build fails the other is cancelled (its transaction rolled back), not left
            # running behind the error; the error itself is raised as it came (callers and translate_errors
            # know database errors, not exception groups).
            try:
                async with asyncio.TaskGroup() as builds:
                    builds.create_task(conn.execute(text(_CREATE)))
                    builds.create_task(band_and_frequencies())
            except ExceptionGroup as failed:
                raise failed.exceptions[0] from None
        finally:
            await conn.execute(text("RESET maintenance_work_mem"))
