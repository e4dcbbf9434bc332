"""Test support shared by egov-api's tests: fresh databases, the corpus, a real Granian server."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

import httpx
import pytest
from egov_testsupport import ADMIN_URL, free_port, libpq, shared_data_dir
from sqlalchemy.engine import make_url
from starlette.types import ASGIApp

from egov_api.lifespan import lifespan_of

# ADMIN_URL, free_port and shared_data_dir are egov_testsupport's, re-exported for egov-api's tests.
__all__ = [
    "ADMIN_URL",
    "drop_database",
    "egov_server",
    "empty_database",
    "free_port",
    "granian_server",
    "in_process_client",
    "migrated_database",
    "new_database_url",
    "restore_logging",
    "shared_data_dir",
]


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """Put the root logger and the quietened loggers back as they were after a CLI test configured them
    (autouse where imported)."""
    from egov_api.console import QUIET_LOGGERS

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.NOTSET)


def new_database_url() -> tuple[str, str]:
    """(name, asyncpg URL) of a new empty database on the test server."""

    import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information

    name = f"egov_t_{uuid.uuid4().hex[:12]}"

    async def create() -> None:
        conn = await asyncpg.connect(libpq(ADMIN_URL))
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(create())
    url = make_url(ADMIN_URL).set(drivername="postgresql+asyncpg", database=name)
    return name, url.render_as_string(hide_password=False)


def drop_database(name: str) -> None:
    """Drop a database made by :func:`new_database_url`."""

    import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information

    async def drop() -> None:
        conn = await asyncpg.connect(libpq(ADMIN_URL))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    asyncio.run(drop())


@contextmanager
def _serve(cmd: list[str], env: dict[str, str], port: int) -> Iterator[str]:
    """Run server command ``cmd`` until its /health answers 200 on ``port``; yield its base URL; stop it after."""
    log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the server, closed in finally
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"granian exited with {proc.returncode}:\n{log.read().decode(errors='replace')}")
            try:
                if httpx.get(base + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("granian did not answer within 60 s")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@contextmanager
def granian_server(env_extra: dict[str, str], *, workers: int = 1) -> Iterator[str]:
    """Serve ``egov_api.app:create_app`` with Granian on a free port; yield its base URL; stop it after."""
    port = free_port()
    # Quotas off unless a test asks for them: one test client on 127.0.0.1 is every "client" of the server.
    env = {**os.environ, "EGOV_API__RATE_LIMIT__ENABLED": "false", **env_extra}
    cmd = [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "asgi",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "egov_api.app:create_app",
    ]
    with _serve(cmd, env, port) as base:
        yield base


@asynccontextmanager
async def in_process_client(app: ASGIApp) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client on ``app`` in this process (lifespan run around it); a route's exception is a 500
    response, as a server would send, not an exception in the test."""
    async with lifespan_of(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://egov.test") as client:
            yield client


@contextmanager
def egov_server(env_extra: dict[str, str], *, workers: int = 1, idle_timeout_ms: int = 5000) -> Iterator[str]:
    """Serve the app exactly as ``egov serve`` runs Granian (its command line, HTTP/1 timeouts included)."""
    from egov_api.serve import ServeOptions, granian_command

    port = free_port()
    opts = ServeOptions(
        host="127.0.0.1", port=port, workers=workers, log_level="warning", idle_timeout_ms=idle_timeout_ms
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRANIAN_")} | env_extra
    with _serve(granian_command(opts), env, port) as base:
        yield base


def migrated_database() -> tuple[str, str]:
    """(name, URL) of a new database migrated to head (empty: no laws)."""

    from egov_core.store import migrate

    name, url = new_database_url()
    asyncio.run(migrate(url))
    return name, url


@contextmanager
def empty_database() -> Iterator[str]:
    """URL of a new database migrated to head and holding nothing, dropped on exit."""
    name, url = migrated_database()
    try:
        yield url
    finally:
        drop_database(name)
