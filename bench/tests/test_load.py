"""The load generators against a real Granian server: counts add up, status errors are counted.

Both ``wrk`` and the Python fallback are exercised when wrk is installed; nothing here asserts a speed.
"""

from __future__ import annotations

import shutil

import pytest
from bench.infra import http_server, postgres_cpu_delta
from bench.load import run_load

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
