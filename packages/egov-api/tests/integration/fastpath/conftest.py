"""Real processes for the fast-path integration tests: Granian servers, a redis-server, a meta table."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import httpx
import pytest
from egov_testsupport import (  # noqa: F401 - shared fixtures
    RedisServer,
    dead_redis_url,
    free_port,
    meta_dsn,
    redis,
    redis_server,
)

HERE = Path(__file__).parent


@contextmanager
def serve(env: dict[str, str]) -> Iterator[str]:
    """Run ``fastpath_app:create`` under Granian (1 worker) on a free port; yields its base URL."""
    port = free_port()
    granian = Path(sys.executable).with_name("granian")
    proc = subprocess.Popen(
        [
            *(str(granian), "--interface", "asgi", "--factory", "--host", "127.0.0.1", "--port", str(port)),
            *("--workers", "1", "--working-dir", str(HERE), "--log-level", "warning", "fastpath_app:create"),
        ],
        env={**os.environ, **env},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"granian exited with {proc.returncode}")
            try:
                if httpx.get(f"{base}/_t/stats", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("granian did not become ready")
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def spawn() -> Callable[[dict[str, str]], AbstractContextManager[str]]:
    """``with spawn(env) as base_url:`` runs one more server process for the block."""
    return serve


@pytest.fixture(scope="session")
def server_env(meta_dsn: str, redis_server: RedisServer) -> dict[str, str]:  # noqa: F811 - the shared fixture
    """Environment for a server process using the session's database and Redis."""
    return {"EGOV_T_DSN": meta_dsn, "EGOV_T_REDIS_URL": redis_server.url, "EGOV_T_PREFIX": f"t{secrets.token_hex(4)}"}


@pytest.fixture(scope="session")
def server(server_env: dict[str, str]) -> Iterator[str]:
    """Base URL of one server process (session-wide)."""
    with serve(server_env) as base:
        yield base
