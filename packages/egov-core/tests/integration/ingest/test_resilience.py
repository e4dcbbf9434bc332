"""A revision is all-or-nothing: a failed write leaves the old text, a killed run resumes to the same content."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from egov_testsupport import PgTemplates
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.copy_rows import unit_row
from egov_core.errors import StorageError
from egov_core.ingest import ingest_laws, iter_law_sources
from egov_core.ingest._prepare import PreparedRevision, prepare_law
from egov_core.sample import sample_laws_zip
from egov_core.settings import EgovSettings
from egov_core.store import content_hash, create_engine, get_data_version
from egov_core.store.errors import translate_errors
from egov_core.store.import_runs import finish_run_values, start_run
from egov_core.store.ingest_writes import write_revision

pytestmark = pytest.mark.integration


async def _counts(engine: AsyncEngine) -> tuple[int, ...]:
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                text(
                    "SELECT (SELECT count(*) FROM law_revisions), (SELECT count(*) FROM provisions), "
                    "(SELECT count(*) FROM search_units)"
                )
            )
        ).one()
    return tuple(int(v) for v in row)


async def test_failed_write_leaves_the_previous_revision(engine: AsyncEngine, laws_dir: Path) -> None:
    await ingest_laws(engine, [laws_dir], workers=0)
    before, version, digest = await _counts(engine), await get_data_version(engine), await content_hash(engine)

    source = laws_dir / "xml" / "321CONSTITUTION.xml"
    changed = source.read_bytes().replace("戦争".encode(), "紛争".encode())
    prepared = prepare_law(str(source), changed, "321CONSTITUTION", None)
    assert isinstance(prepared, PreparedRevision)
    # The last search-unit row gets a malformed tsvector (positions out of order): COPY fails after the old
    # revision was deleted and the new provisions were written, so only the transaction protects the stored text.
    misordered = b"\x00\x00\x00\x01x\x00\x00\x02\x00\x05\x00\x03"
    bad_row = unit_row("321CONSTITUTION", None, None, "X", 0, False, None, None, "x", misordered)
    broken = replace(prepared, units_binary=(*prepared.units_binary, bad_row))

    async def write() -> None:
        with translate_errors():
            async with engine.begin() as conn:
                await write_revision(conn, broken)

    with pytest.raises(StorageError):
        await write()
    assert await _counts(engine) == before
    assert await get_data_version(engine) == version
    assert await content_hash(engine) == digest


async def test_an_aborted_run_leaves_the_store_searchable(engine: AsyncEngine, laws_dir: Path) -> None:
    """A run that raises after storing laws into an empty store still builds the search index (the bulk
    load dropped it) and merges its pending list, as a finished run does: searches are not left scanning."""
    files = sorted((laws_dir / "xml").glob("*.xml"))[:6]  # past the look-ahead window: some are stored

    def sources() -> Iterator[Path]:
        yield from files
        raise RuntimeError("the source went away")

    async def vacuums() -> int:
        async with engine.connect() as conn:
            sql = "SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'search_units'"
            return int((await conn.execute(text(sql))).scalar_one())

    before = await vacuums()
    with pytest.raises(RuntimeError):
        await ingest_laws(engine, sources(), workers=0, citation_graph=False)
    async with engine.connect() as conn:
        index = (await conn.execute(text("SELECT to_regclass('ix_search_units_tokens')"))).scalar_one()
    assert index is not None
    assert (await _counts(engine))[0] > 0
    for _ in range(50):  # the statistics collector reports the VACUUM a moment later
        if await vacuums() > before:
            break
        await asyncio.sleep(0.1)
    assert await vacuums() > before


@pytest.mark.slow
async def test_kill_minus_nine_then_rerun_equals_clean_import(
    engine: AsyncEngine, db_url: str, pg_templates: PgTemplates
) -> None:
    corpus = sample_laws_zip()  # 33 real revisions (21 MB), bundled with egov-core
    total = sum(1 for _ in iter_law_sources([corpus]))
    process = await asyncio.create_subprocess_exec(
        *[sys.executable, "-m", "egov_core.ingest", "--database-url", db_url, "--workers", "2"],
        *["--no-citation-graph", str(corpus)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the kill takes the parser workers too
    )
    try:
        committed = 0
        for _ in range(1200):
            await asyncio.sleep(0.1)
            committed = (await _counts(engine))[0]
            if committed >= 3 or process.returncode is not None:
                break
        assert process.returncode is None, "the import finished before it could be killed"
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        await process.wait()
    partial = (await _counts(engine))[0]
    assert 3 <= partial < total
    for _ in range(100):  # the killed importer's backends notice the closed sockets and exit
        async with engine.connect() as conn:
            held = (
                await conn.execute(
                    text(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                        "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                    )
                )
            ).scalar_one()
        if held == 0:
            break
        await asyncio.sleep(0.1)

    # No citation graph in these imports: built after a run, it is not what this test is about, and the two
    # sample-corpus graphs were most of its time (277 s of the suite under load).
    resumed = await ingest_laws(engine, [corpus], workers=2, citation_graph=False)
    assert resumed.failed == []
    assert resumed.unchanged >= partial  # what was committed before the kill is complete and kept
    async with engine.connect() as conn:
        runs = (await conn.execute(text("SELECT status FROM import_runs ORDER BY id"))).scalars().all()
    assert runs == ["interrupted", "completed"]  # the killed run is not left 'running' forever

    clean = create_engine(EgovSettings(database={"url": await pg_templates.copy()}))  # migrated once per session
    try:
        summary = await ingest_laws(clean, [corpus], workers=2, citation_graph=False)
        assert (summary.imported, summary.failed) == (total, [])
        assert await content_hash(engine) == await content_hash(clean)
    finally:
        await clean.dispose()


async def test_a_live_run_is_never_marked_interrupted(engine: AsyncEngine) -> None:
    first = await start_run(engine, "laws")
    second = await start_run(engine, "cases")  # would mark dead runs; the first one is alive
    status = text("SELECT status FROM import_runs WHERE id = :id")
    async with engine.connect() as conn:
        assert (await conn.execute(status, {"id": first})).scalar_one() == "running"
    for run_id in (first, second):
        await finish_run_values(engine, run_id, "completed", imported=0, unchanged=0, failed=0, errors=[])
    third = await start_run(engine, "laws")
    async with engine.connect() as conn:
        assert (await conn.execute(status, {"id": first})).scalar_one() == "completed"
        assert (await conn.execute(status, {"id": third})).scalar_one() == "running"
    await finish_run_values(engine, third, "completed", imported=0, unchanged=0, failed=0, errors=[])
