"""Connections that never speak, idle keep-alive connections and slowloris heads are closed by Granian
(``egov serve`` runs it with ``--http 1 --http1-header-read-timeout``); a normal client is served meanwhile."""

from __future__ import annotations

import contextlib
import resource
import socket
import time
from urllib.parse import urlsplit

import httpx
import pytest

pytestmark = pytest.mark.integration

#: Enough to have stalled every client before (1,000 did); the full flood (5,000) is in ``nox -s faults``.
IDLE = 1200


def _closed_by_peer(sock: socket.socket) -> bool:
    sock.setblocking(False)
    try:
        return sock.recv(1) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def test_an_idle_flood_is_closed_and_health_answers_meanwhile(edge_server: str) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < IDLE + 200:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, IDLE + 500), hard))
    url = urlsplit(edge_server)
    socks: list[socket.socket] = []
    try:
        for _ in range(IDLE):
            socks.append(socket.create_connection((url.hostname, url.port), timeout=5))
        slowest = 0.0
        with httpx.Client(base_url=edge_server, timeout=10) as client:
            for _ in range(10):
                started = time.monotonic()
                assert client.get("/health").status_code == 200
                slowest = max(slowest, time.monotonic() - started)
        # Bounded, not a performance target (2 shared cores): before the fix these requests never answered.
        assert slowest < 2.0
        time.sleep(2.5)  # the server's header-read timeout is 1 s
        closed = sum(_closed_by_peer(s) for s in socks)
        assert closed == len(socks)
    finally:
        for s in socks:
            s.close()


def test_idle_keepalive_and_slowloris_are_cut(edge_server: str) -> None:
    url = urlsplit(edge_server)
    with socket.create_connection((url.hostname, url.port), timeout=5) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nhost: x\r\n\r\n")
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")
        started = time.monotonic()
        assert sock.recv(4096) == b""  # closed by the server while idle
        assert time.monotonic() - started < 3
    with socket.create_connection((url.hostname, url.port), timeout=5) as sock:
        started = time.monotonic()
        cut = False
        sock.sendall(b"GET /health HTTP/1.1\r\n")
        for _ in range(20):  # a header line every 0.3 s: 6 s in all, unless the server ends it
            time.sleep(0.3)
            try:
                sock.sendall(b"x-drip: 1\r\n")
                cut = sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
            except BlockingIOError:
                continue  # nothing to read yet: still open
            except OSError:
                cut = True
            if cut:
                break
        assert cut
        assert time.monotonic() - started < 4
