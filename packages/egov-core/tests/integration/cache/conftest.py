"""Real servers for the cache integration tests: a private redis-server and a fresh PostgreSQL database.

The redis-server runs on a free port for the whole session so tests can SIGSTOP, kill and restart it.
The database (on the local PostgreSQL at 127.0.0.1:5432) holds only the ``meta`` table of SCHEMA.md.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information
import pytest

from egov_core.cache import CachedResponse

FIXTURES = Path(__file__).parent / "fixtures"
PG_ADMIN_DSN = os.environ.get("EGOV_TEST_PG_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
    server = RedisServer(free_port())
    server.start()
    yield server
    server.kill()


@pytest.fixture
def redis(redis_server: RedisServer) -> Iterator[RedisServer]:
    """The session's redis-server, guaranteed running before and after the test."""
    redis_server.ensure_running()
    yield redis_server
    redis_server.ensure_running()


@pytest.fixture
def dead_redis_url() -> str:
    """A Redis URL on a port where nothing listens."""
    return f"redis://127.0.0.1:{free_port()}/0"


@pytest.fixture
def prefix() -> str:
    """A key prefix of its own for each test."""
    return f"egovt{secrets.token_hex(4)}"


@pytest.fixture(scope="session")
async def meta_dsn() -> AsyncIterator[str]:
    """A fresh database holding only ``meta`` with ``data_version`` = 1; dropped afterwards."""
    name = f"egov_t_{secrets.token_hex(6)}"
    try:
        admin = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_DSN}: {exc}")
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        dsn = PG_ADMIN_DSN.rsplit("/", 1)[0] + "/" + name
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


async def bump_data_version(dsn: str, *, notify: bool = True) -> int:
    """What a published import does (SCHEMA.md): bump ``data_version`` and NOTIFY, in one transaction."""
    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            value = await conn.fetchval(
                "UPDATE meta SET value = (value::bigint + 1)::text WHERE key = 'data_version' RETURNING value"
            )
            if notify:
                await conn.execute("SELECT pg_notify('egov_data_version', $1)", value)
        return int(value)
    finally:
        await conn.close()


@pytest.fixture
def bump(meta_dsn: str) -> Callable[..., Awaitable[int]]:
    """``await bump(notify=True)``: publish a new data version like an import does; returns it."""

    async def run(*, notify: bool = True) -> int:
        return await bump_data_version(meta_dsn, notify=notify)

    return run


@pytest.fixture(scope="session")
def law_body() -> bytes:
    """A real e-Gov API v2 law_data payload (copied from /work/shared/data/egov_api/v2)."""
    return (FIXTURES / "law_data.json").read_bytes()


@pytest.fixture(scope="session")
def law_response(law_body: bytes) -> CachedResponse:
    return CachedResponse.build(law_body, content_type=b"application/json", max_age=86400)
