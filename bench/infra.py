"""Processes and databases the bench starts and always stops: PostgreSQL databases, Redis, HTTP servers."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil  # type: ignore[import-untyped]  # no types-psutil in the dev set

REPO = Path(__file__).resolve().parents[1]
ADMIN_URL = os.environ.get("EGOV_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def shared_data() -> Path:
    """``$EGOV_SHARED_DATA`` or ``../shared/data`` beside the repository."""
    env = os.environ.get("EGOV_SHARED_DATA")
    return Path(env) if env else REPO.parent / "shared" / "data"


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _psql(sql: str, admin_url: str = ADMIN_URL) -> None:
    import asyncio

    import asyncpg  # type: ignore[import-untyped]  # no stubs

    async def run() -> None:
        conn = await asyncpg.connect(admin_url)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run())


@contextlib.contextmanager
def fresh_database(prefix: str = "egov_bench") -> Iterator[str]:
    """Create an empty database on the local server, yield its asyncpg SQLAlchemy URL, drop it afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    _psql(f'CREATE DATABASE "{name}"')
    base = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    try:
        yield f"{base}/{name}"
    finally:
        _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def db_name(url: str) -> str:
    """The database name at the end of a URL."""
    return url.rsplit("/", 1)[1].split("?", 1)[0]


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Terminate a process we started (kill it after 10 s) and reap it."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def redis_server() -> Iterator[str | None]:
    """A private redis-server on a free port (no persistence); ``None`` when redis-server is not installed."""
    exe = shutil.which("redis-server")
    if exe is None:
        yield None
        return
    port = free_port()
    args = [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(proc)


@dataclass
class Server:
    """One HTTP server we started: its base URL and process (CPU is summed over the process tree)."""

    name: str
    base: str
    proc: subprocess.Popen[bytes]
    ps: psutil.Process = field(init=False)

    def __post_init__(self) -> None:
        self.ps = psutil.Process(self.proc.pid)

    def cpu_seconds(self) -> float:
        """User + system CPU of the server and all its children so far."""
        total = 0.0
        for p in [self.ps, *self.ps.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                t = p.cpu_times()
                total += t.user + t.system
        return total


def server_command(kind: str, target: str, port: int, *, factory: bool, workers: int = 1) -> list[str]:
    """The command line of ``granian`` or ``uvicorn`` serving ``target`` on loopback."""
    bindir = Path(sys.executable).parent
    if kind == "granian":
        args = [str(bindir / "granian"), "--interface", "asgi", "--workers", str(workers)]
        args += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
        return [*args, *(["--factory"] if factory else []), target]
    args = [str(bindir / "uvicorn"), "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    return [*args, "--log-level", "warning", "--no-access-log", *(["--factory"] if factory else []), target]


@dataclass(frozen=True)
class ServerSpec:
    """What to start: a name, ``granian`` or ``uvicorn``, the ASGI target and its environment."""

    name: str
    kind: str
    target: str
    factory: bool
    env: dict[str, str]
    ready_path: str
    workers: int = 1


@contextlib.contextmanager
def http_servers(specs: list[ServerSpec], timeout_s: float = 120) -> Iterator[dict[str, Server]]:
    """Start every server at once, wait until each answers 200 on its ``ready_path``, yield them, stop them."""
    procs: dict[str, tuple[ServerSpec, str, subprocess.Popen[bytes]]] = {}
    try:
        for spec in specs:
            port = free_port()
            cmd = server_command(spec.kind, spec.target, port, factory=spec.factory, workers=spec.workers)
            proc = subprocess.Popen(cmd, env={**os.environ, **spec.env}, cwd=REPO)
            procs[spec.name] = (spec, f"http://127.0.0.1:{port}", proc)
        deadline = time.monotonic() + timeout_s
        for spec, base, proc in procs.values():
            while True:
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(base + spec.ready_path, timeout=5).status_code == 200:
                        break
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{spec.name} ({spec.kind} {spec.target}) did not become ready")
                time.sleep(0.2)
        yield {name: Server(name, base, proc) for name, (_, base, proc) in procs.items()}
    finally:
        for _, _, proc in procs.values():
            stop(proc)


@contextlib.contextmanager
def http_server(
    name: str, kind: str, target: str, *, factory: bool, env: dict[str, str], ready_path: str, workers: int = 1
) -> Iterator[Server]:
    """Start one server, wait until ``ready_path`` answers 200, yield it, stop it."""
    with http_servers([ServerSpec(name, kind, target, factory, env, ready_path, workers)]) as up:
        yield up[name]


#: The ops token of benchmark servers (``Authorization: Bearer …`` for /metrics and readiness details).
BENCH_OPS_TOKEN = "bench-ops-token"  # noqa: S105 - a local benchmark server's token, not a secret


def egov_env(db_url: str, **extra: str) -> dict[str, str]:
    """Environment of an egov server over ``db_url`` (no sample loading, no Redis unless given).

    Quotas are off (one load generator on 127.0.0.1 would spend the anonymous quota in a second) and the ops
    token is :data:`BENCH_OPS_TOKEN`, so readiness details (cache statistics) can be read.
    """
    return {
        "EGOV_DATABASE__URL": db_url,
        "EGOV_API__LOAD_SAMPLE_IF_EMPTY": "false",
        "EGOV_API__RATE_LIMIT__ENABLED": "false",
        "EGOV_API__OPS_TOKEN": BENCH_OPS_TOKEN,
        "EGOV_LOG_LEVEL": "warning",
    } | dict(extra.items())


def postgres_cpu_seconds(database: str) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend serving ``database`` (their command line names it), by pid.

    Per pid, so that a window's figure is the sum of per-backend differences (:func:`postgres_cpu_delta`):
    a plain total drops, even below zero, when a pooled backend exits during the window.
    """
    out: dict[int, float] = {}
    for p in psutil.process_iter(["cmdline"]):
        cmd = " ".join(p.info.get("cmdline") or [])
        if cmd.startswith("postgres:") and f" {database} " in cmd:
            with contextlib.suppress(psutil.Error):
                t = p.cpu_times()
                out[p.pid] = t.user + t.system
    return out


def postgres_cpu_delta(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds the backends spent between two :func:`postgres_cpu_seconds` snapshots (new backends
    count from zero; one that exited in between is lost, never negative)."""
    return sum(max(0.0, t - before.get(pid, 0.0)) for pid, t in after.items())
