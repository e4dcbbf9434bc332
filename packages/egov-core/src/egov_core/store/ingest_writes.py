"""The law import's writes: one law revision written (and published) in one transaction.

The import's parser workers hand over a revision as COPY text rows (:mod:`egov_core.copy_rows`); this
module inserts the revision row, re-picks the law's current revision, streams the rows in and bumps
data_version, all in the caller's transaction, so readers see a revision entirely or not at all.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any, Protocol

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from egov_core.copy_rows import DEFINITION_COLUMNS, PROVISION_COLUMNS, REVISION_ID_MARK, UNIT_COLUMNS, binary_copy
from egov_core.store.data_version import BUMP_DATA_VERSION_SQL

__all__ = [
    "RevisionRows",
    "import_driver",
    "publish",
    "recompute_current_revision",
    "refresh_all_current_revisions",
    "write_revision",
]


class RevisionRows(Protocol):
    """What the store needs of a prepared revision (:class:`egov_core.ingest._prepare.PreparedRevision`)."""

    @property
    def name(self) -> str: ...
    @property
    def checksum(self) -> str: ...
    @property
    def law_id(self) -> str: ...
    @property
    def law_revision_id(self) -> str: ...
    @property
    def synthesized(self) -> bool: ...
    @property
    def enforcement_date(self) -> date | None: ...
    @property
    def revision_row(self) -> dict[str, object]: ...
    @property
    def law_row(self) -> dict[str, object]: ...
    @property
    def tree(self) -> bytes: ...
    @property
    def provision_count(self) -> int: ...
    @property
    def provisions_copy(self) -> bytes: ...
    @property
    def units_binary(self) -> tuple[bytes, ...]: ...
    @property
    def definitions_copy(self) -> bytes: ...
    @property
    def definition_count(self) -> int: ...
    @property
    def parser_version(self) -> int: ...


_REVISION_INSERT = """
INSERT INTO law_revisions (
    law_id, law_revision_id, enforcement_date, amendment_law_id, status, title, law_num, checksum,
    source_format, source_name, tree, provision_count, imported_at, revision_id_synthesized,
    title_kana, abbrev, law_type, era, year, num, promulgation_date, category,
    amendment_promulgate_date, repeal_type, data_info, lang, definition_count, parser_version
) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, now(), $13,
          $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27)
RETURNING id
"""

# SCHEMA.md: current = among revisions in force by today (or undated), the greatest
# (enforcement_date NULLS FIRST, law_revision_id); when all lie in the future, the earliest one, so the
# law still shows a text. laws.* mirrors that revision's metadata, whatever order revisions arrived in.
_CURRENT = """
WITH pick AS (
    SELECT id FROM law_revisions
    WHERE law_id = $1
    ORDER BY (enforcement_date IS NULL OR enforcement_date <= CURRENT_DATE) DESC,
             CASE WHEN enforcement_date IS NULL OR enforcement_date <= CURRENT_DATE THEN enforcement_date END
                 DESC NULLS LAST,
             CASE WHEN enforcement_date IS NULL OR enforcement_date <= CURRENT_DATE THEN law_revision_id END DESC,
             enforcement_date ASC, law_revision_id ASC
    LIMIT 1
)
UPDATE laws l SET current_revision_id = r.id, law_num = r.law_num, title = r.title, title_kana = r.title_kana,
       abbrev = r.abbrev, law_type = r.law_type, era = r.era, year = r.year, num = r.num,
       promulgation_date = r.promulgation_date, category = r.category, updated_at = now()
FROM pick JOIN law_revisions r ON r.id = pick.id
WHERE l.law_id = $1
"""

# The same choice for every law at once; only laws whose current revision changes are touched.
_REFRESH_ALL = """
WITH pick AS (
    SELECT DISTINCT ON (law_id) law_id, id FROM law_revisions
    ORDER BY law_id,
             (enforcement_date IS NULL OR enforcement_date <= CURRENT_DATE) DESC,
             CASE WHEN enforcement_date IS NULL OR enforcement_date <= CURRENT_DATE THEN enforcement_date END
                 DESC NULLS LAST,
             CASE WHEN enforcement_date IS NULL OR enforcement_date <= CURRENT_DATE THEN law_revision_id END DESC,
             enforcement_date ASC, law_revision_id ASC
)
UPDATE laws l SET current_revision_id = r.id, law_num = r.law_num, title = r.title, title_kana = r.title_kana,
       abbrev = r.abbrev, law_type = r.law_type, era = r.era, year = r.year, num = r.num,
       promulgation_date = r.promulgation_date, category = r.category, updated_at = now()
FROM pick JOIN law_revisions r ON r.id = pick.id
WHERE l.law_id = pick.law_id AND l.current_revision_id IS DISTINCT FROM pick.id
RETURNING l.law_id
"""

_LAW_INSERT = (
    "INSERT INTO laws (law_id, law_num, title, law_type, updated_at) VALUES ($1, $2, $3, $4, now()) "
    "ON CONFLICT (law_id) DO NOTHING"
)


#: ``AsyncConnection.info`` key (kept with the pooled DBAPI connection): whether its server has lz4.
_LZ4_KEY = "egov_lz4_toast"
_LZ4_SUPPORTED = text("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")


async def _lz4_supported(conn: AsyncConnection) -> bool:
    """Whether the server was built with lz4 (asked once per pooled connection; pg_settings costs ~1 ms)."""
    supported = conn.info.get(_LZ4_KEY)
    if supported is None:
        supported = bool((await conn.execute(_LZ4_SUPPORTED)).scalar_one_or_none())
        conn.info[_LZ4_KEY] = supported
    return bool(supported)


async def import_driver(conn: AsyncConnection, *, synchronous_commit: bool = False) -> Any:
    """The asyncpg connection under ``conn``, inside the open transaction, set up for bulk writes.

    Import transactions may run longer than an API read, so the statement timeout is lifted for this
    transaction; unless ``synchronous_commit``, they need not wait for fsync either: a crash loses at most
    the last commits, which a rerun restores (nothing is ever half-visible). Where the server has lz4, the
    transaction TOAST-compresses with it instead of pglz (the values read back are the same): the trees,
    unit texts and tokens are the values large enough to compress, and on the shared corpus pglz spent
    ~3.3 CPU-s more than lz4 on them (units' text and tokens 5.6 against 3.4 CPU-s, trees 1.7 against 0.6),
    much of it trying the binary tokens only to store them uncompressed; lz4 stores the units 8 % smaller.
    PostgreSQL builds without lz4 (the embedded server's) keep pglz.
    """
    settings = ["set_config('statement_timeout', '0', true)"]
    if not synchronous_commit:
        settings.append("set_config('synchronous_commit', 'off', true)")
    if await _lz4_supported(conn):
        settings.append("set_config('default_toast_compression', 'lz4', true)")
    await conn.execute(text(f"SELECT {', '.join(settings)}"))
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection
    # SQLAlchemy opens the transaction lazily; the statement above did, so COPY joins it.
    assert driver is not None
    assert driver.is_in_transaction()
    return driver


async def recompute_current_revision(driver: Any, law_id: str) -> None:
    """Point ``laws.current_revision_id`` (and the law's metadata) at its current revision."""
    await driver.execute(_CURRENT, law_id)


async def refresh_all_current_revisions(conn: AsyncConnection) -> list[str]:
    """Re-pick every law's current revision (as dates pass, future revisions come into force).

    Bumps data_version, in the caller's transaction, only when some law changed.

    Returns:
        The law ids whose current revision changed.
    """
    driver = await import_driver(conn)
    changed = [str(r["law_id"]) for r in await driver.fetch(_REFRESH_ALL)]
    if changed:
        await publish(driver)
    return changed


async def publish(driver: Any) -> int:
    """Bump data_version and NOTIFY it (delivered when the caller's transaction commits)."""
    row = await driver.fetchrow(BUMP_DATA_VERSION_SQL)
    return int(row["value"])


async def write_revision(conn: AsyncConnection, rev: RevisionRows) -> bool:
    """Write ``rev`` (replacing a different stored text of the same revision) inside the caller's transaction.

    Returns:
        False when identical bytes were already stored by the same parser version (nothing written), True
        otherwise.
    """
    driver = await import_driver(conn)
    # Serialise writers of the same law (two imports at once) without blocking other laws.
    await driver.execute("SELECT pg_advisory_xact_lock(hashtext($1))", rev.law_id)
    existing = await driver.fetchrow(
        "SELECT id, checksum, parser_version FROM law_revisions WHERE law_revision_id = $1", rev.law_revision_id
    )
    if existing is not None and (existing["checksum"], existing["parser_version"]) == (
        rev.checksum,
        rev.parser_version,
    ):
        return False
    if rev.synthesized and await driver.fetchval(
        "SELECT 1 FROM law_revisions WHERE law_id = $1 AND checksum = $2 AND parser_version = $3",
        rev.law_id,
        rev.checksum,
        rev.parser_version,
    ):
        return False
    law = rev.law_row
    await driver.execute(_LAW_INSERT, rev.law_id, law["law_num"], law["title"], law["law_type"])
    if existing is not None:
        await driver.execute("DELETE FROM law_revisions WHERE id = $1", existing["id"])
    if rev.synthesized:
        # A revision without an id of its own is a snapshot (the 2020 bulk files): a new snapshot of the
        # same law and enforcement date replaces the old one instead of piling up beside it.
        await driver.execute(
            "DELETE FROM law_revisions WHERE law_id = $1 AND revision_id_synthesized "
            "AND enforcement_date IS NOT DISTINCT FROM $2",
            rev.law_id,
            rev.enforcement_date,
        )
    r = rev.revision_row
    revision_id = await driver.fetchval(
        _REVISION_INSERT,
        rev.law_id,
        rev.law_revision_id,
        r["enforcement_date"],
        r["amendment_law_id"],
        r["status"],
        law["title"],
        law["law_num"],
        rev.checksum,
        r["source_format"],
        rev.name,
        rev.tree,
        rev.provision_count,
        rev.synthesized,
        law["title_kana"],
        law["abbrev"],
        law["law_type"],
        law["era"],
        law["year"],
        law["num"],
        law["promulgation_date"],
        law["category"],
        r["amendment_promulgate_date"],
        r["repeal_type"],
        r["data_info"],
        r["lang"],
        rev.definition_count,
        rev.parser_version,
    )
    # The current revision is picked before the units are written: a trigger flags each new unit from
    # laws.current_revision_id (and re-flags the law's older units), so the rows are right when written
    # instead of being rewritten afterwards.
    await recompute_current_revision(driver, rev.law_id)
    mark = str(revision_id).encode()
    for table, columns, rows in (
        ("provisions", PROVISION_COLUMNS, rev.provisions_copy),
        ("definitions", DEFINITION_COLUMNS, rev.definitions_copy),
    ):
        if rows:
            await driver.copy_to_table(
                table, source=io.BytesIO(rows.replace(REVISION_ID_MARK, mark)), columns=columns, format="text"
            )
    if rev.units_binary:
        # Binary: the tokens arrive as binary tsvector, which PostgreSQL stores without parsing or sorting.
        data = binary_copy(rev.units_binary, len(UNIT_COLUMNS), revision_id)
        await driver.copy_to_table("search_units", source=io.BytesIO(data), columns=UNIT_COLUMNS, format="binary")
    await publish(driver)
    return True
