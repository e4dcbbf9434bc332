"""The load generators against a real Granian server: counts add up, status errors are counted.

Both ``wrk`` and the Python fallback are exercised when wrk is installed; nothing here asserts a speed.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from typing import Any

import pytest
from bench.infra import http_server, postgres_cpu_delta
from bench.load import _python, run_load

pytestmark = [pytest.mark.integration]


@pytest.fixture(scope="module")
def raw_base() -> str:  # type: ignore[misc]
    with http_server("raw", "granian", "bench.apps:raw_app", factory=False, env={}, ready_path="/") as server:
        yield server.base


@pytest.mark.parametrize("tool", ["python", "wrk"])
def test_load_window_counts_requests_and_latencies(raw_base: str, tool: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if tool == "wrk" and shutil.which("wrk") is None:
        pytest.skip("wrk not installed (apt-get install wrk; .ci/run installs it)")
    monkeypatch.setenv("BENCH_LOAD", tool if tool == "python" else "")
    load = run_load(raw_base, ["/a", "/b?q=%E7%A8%8E", "/税"], duration=1.0, connections=4)
    assert load.tool == tool
    assert load.requests > 0
    assert load.errors == 0
    assert 0 < load.p50_ms <= load.p90_ms <= load.p99_ms


def test_cpu_delta_never_goes_negative_when_a_backend_exits() -> None:
    before = {1: 5.0, 2: 3.0}
    after = {2: 3.5, 3: 0.25}  # backend 1 exited, backend 3 is new
    assert postgres_cpu_delta(before, after) == pytest.approx(0.75)


def test_python_client_says_what_the_failures_were() -> None:
    """A server that sheds load (503) and one that refuses (429): the window counts each by status code."""

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                status = {b"/busy": b"503 Service Unavailable", b"/quota": b"429 Too Many Requests"}.get(
                    head.split(b" ", 2)[1], b"200 OK"
                )
                writer.write(b"HTTP/1.1 " + status + b"\r\ncontent-length: 2\r\n\r\n{}")
                await writer.drain()
        writer.close()

    async def window() -> dict[str, Any]:
        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with server:
            return await _python(f"http://127.0.0.1:{port}", ["/ok", "/busy", "/ok", "/quota"], 0.3, 2)

    out = asyncio.run(window())
    failures = out["failures"]
    assert set(failures) == {"503", "429"}
    assert out["errors"] == failures["503"] + failures["429"] > 0
    assert out["requests"] > out["errors"]
