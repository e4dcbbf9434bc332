"""Importers running at once (overlapping runs, shards of one import) against real PostgreSQL: every
revision is written exactly once, each publish bumps data_version once, and the result equals one clean
import (the citation graph included, built by the last run to finish)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.ingest import Shard, ingest_laws, iter_law_sources, parse_shard
from egov_core.settings import EgovSettings
from egov_core.store import content_hash, create_engine, get_data_version

pytestmark = pytest.mark.integration


async def _importer(url: str, laws_dir: Path, shard: str | None = None) -> dict[str, Any]:
    """``python -m egov_core.ingest`` in a process of its own (no parser workers: the runs overlap longer)."""
    args = [sys.executable, "-m", "egov_core.ingest", "--database-url", url, "--workers", "0"]
    if shard is not None:
        args += ["--shard", shard]
    process = await asyncio.create_subprocess_exec(*args, str(laws_dir), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()[-2000:]
    result: dict[str, Any] = orjson.loads(out.splitlines()[-1])
    return result


async def _revisions(engine: AsyncEngine) -> tuple[int, int, int]:
    """(revisions, distinct revision ids, revisions without a citation graph)."""
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                text(
                    "SELECT count(*), count(DISTINCT law_revision_id), count(*) FILTER (WHERE citation_count IS NULL) "
                    "FROM law_revisions"
                )
            )
        ).one()
    return int(row[0]), int(row[1]), int(row[2])


async def _clean_hash(pg_templates: Any, laws_dir: Path) -> str:
    clean = create_engine(EgovSettings(database={"url": await pg_templates.copy()}))
    try:
        await ingest_laws(clean, [laws_dir], workers=0)
        return await content_hash(clean)
    finally:
        await clean.dispose()


async def test_overlapping_importers_write_each_revision_once(
    engine: AsyncEngine, db_url: str, laws_dir: Path, pg_templates: Any
) -> None:
    total = sum(1 for _ in iter_law_sources([laws_dir]))
    version = await get_data_version(engine)

    first, second = await asyncio.gather(_importer(db_url, laws_dir), _importer(db_url, laws_dir))

    assert first["imported"] + second["imported"] == total  # none lost, none written twice
    assert first["unchanged"] + second["unchanged"] == total  # what one wrote, the other found stored
    assert first["failed"] == second["failed"] == []
    assert await _revisions(engine) == (total, total, 0)  # no duplicates; the graph built for all
    assert await get_data_version(engine) == version + total  # one publish per revision written
    assert await content_hash(engine) == await _clean_hash(pg_templates, laws_dir)


async def test_shards_split_by_law_and_add_up_to_one_import(
    engine: AsyncEngine, db_url: str, laws_dir: Path, pg_templates: Any
) -> None:
    items = list(iter_law_sources([laws_dir]))
    shards = [Shard(0, 2), Shard(1, 2)]
    per_shard = [sum(1 for i in items if s.holds(i)) for s in shards]
    assert sum(per_shard) == len(items)
    for law_id in {i.law_id for i in items}:  # every revision of a law in one shard
        assert len({s.index for s in shards for i in items if i.law_id == law_id and s.holds(i)}) == 1
    version = await get_data_version(engine)

    results = await asyncio.gather(*(_importer(db_url, laws_dir, str(s)) for s in shards))

    assert [r["imported"] for r in results] == per_shard
    assert [r["unchanged"] for r in results] == [0, 0]
    assert await _revisions(engine) == (len(items), len(items), 0)
    assert await get_data_version(engine) == version + len(items)
    assert await content_hash(engine) == await _clean_hash(pg_templates, laws_dir)


def test_shard_syntax_is_checked() -> None:
    assert parse_shard(" 3 / 4 ") == Shard(3, 4)
    for bad in ("4/4", "1", "-1/2", "a/b", "1/0", "0/99999"):
        with pytest.raises(ValueError, match="shard"):
            parse_shard(bad)


async def test_importers_starting_together_on_an_empty_store_do_not_deadlock(engine: AsyncEngine, db_url: str) -> None:
    """Both check the store is empty and drop the search index: the table lock comes first, so neither
    waits to upgrade a share lock the other holds (the bench's 2 shards deadlocked on that once)."""
    from egov_core.store.bulk_load import begin_bulk_load, ensure_search_index

    other = create_engine(EgovSettings(database={"url": db_url}))
    try:
        for _ in range(5):
            assert await asyncio.gather(begin_bulk_load(engine), begin_bulk_load(other)) == [True, True]
            await ensure_search_index(engine)
    finally:
        await other.dispose()
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT to_regclass('ix_search_units_tokens')"))).scalar_one() is not None
