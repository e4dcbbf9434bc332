"""Test support shared by egov-api's tests: fresh databases, the corpus, a real Granian server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

ADMIN_URL = os.environ.get("EGOV_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def shared_data_dir() -> Path:
    """The shared real-data folder (EGOV_SHARED_DATA, default ../shared/data from the repository root)."""
    default = Path(__file__).resolve().parents[3].parent / "shared" / "data"
    return Path(os.environ.get("EGOV_SHARED_DATA", str(default)))


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def new_database_url() -> tuple[str, str]:
    """(name, asyncpg URL) of a new empty database on the test server."""
    import asyncio

    import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information

    name = f"egov_t_{uuid.uuid4().hex[:12]}"
    libpq = make_url(ADMIN_URL).set(drivername="postgresql").render_as_string(hide_password=False)

    async def create() -> None:
        conn = await asyncpg.connect(libpq)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(create())
    url = make_url(ADMIN_URL).set(drivername="postgresql+asyncpg", database=name)
    return name, url.render_as_string(hide_password=False)


def drop_database(name: str) -> None:
    """Drop a database made by :func:`new_database_url`."""
    import asyncio

    import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information

    libpq = make_url(ADMIN_URL).set(drivername="postgresql").render_as_string(hide_password=False)

    async def drop() -> None:
        conn = await asyncpg.connect(libpq)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    asyncio.run(drop())


@contextmanager
def granian_server(env_extra: dict[str, str], *, workers: int = 1) -> Iterator[str]:
    """Serve ``egov_api.app:create_app`` with Granian on a free port; yield its base URL; stop it after."""
    port = free_port()
    env = {**os.environ, **env_extra}
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
