"""Test support shared by every package's tests (importable as ``egov_testsupport``; see pytest's pythonpath).

Databases: a *template* is created and migrated (and loaded) once per test session; each test or module
then gets its own copy with ``CREATE DATABASE … TEMPLATE`` (a file copy inside PostgreSQL, ~0.1 s),
instead of running the migrations and imports again. Everything created here is dropped at session end.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information
import pytest
from sqlalchemy.engine import make_url

from egov_core.settings import EgovSettings
from egov_core.store import create_engine, migrate

__all__ = [
    "ADMIN_URL",
    "PgTemplates",
    "free_port",
    "libpq",
    "load_laws",
    "pg_templates",
    "shared_data_dir",
]

#: The maintenance database of the test server (127.0.0.1:5432, user postgres, trust auth by default).
ADMIN_URL = os.environ.get("EGOV_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")

#: Loads data into a freshly migrated database, given its URL.
Builder = Callable[[str], Awaitable[None]]


def shared_data_dir() -> Path:
    """The shared real-data folder (``EGOV_SHARED_DATA``, default ``../shared/data`` beside the repository)."""
    default = Path(__file__).resolve().parents[3].parent / "shared" / "data"
    return Path(os.environ.get("EGOV_SHARED_DATA", str(default)))


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def libpq(url: str) -> str:
    """``url`` with the plain ``postgresql://`` scheme asyncpg and libpq tools take."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _url(database: str) -> str:
    return make_url(ADMIN_URL).set(drivername="postgresql+asyncpg", database=database).render_as_string(False)


class PgTemplates:
    """Template databases built once per session and copied per test (see the module docstring)."""

    def __init__(self, admin: asyncpg.Connection) -> None:
        self._admin = admin
        self._templates: dict[str, str] = {}
        self._created: list[str] = []
        self._lock = asyncio.Lock()

    async def template(self, key: str, build: Builder | None = None) -> str:
        """The name of the template ``key``: migrated, then filled by ``build``, on first use."""
        async with self._lock:
            if key not in self._templates:
                name = f"egov_tpl_{uuid.uuid4().hex[:10]}"
                await self._admin.execute(f'CREATE DATABASE "{name}"')
                self._created.append(name)
                await migrate(_url(name))
                if build is not None:
                    await build(_url(name))
                self._templates[key] = name
            return self._templates[key]

    async def copy(self, key: str = "migrated", build: Builder | None = None) -> str:
        """The asyncpg URL of a new database copied from template ``key`` (see :meth:`template`)."""
        template = await self.template(key, build)
        name = f"egov_t_{uuid.uuid4().hex[:12]}"
        await self._admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        self._created.append(name)
        return _url(name)

    async def empty(self) -> str:
        """The asyncpg URL of a new, empty (unmigrated) database."""
        name = f"egov_t_{uuid.uuid4().hex[:12]}"
        await self._admin.execute(f'CREATE DATABASE "{name}"')
        self._created.append(name)
        return _url(name)

    async def drop_all(self) -> None:
        """Drop every database made here (copies first, templates last)."""
        for name in reversed(self._created):
            await self._admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._created.clear()


@pytest.fixture(scope="session")
async def pg_templates() -> AsyncIterator[PgTemplates]:
    """The session's :class:`PgTemplates` (import this fixture into a conftest to use it)."""
    try:
        admin = await asyncpg.connect(libpq(ADMIN_URL))
    except (OSError, asyncpg.PostgresError) as error:
        pytest.fail(f"test PostgreSQL at {make_url(ADMIN_URL).host} is not reachable: {error}")
    templates = PgTemplates(admin)
    try:
        yield templates
    finally:
        await templates.drop_all()
        await admin.close()


def load_laws(law_ids: Sequence[str], *, cases: Sequence[str] = ()) -> Builder:
    """A builder importing these laws (``laws/xml/<id>.xml``) and court decisions (``cases/<file>``) of the
    shared data through the real importers, then re-resolving the decisions' 参照法条."""

    async def build(url: str) -> None:
        from egov_core.citations import resolve_case_refs
        from egov_core.ingest import ingest_cases, ingest_laws

        data = shared_data_dir()
        if not (data / "laws" / "xml").is_dir():
            pytest.skip(f"shared data not found at {data} (set EGOV_SHARED_DATA)")
        engine = create_engine(EgovSettings(database={"url": url}))
        try:
            laws = await ingest_laws(engine, [data / "laws" / "xml" / f"{i}.xml" for i in law_ids], workers=1)
            assert not laws.failed, laws.failed
            if cases:
                decided = await ingest_cases(engine, [data / "cases" / name for name in cases])
                assert not decided.failed, decided.failed
                await resolve_case_refs(engine)
        finally:
            await engine.dispose()

    return build
