"""Law import on real e-Gov documents: counts, idempotency, replacement, bad files, ZIP input."""

from __future__ import annotations

import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from egov_testsupport import PgTemplates
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.ingest import ImportProgress, ingest_laws, iter_law_sources, refresh_current_revisions
from egov_core.settings import EgovSettings
from egov_core.store import content_hash, create_engine, get_data_version

pytestmark = pytest.mark.integration

CountFn = Callable[[bytes], Counter[str]]

_TABLES = ("laws", "law_revisions", "provisions", "search_units")


async def _row_counts(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as conn:
        return {t: int((await conn.execute(text(f"SELECT count(*) FROM {t}"))).scalar_one()) for t in _TABLES}


async def _stored_counts(engine: AsyncEngine) -> dict[str, Counter[str]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT r.source_name, p.kind, count(*) FROM provisions p JOIN law_revisions r ON r.id = p.revision_id "
                "WHERE p.kind IN ('Article', 'Paragraph', 'Item') GROUP BY 1, 2"
            )
        )
        out: dict[str, Counter[str]] = {}
        for source, kind, n in rows:
            out.setdefault(source, Counter())[kind] = n
        return out


async def _misflagged(engine: AsyncEngine) -> int:
    """Units whose ``is_current`` flag (kept by triggers) disagrees with ``laws.current_revision_id``."""
    async with engine.connect() as conn:
        return int(
            (
                await conn.execute(
                    text(
                        "SELECT count(*) FROM search_units su JOIN laws l ON l.law_id = su.law_id "
                        "WHERE su.is_current IS DISTINCT FROM (su.revision_id = l.current_revision_id)"
                    )
                )
            ).scalar_one()
        )


async def _current_flagged(engine: AsyncEngine, law_id: str) -> set[str]:
    """law_revision_id of the revisions whose units are flagged current."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT DISTINCT r.law_revision_id FROM search_units su JOIN law_revisions r ON r.id = su.revision_id "
                "WHERE su.law_id = :law_id AND su.is_current"
            ),
            {"law_id": law_id},
        )
        return {r[0] for r in rows}


async def test_import_stores_every_revision_with_exact_counts(
    engine: AsyncEngine, laws_dir: Path, count_elements: CountFn
) -> None:
    events: list[ImportProgress] = []
    summary = await ingest_laws(engine, [laws_dir], progress=events.append, workers=0)

    # 5 bulk files + 2 revisions (their .json twins are skipped in favour of the XML).
    assert (summary.imported, summary.unchanged, summary.failed) == (7, 0, [])
    assert [e.done for e in events] == list(range(1, 8))
    assert summary.bytes == sum(item.size for item in iter_law_sources([laws_dir]))
    assert await get_data_version(engine) == 1 + 7
    assert await _misflagged(engine) == 0

    stored = await _stored_counts(engine)
    for item in iter_law_sources([laws_dir]):
        expected = +count_elements(item.read())
        assert stored.get(item.name, Counter()) == expected, item.name

    async with engine.connect() as conn:
        revs = (
            await conn.execute(
                text(
                    "SELECT r.law_revision_id, r.enforcement_date::text, r.revision_id_synthesized, "
                    "(l.current_revision_id = r.id) FROM law_revisions r JOIN laws l USING (law_id) "
                    "WHERE law_id = '505AC0000000032' ORDER BY 1"
                )
            )
        ).all()
        constitution = (
            await conn.execute(
                text(
                    "SELECT l.title, l.law_type, r.law_revision_id FROM laws l "
                    "JOIN law_revisions r ON r.id = l.current_revision_id WHERE l.law_id = '321CONSTITUTION'"
                )
            )
        ).one()
        unit = (
            await conn.execute(
                text(
                    "SELECT u.text FROM search_units u JOIN laws l ON l.current_revision_id = u.revision_id "
                    "WHERE l.law_id = '321CONSTITUTION' AND u.path = 'MainProvision-Article_9' AND u.seq = 0"
                )
            )
        ).scalar_one()
        hits = (
            await conn.execute(
                text("SELECT count(*) FROM search_units WHERE tokens @@ '武力 <-> 力に <-> によ <-> よる'::tsquery")
            )
        ).scalar_one()
        no_article_units = (
            await conn.execute(
                text(
                    "SELECT count(*) FROM search_units WHERE law_id = '327M50000040035' "
                    "AND path LIKE 'MainProvision-Paragraph%'"
                )
            )
        ).scalar_one()
    # Both revisions stored; the later one in force today is current.
    assert revs == [
        ("505AC0000000032_20230519_000000000000000", "2023-05-19", False, False),
        ("505AC0000000032_20230630_000000000000000", "2023-06-30", False, True),
    ]
    assert constitution[0] == "日本国憲法"
    assert constitution[1] == "Constitution"
    assert constitution[2].startswith("321CONSTITUTION_")  # synthesised: the bulk file carries no id
    assert "戦争" in unit
    assert hits >= 1
    assert no_article_units >= 1  # a law without articles is searchable by its paragraphs


async def test_reimport_is_a_noop(engine: AsyncEngine, laws_dir: Path) -> None:
    await ingest_laws(engine, [laws_dir], workers=0)
    version, counts, digest = await get_data_version(engine), await _row_counts(engine), await content_hash(engine)

    again = await ingest_laws(engine, [laws_dir], workers=0)

    assert (again.imported, again.unchanged, again.failed) == (0, 7, [])
    assert await get_data_version(engine) == version
    assert await _row_counts(engine) == counts
    assert await content_hash(engine) == digest


async def test_changed_file_replaces_its_revision(engine: AsyncEngine, laws_dir: Path) -> None:
    await ingest_laws(engine, [laws_dir], workers=0)
    before = await _row_counts(engine)
    version = await get_data_version(engine)

    bulk = laws_dir / "xml" / "321CONSTITUTION.xml"
    bulk.write_bytes(bulk.read_bytes().replace("戦争".encode(), "紛争".encode()))
    dated = next((laws_dir / "revisions").rglob("505AC0000000032_20230630_000000000000000.xml"))
    dated.write_bytes(dated.read_bytes().replace("この法律".encode(), "本法".encode(), 1))

    summary = await ingest_laws(engine, [laws_dir], workers=0)

    assert (summary.imported, summary.unchanged, summary.failed) == (2, 5, [])
    assert await get_data_version(engine) == version + 2
    assert await _row_counts(engine) == before  # replaced, not added
    async with engine.connect() as conn:
        article9 = (
            await conn.execute(
                text(
                    "SELECT p.text FROM provisions p JOIN laws l ON l.current_revision_id = p.revision_id "
                    "WHERE l.law_id = '321CONSTITUTION' AND p.path = 'MainProvision-Article_9-Paragraph_1'"
                )
            )
        ).scalar_one()
    assert "紛争" in article9
    assert "戦争" not in article9


async def test_broken_file_is_reported_and_skipped(engine: AsyncEngine, laws_dir: Path) -> None:
    broken = laws_dir / "xml" / "302AC0000000055.xml"
    broken.write_bytes(broken.read_bytes()[: broken.stat().st_size // 2])

    summary = await ingest_laws(engine, [laws_dir], workers=0)

    assert summary.imported == 6
    assert len(summary.failed) == 1
    source, reason = summary.failed[0]
    assert source == str(broken)
    assert "LawParseError" in reason
    assert str(broken) in reason  # the parser names the file (and the element path where it knows it)
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM laws WHERE law_id = '302AC0000000055'"))).scalar() == 0
        run = (await conn.execute(text("SELECT status, imported, failed, errors FROM import_runs"))).one()
    assert run[:3] == ("completed_with_errors", 6, 1)
    assert run[3][0]["source"] == str(broken)


def _zip_tree(root: Path, archive: Path) -> None:
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(root).as_posix())


async def test_zip_input_matches_directory_input(
    engine: AsyncEngine, laws_dir: Path, tmp_path: Path, pg_templates: PgTemplates
) -> None:
    archive = tmp_path / "all_xml.zip"
    _zip_tree(laws_dir, archive)

    # The citation graph is not what this compares (and was most of its time): both imports leave it out.
    summary = await ingest_laws(engine, [archive], citation_graph=False)

    assert (summary.imported, summary.failed) == (7, [])
    other = create_engine(EgovSettings(database={"url": await pg_templates.copy()}))  # migrated once per session
    try:
        await ingest_laws(other, [laws_dir], workers=0, citation_graph=False)
        assert await content_hash(other) == await content_hash(engine)
    finally:
        await other.dispose()


async def test_current_revision_follows_enforcement_dates(engine: AsyncEngine, laws_dir: Path) -> None:
    await ingest_laws(engine, [laws_dir], workers=0)
    version = await get_data_version(engine)
    assert await refresh_current_revisions(engine) == []  # nothing to change right after an import
    assert await get_data_version(engine) == version

    current = text(
        "SELECT r.law_revision_id FROM laws l JOIN law_revisions r ON r.id = l.current_revision_id "
        "WHERE l.law_id = '505AC0000000032'"
    )
    async with engine.begin() as conn:
        # Pretend the later revision is not in force yet: the earlier one must become current.
        await conn.execute(
            text(
                "UPDATE law_revisions SET enforcement_date = DATE '2999-01-01' "
                "WHERE law_revision_id = '505AC0000000032_20230630_000000000000000'"
            )
        )
    assert await refresh_current_revisions(engine) == ["505AC0000000032"]
    assert await get_data_version(engine) == version + 1
    async with engine.connect() as conn:
        assert (await conn.execute(current)).scalar_one() == "505AC0000000032_20230519_000000000000000"
    # Keyword search reads the flag: it followed the refresh.
    assert await _current_flagged(engine, "505AC0000000032") == {"505AC0000000032_20230519_000000000000000"}
    assert await _misflagged(engine) == 0

    async with engine.begin() as conn:
        # Every revision in the future: none is in force, the earliest is shown.
        await conn.execute(
            text(
                "UPDATE law_revisions SET enforcement_date = enforcement_date + 365000 WHERE law_id = '505AC0000000032'"
            )
        )
    await refresh_current_revisions(engine)
    async with engine.connect() as conn:
        assert (await conn.execute(current)).scalar_one() == "505AC0000000032_20230519_000000000000000"


async def test_v2_json_document_imports_like_its_xml_twin(
    engine: AsyncEngine, laws_dir: Path, count_elements: CountFn
) -> None:
    stem = "505AC0000000032_20230630_000000000000000"
    json_file = laws_dir / "revisions" / "505AC0000000032" / stem / f"{stem}.json"
    summary = await ingest_laws(engine, [json_file], workers=0)
    assert (summary.imported, summary.failed) == (1, [])
    stored = await _stored_counts(engine)
    assert stored[str(json_file)] == +count_elements(json_file.with_suffix(".xml").read_bytes())
    async with engine.connect() as conn:
        row = (
            await conn.execute(text("SELECT law_revision_id, source_format, enforcement_date::text FROM law_revisions"))
        ).one()
    assert tuple(row) == (stem, "json", "2023-06-30")


async def test_units_are_flagged_current_whatever_order_revisions_arrive_in(
    engine: AsyncEngine, laws_dir: Path
) -> None:
    revisions = sorted((laws_dir / "revisions" / "505AC0000000032").glob("*/*.xml"))
    assert len(revisions) == 2
    older, newer = revisions
    await ingest_laws(engine, [newer], workers=0)
    assert await _current_flagged(engine, "505AC0000000032") == {newer.stem}
    # An older revision arriving later is history: the newer one stays current, its units too.
    await ingest_laws(engine, [older], workers=0)
    assert await _current_flagged(engine, "505AC0000000032") == {newer.stem}
    assert await _misflagged(engine) == 0
    # Deleting the current revision leaves the law pointing nowhere until an import picks again.
    async with engine.begin() as conn:
        await conn.execute(text("DELETE FROM law_revisions WHERE law_revision_id = :id"), {"id": newer.stem})
    assert await _current_flagged(engine, "505AC0000000032") == set()
    await refresh_current_revisions(engine)
    assert await _current_flagged(engine, "505AC0000000032") == {older.stem}
    assert await _misflagged(engine) == 0


async def test_a_new_parser_version_reimports_unchanged_bytes(
    engine: AsyncEngine, laws_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parser fixes reach existing stores: bytes stored by an older parser version are parsed again."""
    from egov_core.ingest import _prepare, pipeline
    from egov_core.ingest.version import PARSER_VERSION
    from egov_core.store import stored_revisions

    await ingest_laws(engine, [laws_dir], workers=0)
    version, counts, digest = await get_data_version(engine), await _row_counts(engine), await content_hash(engine)
    async with engine.connect() as conn:
        ids_sums = (await conn.execute(text("SELECT law_revision_id, checksum FROM law_revisions"))).all()
    ids, sums = [r[0] for r in ids_sums], [r[1] for r in ids_sums]

    newer = PARSER_VERSION + 1
    monkeypatch.setattr(pipeline, "PARSER_VERSION", newer)
    monkeypatch.setattr(_prepare, "PARSER_VERSION", newer)
    again = await ingest_laws(engine, [laws_dir], workers=0)

    assert (again.imported, again.unchanged, again.failed) == (7, 0, [])
    assert await get_data_version(engine) == version + 7  # each revision published on its own
    assert await _row_counts(engine) == counts  # replaced, not added (synthesised ids are stable)
    assert await content_hash(engine) == digest  # same parser code here, so the same rows
    async with engine.connect() as conn:
        stored = (await conn.execute(text("SELECT DISTINCT parser_version FROM law_revisions"))).scalars().all()
        assert stored == [newer]
        # egov sync asks the same question: checksums stored by an older version are not "unchanged".
        assert await stored_revisions(conn, ids, sums, PARSER_VERSION) == (set(ids), set())
        assert await stored_revisions(conn, ids, sums, newer) == (set(ids), set(sums))

    third = await ingest_laws(engine, [laws_dir], workers=0)
    assert (third.imported, third.unchanged) == (0, 7)


async def _search_index_oid(engine: AsyncEngine) -> int | None:
    async with engine.connect() as conn:
        oid = (await conn.execute(text("SELECT to_regclass('ix_search_units_tokens')::oid"))).scalar_one()
    return None if oid is None else int(oid)


async def test_the_search_index_is_built_once_after_a_bulk_load(engine: AsyncEngine, laws_dir: Path) -> None:
    """Into an empty store the GIN index is dropped and built after the load; a later import keeps it."""
    migrated = await _search_index_oid(engine)
    assert migrated is not None

    await ingest_laws(engine, [laws_dir], workers=0)

    built = await _search_index_oid(engine)
    assert built is not None
    assert built != migrated  # rebuilt after the rows were in
    async with engine.connect() as conn:
        valid = (
            await conn.execute(text("SELECT indisvalid FROM pg_index WHERE indexrelid = :oid"), {"oid": built})
        ).scalar_one()
        assert valid
        await conn.execute(text("SET LOCAL enable_seqscan = off"))
        hits = (
            await conn.execute(text("SELECT count(*) FROM search_units WHERE tokens @@ '戦争'::tsquery"))
        ).scalar_one()
    assert hits > 0  # found through the index (sequential scans disabled)

    bulk = laws_dir / "xml" / "321CONSTITUTION.xml"
    bulk.write_bytes(bulk.read_bytes().replace("戦争".encode(), "紛争".encode()))
    again = await ingest_laws(engine, [laws_dir], workers=0)
    assert again.imported == 1
    assert await _search_index_oid(engine) == built  # not dropped: the store was not empty


async def test_large_values_are_compressed_with_lz4_where_the_server_has_it(
    engine: AsyncEngine, laws_dir: Path
) -> None:
    """Imports TOAST-compress with lz4 (cheaper than pglz) when the server was built with it, else pglz."""
    await ingest_laws(engine, [laws_dir], workers=0)
    async with engine.connect() as conn:
        lz4 = (
            await conn.execute(
                text("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
            )
        ).scalar_one()
        methods = {
            table: set(
                (
                    await conn.execute(
                        text(f"SELECT DISTINCT pg_column_compression({column}) FROM {table} WHERE {column} IS NOT NULL")
                    )
                ).scalars()
            )
            for table, column in (("law_revisions", "tree"), ("search_units", "tokens"))
        }
        default = (await conn.execute(text("SHOW default_toast_compression"))).scalar_one()
    expected = "lz4" if lz4 else "pglz"
    # Small values are stored uncompressed (NULL); every compressed one uses the import's method.
    assert {table: m - {None} for table, m in methods.items()} == {
        "law_revisions": {expected},  # the fixtures do hold values large enough to compress
        "search_units": {expected},
    }
    assert default == "pglz"  # only the import's transactions changed it
