"""The README's ``scripts/dev serve`` serves the Lite edition even from the .venv ``scripts/dev test`` filled.

This test runs the command itself (its pip step included: ~10-20 s), as a newcomer does after the tests:
the .venv then holds egov-vector and torch, and the server must neither turn Full nor want a model.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest
from egov_api_testsupport import free_port

ROOT = Path(__file__).resolve().parents[4]


@pytest.mark.slow
def test_dev_serve_is_lite_in_a_full_venv() -> None:
    assert importlib.util.find_spec("egov_vector") is not None, "run from the full development .venv"
    port = free_port()
    # Not pytest's tmp_path: the embedded server runs as its own user, which cannot enter /tmp/pytest-of-root.
    home = Path(tempfile.mkdtemp(prefix="egov_dev_serve_"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("EGOV_")}
    env.update({"EGOV_VENV": sys.prefix, "EGOV_DATABASE__EMBEDDED_DIR": str(home / "pg")})
    log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the server, closed in finally
    cmd = [str(ROOT / "scripts" / "dev"), "serve", "--port", str(port), "--no-load-sample"]
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            assert proc.poll() is None, _output(log)
            try:
                if httpx.get(base + "/health/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, _output(log)
            time.sleep(0.5)
        assert httpx.get(base + "/v1/search/semantic", params={"q": "損害"}).status_code == 404
        assert httpx.get(base + "/v1/laws").status_code == 200
        deadline = time.monotonic() + 10  # printed by egov serve's own poll of /health, just after ours
        while f"(Lite edition): ready, API docs at http://127.0.0.1:{port}/docs" not in _output(log):
            assert time.monotonic() < deadline, _output(log)
            time.sleep(0.2)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)  # egov serve stops Granian and the embedded server
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()
        shutil.rmtree(home, ignore_errors=True)


def _output(log: object) -> str:
    assert hasattr(log, "seek")
    assert hasattr(log, "read")
    log.seek(0)
    data: bytes = log.read()
    return data.decode(errors="replace")
