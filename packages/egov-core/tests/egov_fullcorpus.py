"""The whole shared corpus imported once per test session, for every package's tests (``full_corpus``).

egov-core's full-corpus test and egov-api's served corpus each imported the 1,300 laws and 66 revisions themselves:
two imports of ~150 MB of XML, the largest single cost of the suite. Now the first test that asks imports them
into a template database (laws only, no citation graph: what both need), and each asks for its own copy
(``CREATE DATABASE … TEMPLATE``, a file copy inside PostgreSQL) to check or extend. The fixture is registered
once, by the repository's root conftest, so one session holds one import.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information
import pytest
from egov_testsupport import ADMIN_URL, libpq, shared_data_dir
from sqlalchemy.engine import make_url

from egov_core.ingest import ImportSummary

__all__ = ["FullCorpus", "full_corpus"]


def _url(database: str) -> str:
    return make_url(ADMIN_URL).set(drivername="postgresql+asyncpg", database=database).render_as_string(False)


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(libpq(ADMIN_URL))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@dataclass
class FullCorpus:
    """The template database holding the whole corpus, and what importing it reported.

    Attributes:
        template: the template database's name (never connect to it: a copy cannot be made while anyone is).
        sources: the folders imported (``laws/xml`` and ``laws/revisions`` of the shared data).
        summary: the import's summary (every document imported, none failed, when the importer works).
    """

    template: str
    sources: list[Path]
    summary: ImportSummary
    copies: list[str] = field(default_factory=list)

    async def copy(self) -> str:
        """The asyncpg URL of a new database copied from the template (dropped at the end of the session)."""
        name = f"egov_t_{uuid.uuid4().hex[:12]}"
        await _admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        self.copies.append(name)
        return _url(name)

    def copy_sync(self) -> tuple[str, str]:
        """(name, URL) of a new copy, from code that runs no event loop (sync fixtures)."""
        url = asyncio.run(self.copy())
        return self.copies[-1], url


async def _import(url: str, sources: list[Path]) -> ImportSummary:
    from egov_core.ingest import ingest_laws
    from egov_core.settings import EgovSettings
    from egov_core.store import create_engine, migrate

    await migrate(url)
    engine = create_engine(EgovSettings(database={"url": url}))
    try:
        # The citation graph of the whole corpus costs about 3x the import: tests that need it build it for the
        # few laws they read, on their copy.
        return await ingest_laws(engine, sources, workers=2, citation_graph=False)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def full_corpus() -> Iterator[FullCorpus]:
    """The whole shared corpus as a template database (skips when the shared data is absent)."""
    data = shared_data_dir()
    if not (data / "laws" / "xml").is_dir():
        pytest.skip(f"shared data not found at {data} (set EGOV_SHARED_DATA)")
    name = f"egov_tpl_{uuid.uuid4().hex[:10]}"
    sources = [data / "laws" / "xml", data / "laws" / "revisions"]
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    corpus: FullCorpus | None = None
    try:
        corpus = FullCorpus(template=name, sources=sources, summary=asyncio.run(_import(_url(name), sources)))
        yield corpus
    finally:
        for copy in corpus.copies if corpus is not None else []:
            asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)'))
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
