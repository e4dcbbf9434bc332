"""The helpers behind the images/stack nox sessions, against real local HTTP servers."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from native_stack import free_port
from stack import COMPOSE_DIR, Engine, _services, compose_cmd, start_plan, wait_ready


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


def test_compose_command_adds_profiles_after_the_files() -> None:
    cmd = compose_cmd(Engine("docker", ("docker", "compose")), profiles=("full",))
    assert cmd[-4:] == ["-f", str(COMPOSE_DIR / "compose.yaml"), "--profile", "full"]


def test_podman_start_plan_follows_the_depends_on_conditions_of_compose_yaml() -> None:
    project, services = _services(())
    assert project == "egov"
    assert start_plan(services, ["app"]) == [
        ("postgres", "healthy"),
        ("redis", "healthy"),
        ("migrate", "run"),
        ("app", "start"),
    ]
    full = start_plan(services, ["app", "app-full"])
    assert full[-2:] == [("migrate-full", "run"), ("app-full", "start")]
    assert [name for name, _ in full].count("postgres") == 1


def test_start_plan_reads_the_short_form_and_refuses_cycles_and_unknown_services() -> None:
    services = {"a": {"depends_on": ["b"]}, "b": {}}
    assert start_plan(services, ["a"]) == [("b", "start"), ("a", "start")]
    with pytest.raises(ValueError, match="dependency cycle: a -> b -> a"):
        start_plan({"a": {"depends_on": ["b"]}, "b": {"depends_on": ["a"]}}, ["a"])
    with pytest.raises(ValueError, match="unknown service 'c' \\(needed by a\\)"):
        start_plan({"a": {"depends_on": {"c": {"condition": "service_healthy"}}}}, ["a"])
