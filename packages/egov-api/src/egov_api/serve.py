"""``egov serve``: prepare the store (embedded default, sample corpus), then run Granian on the app factory.

Granian runs as a child process so every ``GRANIAN_*`` environment variable applies as documented by
Granian; egov passes only what the user gave on its command line or in ``EGOV_*``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from egov_core.settings import EgovSettings


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """What ``egov serve`` was asked for."""

    host: str
    port: int
    workers: int
    reload: bool = False
    log_level: str = "info"
    idle_timeout_ms: int = 5000
    backpressure: int = 8192


def granian_command(opts: ServeOptions) -> list[str]:
    """The Granian command line serving ``egov_api.app:create_app`` as a factory.

    Values already set through ``GRANIAN_*`` variables win over egov's defaults: we only add a flag when
    the matching variable is unset.
    """
    cmd = [sys.executable, "-m", "granian", "--interface", "asgi", "--factory"]
    env = os.environ
    if "GRANIAN_HOST" not in env:
        cmd += ["--host", opts.host]
    if "GRANIAN_PORT" not in env:
        cmd += ["--port", str(opts.port)]
    if "GRANIAN_WORKERS" not in env:
        cmd += ["--workers", str(opts.workers)]
    if "GRANIAN_LOG_LEVEL" not in env:
        cmd += ["--log-level", opts.log_level]
    # HTTP/1 only: Granian's auto mode sniffs for an HTTP/2 preface with no deadline, so a connection that never
    # speaks was held for ever (1,000 of them stalled every client). Under HTTP/1 the header-read timeout closes
    # it, and the same timeout ends idle keep-alive connections and slowloris heads. Idle connections then cost
    # a task each, so the backpressure (connections per worker) is far above what a busy worker ever runs.
    if "GRANIAN_HTTP" not in env:
        cmd += ["--http", "1"]
    if "GRANIAN_HTTP1_HEADER_READ_TIMEOUT" not in env:
        cmd += ["--http1-header-read-timeout", str(opts.idle_timeout_ms)]
    if "GRANIAN_BACKPRESSURE" not in env:
        cmd += ["--backpressure", str(opts.backpressure)]
    if "GRANIAN_BACKLOG" not in env:
        cmd += ["--backlog", "4096"]
    if opts.reload:
        cmd += ["--reload"]
    cmd.append("egov_api.app:create_app")
    return cmd


def _call_when_ready(proc: subprocess.Popen[bytes], health_url: str, on_ready: Callable[[], None]) -> None:
    # Polls /health until the app has started (its lifespan done), or gives up when Granian exits.
    while proc.poll() is None:
        try:
            with urllib.request.urlopen(health_url, timeout=1) as response:  # noqa: S310 - our own http URL
                if response.status == 200:
                    on_ready()
                    return
        except OSError:
            pass
        time.sleep(0.2)


def run_granian(
    opts: ServeOptions,
    env: dict[str, str],
    *,
    health_url: str | None = None,
    on_ready: Callable[[], None] | None = None,
) -> int:
    """Run Granian until it exits or we are told to stop; forward SIGINT/SIGTERM to it.

    ``on_ready`` is called once ``health_url`` answers 200 (from a thread): the moment to tell the user where
    the server is, rather than before it can answer.
    """
    proc = subprocess.Popen(granian_command(opts), env=env)
    if health_url is not None and on_ready is not None:
        threading.Thread(target=_call_when_ready, args=(proc, health_url, on_ready), daemon=True).start()

    def forward(signum: int, _frame: object) -> None:
        proc.send_signal(signum)

    previous = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        return proc.wait()
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def port_in_use(host: str, port: int) -> bool:
    """True when ``host:port`` cannot be bound right now (so Granian would fail after a slow start-up)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def worker_env(settings: EgovSettings, database_url: str, workers: int = 1) -> dict[str, str]:
    """Environment for Granian workers: the resolved database URL (embedded or configured), and how many
    workers there are (``EGOV_WORKERS``: each counts its share of a rate-limit quota while Redis is away).

    A URL given as a file (``EGOV_DATABASE__URL_FILE``) stays a file: the workers read it themselves, the
    password never enters their environment, and the settings refuse a URL given both ways.
    """
    env = dict(os.environ)
    if not any(key.upper() == "EGOV_DATABASE__URL_FILE" for key in env):
        env["EGOV_DATABASE__URL"] = database_url
    env["EGOV_WORKERS"] = str(workers)
    return env
