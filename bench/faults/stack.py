"""The stack the fault suite attacks: a fresh database with the sample corpus, a redis-server it may stop,
kill and restart, and Granian serving the app with exactly ``egov serve``'s command line."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil  # type: ignore[import-untyped]  # no types-psutil in the dev set

from bench.infra import ADMIN_URL, REPO, db_name, free_port, fresh_database, stop

OPS_TOKEN = "faults-ops-token"  # noqa: S105 - a throwaway server's token, not a secret
OPS = {"authorization": f"Bearer {OPS_TOKEN}"}


class Redis:
    """A redis-server child process that may be paused, killed and started again on the same port."""

    def __init__(self) -> None:
        exe = shutil.which("redis-server")
        if exe is None:
            raise SystemExit("the fault suite needs redis-server on PATH")
        self.exe = exe
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        args = [self.exe, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def signal(self, signum: int) -> None:
        assert self.proc is not None
        self.proc.send_signal(signum)

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.kill()
            self.proc.wait(timeout=10)
            self.proc = None

    def stop(self) -> None:
        self.kill()


@dataclass
class Stack:
    """A running stack: ``base`` URL, the database URL, Redis, the Granian process."""

    base: str
    db_url: str
    redis: Redis
    server: subprocess.Popen[bytes]
    env: dict[str, str] = field(default_factory=dict)

    def workers(self) -> list[psutil.Process]:
        """Granian's worker processes."""
        children: list[psutil.Process] = psutil.Process(self.server.pid).children(recursive=True)
        return children

    def rss_mb(self) -> float:
        """Resident memory of Granian and its workers, MB."""
        total = 0
        for proc in [psutil.Process(self.server.pid), *self.workers()]:
            with contextlib.suppress(psutil.Error):
                total += proc.memory_info().rss
        return total / 1e6

    def alive(self) -> bool:
        """Granian still runs, with all its workers."""
        return self.server.poll() is None and len(self.workers()) >= 1

    def terminate_backends(self) -> int:
        """``pg_terminate_backend`` on every connection to the stack's database; how many were ended."""
        rows = _fetch(
            ADMIN_URL,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            db_name(self.db_url),
        )
        return sum(1 for r in rows if r[0])

    def fetch(self, sql: str, *args: object) -> list[tuple[Any, ...]]:
        """Rows of a query on the stack's database (the attacks pick their targets: the largest law, the most
        cited provision)."""
        return _fetch(ADMIN_URL.rsplit("/", 1)[0] + "/" + db_name(self.db_url), sql, *args)


def _fetch(dsn: str, sql: str, *args: object) -> list[tuple[Any, ...]]:
    import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information

    async def go() -> list[tuple[Any, ...]]:
        conn = await asyncpg.connect(dsn)
        try:
            return [tuple(r) for r in await conn.fetch(sql, *args)]
        finally:
            await conn.close()

    return asyncio.run(go())


def _load_sample(url: str, extra_laws: list[Path]) -> None:
    code = (
        "import asyncio, sys\n"
        "from egov_core.ingest import ingest_cases, ingest_laws\n"
        "from egov_core.sample import sample_cases_dir, sample_laws_zip\n"
        "from egov_core.settings import EgovSettings\n"
        "from egov_core.store import create_engine, migrate\n"
        "async def main(url, *extra):\n"
        "    await migrate(url)\n"
        "    engine = create_engine(EgovSettings(database={'url': url}))\n"
        "    await ingest_laws(engine, [sample_laws_zip(), *extra], workers=0)\n"
        "    await ingest_cases(engine, [sample_cases_dir()])\n"
        "    await engine.dispose()\n"
        "if __name__ == '__main__':\n"
        "    asyncio.run(main(*sys.argv[1:]))\n"
    )
    args = [sys.executable, "-c", code, url, *map(str, extra_laws)]
    subprocess.run(args, check=True, cwd=REPO, capture_output=True)


@contextlib.contextmanager
def running_stack(
    *,
    workers: int = 2,
    anonymous_quota: int = 600,
    idle_timeout_ms: int = 2000,
    extra_env: dict[str, str | None] | None = None,
    extra_laws: list[Path] | None = None,
) -> Iterator[Stack]:
    """Database (sample corpus, plus ``extra_laws``: law directories or files) + redis-server + Granian (as
    ``egov serve`` runs it); torn down after."""
    from egov_api.serve import ServeOptions, granian_command

    redis = Redis()
    redis.start()
    try:
        with fresh_database("egov_faults") as url:
            _load_sample(url, extra_laws or [])
            port = free_port()
            opts = ServeOptions(
                host="127.0.0.1", port=port, workers=workers, log_level="error", idle_timeout_ms=idle_timeout_ms
            )
            env: dict[str, str] = {k: v for k, v in os.environ.items() if not k.startswith(("GRANIAN_", "EGOV_"))}
            env |= {
                "EGOV_DATABASE__URL": url,
                "EGOV_DATABASE__CONNECT_RETRIES": "0",
                "EGOV_REDIS__URL": redis.url,
                "EGOV_API__LOAD_SAMPLE_IF_EMPTY": "false",
                "EGOV_API__OPS_TOKEN": OPS_TOKEN,
                "EGOV_API__RATE_LIMIT__ANONYMOUS": str(anonymous_quota),
                "EGOV_API__TRUSTED_PROXIES": '["127.0.0.1"]',
                "EGOV_VECTOR__ENABLED": "false",
                "EGOV_WORKERS": str(workers),  # as egov serve tells its workers
            }
            for key, value in (extra_env or {}).items():  # None: leave the variable out
                if value is None:
                    env.pop(key, None)
                else:
                    env[key] = value
            log = Path(os.environ.get("EGOV_FAULTS_LOG", os.devnull))
            with log.open("ab") as sink:
                server = subprocess.Popen(granian_command(opts), env=env, cwd=REPO, stdout=sink, stderr=sink)
            base = f"http://127.0.0.1:{port}"
            try:
                deadline = time.monotonic() + 90
                while True:
                    with contextlib.suppress(httpx.TransportError):
                        if httpx.get(base + "/health/ready", timeout=2).status_code == 200:
                            break
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("the server did not become ready")
                    time.sleep(0.2)
                yield Stack(base=base, db_url=url, redis=redis, server=server, env=env)
            finally:
                stop(server)
    finally:
        redis.stop()
