"""Backup and restore for real: pg_dump -Fc, pg_restore into a fresh database, identical content.

Against this machine's PostgreSQL 15 (the test server) and the embedded PostgreSQL 16 + pgvector
(the default deployment), each with the client programs of its own version.
"""

from __future__ import annotations

import asyncio
import csv
import stat
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information
import pytest
from sqlalchemy.engine import make_url

from egov_core.errors import BackupFailedError, BackupToolMissingError
from egov_core.ops import backup, find_pg_tools, restore, server_version
from egov_core.store import EmbeddedPostgres

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).parent / "fixtures"
TABLES = ("law_index", "law_document", "law_article")


def libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def fill(url: str, *, with_vector: bool = False) -> None:
    """A few tables of real data: the law index, 日本国憲法 as a document and split into articles."""
    with (FIXTURES / "lawhub_index_head200.tsv").open(encoding="utf-8", newline="") as f:
        index = [
            (r["LawId"] or None, r["LawNum"], r["LawTitle"], r["LawType"], int(r["bytes"]))
            for r in csv.DictReader(f, delimiter="\t")
        ]
    xml = (FIXTURES / "321CONSTITUTION.xml").read_bytes()
    articles = xml.decode("utf-8").split("<Article ")[1:]
    conn = await asyncpg.connect(libpq(url))
    try:
        await conn.execute(
            """
            CREATE TABLE law_index (id serial PRIMARY KEY, law_id text, law_num text NOT NULL, title text NOT NULL,
                                    law_type text NOT NULL, bytes integer NOT NULL);
            CREATE INDEX law_index_title ON law_index (title);
            CREATE TABLE law_document (law_id text PRIMARY KEY, xml bytea NOT NULL, meta jsonb NOT NULL);
            CREATE TABLE law_article (law_id text REFERENCES law_document, seq integer, body text NOT NULL,
                                      PRIMARY KEY (law_id, seq));
            """
        )
        await conn.executemany(
            "INSERT INTO law_index (law_id, law_num, title, law_type, bytes) VALUES ($1, $2, $3, $4, $5)", index
        )
        await conn.execute(
            "INSERT INTO law_document VALUES ($1, $2, $3::jsonb)", "321CONSTITUTION", xml, '{"title": "日本国憲法"}'
        )
        await conn.executemany(
            "INSERT INTO law_article VALUES ($1, $2, $3)", [("321CONSTITUTION", i, a) for i, a in enumerate(articles)]
        )
        if with_vector:
            await conn.execute("CREATE EXTENSION vector")
            await conn.execute("CREATE TABLE law_vector (law_id text PRIMARY KEY, v vector(3))")
            await conn.execute("INSERT INTO law_vector VALUES ('321CONSTITUTION', '[0.25,-1,3.5]')")
    finally:
        await conn.close()


async def snapshot(url: str, tables: tuple[str, ...] = TABLES) -> dict[str, tuple[int, str]]:
    """Row count and an md5 over every row's text form, per table; plus the sequence position."""
    conn = await asyncpg.connect(libpq(url))
    try:
        out: dict[str, tuple[int, str]] = {}
        for table in tables:
            row = await conn.fetchrow(
                f"SELECT count(*) AS n, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS h "
                f"FROM {table} t"
            )
            out[table] = (row["n"], row["h"])
        out["law_index_id_seq"] = (await conn.fetchval("SELECT last_value FROM law_index_id_seq"), "")
        return out
    finally:
        await conn.close()


async def test_round_trip_on_postgresql_15(database_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source, target = await database_factory(), await database_factory()
    await fill(source)
    info = await asyncio.to_thread(backup, source, tmp_path / "egov.dump")
    assert info.server_version == await asyncio.to_thread(server_version, source)
    assert info.tools.version == info.server_version  # pg_dump of the server's own major version
    assert stat.S_IMODE(info.path.stat().st_mode) == 0o600
    assert info.path.read_bytes()[:5] == b"PGDMP"  # custom format
    await asyncio.to_thread(restore, target, info.path)
    before, after = await snapshot(source), await snapshot(target)
    assert after == before
    assert before["law_index"][0] == 200
    assert before["law_article"][0] == 103  # 日本国憲法: 第一条〜第百三条


async def test_restore_is_all_or_nothing_and_clean_replaces(database_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source, target = await database_factory(), await database_factory()
    await fill(source)
    dump = (await asyncio.to_thread(backup, source, tmp_path / "egov.dump")).path
    await asyncio.to_thread(restore, target, dump)
    conn = await asyncpg.connect(libpq(target))
    try:
        await conn.execute("DELETE FROM law_article WHERE seq >= 50")
    finally:
        await conn.close()
    damaged = await snapshot(target)
    # Restoring over existing tables without --clean fails and, in one transaction, changes nothing.
    with pytest.raises(BackupFailedError, match=r"pg_restore against .* failed: .*already exists"):
        await asyncio.to_thread(restore, target, dump)
    assert await snapshot(target) == damaged
    await asyncio.to_thread(restore, target, dump, clean=True)
    assert await snapshot(target) == await snapshot(source)


async def test_round_trip_on_embedded_postgresql_16_with_pgvector(tmp_path: Path) -> None:
    server = EmbeddedPostgres(tmp_path / "pg16")
    admin = await server.astart()
    try:
        conn = await asyncpg.connect(libpq(admin))
        try:
            await conn.execute("CREATE DATABASE egov_src")
            await conn.execute("CREATE DATABASE egov_dst")
        finally:
            await conn.close()
        source = make_url(admin).set(database="egov_src").render_as_string(hide_password=False)
        target = make_url(admin).set(database="egov_dst").render_as_string(hide_password=False)
        await fill(source, with_vector=True)
        info = await asyncio.to_thread(backup, source, tmp_path / "embedded.dump")
        assert (info.server_version, info.tools.version) == (16, 16)
        await asyncio.to_thread(restore, target, info.path)
        tables = (*TABLES, "law_vector")
        assert await snapshot(target, tables) == await snapshot(source, tables)
    finally:
        await server.astop()


async def test_unreachable_database_is_a_clean_error(tmp_path: Path) -> None:
    out = tmp_path / "never.dump"
    with pytest.raises(BackupFailedError, match=r"psql against 127\.0\.0\.1:1/egov failed: .*(refused|connect)"):
        await asyncio.to_thread(backup, "postgresql+asyncpg://egov:pw@127.0.0.1:1/egov", out)
    assert not await asyncio.to_thread(lambda: list(tmp_path.iterdir()))  # no partial archive left behind


async def test_wrong_password_does_not_leak_it(database_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # The test server trusts local users, so use a login that does not exist instead.
    url = (
        make_url(await database_factory())
        .set(username="no_such_role_x", password="s3cret-Pw")
        .render_as_string(hide_password=False)
    )
    with pytest.raises(BackupFailedError) as caught:
        await asyncio.to_thread(backup, url, tmp_path / "x.dump")
    assert "no_such_role_x" in str(caught.value)
    assert "s3cret-Pw" not in str(caught.value)


def test_missing_tools_say_what_to_install() -> None:
    with pytest.raises(BackupToolMissingError, match="apt-get install postgresql-client-99"):
        find_pg_tools(99)


def test_restore_of_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(BackupFailedError, match="no such backup file"):
        restore("postgresql+asyncpg://postgres@127.0.0.1:5432/postgres", tmp_path / "missing.dump")
