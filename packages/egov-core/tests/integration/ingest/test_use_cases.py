"""The import use cases run the re-resolution of decisions' 参照法条 wherever an import starts: here from
``python -m egov_core.ingest`` (which used to skip it), in a child process on a real database."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information
import orjson
import pytest
from egov_testsupport import PgTemplates, libpq, shared_data_dir

pytestmark = pytest.mark.integration

MINPO = "129AC0000000089"


def _ingest(url: str, *args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "egov_core.ingest", "--database-url", url, "--workers", "0", *args],
        capture_output=True,
        check=True,
        timeout=300,
    )
    report: dict[str, object] = orjson.loads(done.stdout.splitlines()[-1])
    return report


async def _refs_to(url: str, law_id: str) -> int:
    conn = await asyncpg.connect(libpq(url))
    try:
        return int(await conn.fetchval("SELECT count(*) FROM case_law_refs WHERE law_id = $1", law_id))
    finally:
        await conn.close()


async def test_module_import_re_resolves_references(pg_templates: PgTemplates) -> None:
    data = shared_data_dir()
    if not (data / "cases").is_dir():
        pytest.skip(f"shared data not found at {data}")
    url = await pg_templates.copy()
    # Decisions first: their 参照法条 name 民法, which is not stored yet.
    await asyncio.to_thread(_ingest, url, "--cases", str(data / "cases" / "52218_SupremeCourt.json"))
    assert await _refs_to(url, MINPO) == 0
    report = await asyncio.to_thread(_ingest, url, str(data / "laws" / "xml" / f"{MINPO}.xml"))
    assert report["imported"] == 1
    assert isinstance(report["refs_changed"], int)
    assert report["refs_changed"] > 0
    assert await _refs_to(url, MINPO) == report["refs_changed"]
