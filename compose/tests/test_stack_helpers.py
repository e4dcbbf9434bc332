"""The helpers behind the images/stack nox sessions, against real local HTTP servers."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from native_stack import free_port
from stack import COMPOSE_DIR, Engine, compose_cmd, wait_ready


class _Flaky(BaseHTTPRequestHandler):
    """503 for the first two requests (a stack still starting), then 200."""

    calls = 0

    def do_GET(self) -> None:
        type(self).calls += 1
        ready = type(self).calls > 2
        body = b'{"status": "ready"}' if ready else b'{"status": "not_ready"}'
        self.send_response(200 if ready else 503)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def flaky_server() -> Iterator[str]:
    _Flaky.calls = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/health/ready"
    finally:
        server.shutdown()
        server.server_close()


def test_wait_ready_waits_through_503(flaky_server: str) -> None:
    assert wait_ready(flaky_server, timeout=30) >= 0
    assert _Flaky.calls == 3


def test_wait_ready_gives_up_with_the_last_answer() -> None:
    url = f"http://127.0.0.1:{free_port()}/health/ready"
    with pytest.raises(TimeoutError, match=r"not ready after 2 s \(last: .*refused"):
        wait_ready(url, timeout=2)


def test_compose_command_uses_the_env_file_and_files_in_order() -> None:
    cmd = compose_cmd(Engine("podman", ("podman-compose",)), "compose.yaml", "compose.lan.yaml")
    assert cmd == [
        "podman-compose",
        "--env-file",
        str(COMPOSE_DIR / ".env"),
        "-f",
        str(COMPOSE_DIR / "compose.yaml"),
        "-f",
        str(COMPOSE_DIR / "compose.lan.yaml"),
    ]
    assert Path(cmd[4]).is_file()
