"""Smoke run of ``nox -s schemathesis_compat``: schemathesis with e-Gov's own spec (relaxed only as the README
lists) as the contract of /api/2 on the served app, a few cases per operation. The full run (>= 1,000 cases
on a larger corpus) is the nox session. It takes ~15 s (schemathesis' own start-up is a third of it): the one
run of the real contract tool over real HTTP in the default suite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from lawapi_contract import relaxed_openapi, spec_path

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[5]


def test_schemathesis_finds_no_server_error_and_no_schema_violation(lawapi_http: str, tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO))
    try:
        from bench.schemathesis_run import EGOV_CONFIG, count_cases, st_command
    finally:
        sys.path.remove(str(REPO))
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(relaxed_openapi(yaml.safe_load(spec_path().read_text("utf-8"))), allow_unicode=True))
    report = tmp_path / "events.ndjson"
    cmd = st_command(spec, url=f"{lawapi_http}/api/2", config=EGOV_CONFIG, max_examples=15, seed=7, report=report)
    cmd += ["--phases", "fuzzing"]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=300)
    cases, failures = count_cases(report)
    assert done.returncode == 0, done.stdout[-3000:]
    assert failures == {}
    assert cases >= 60, done.stdout[-2000:]  # six operations, fuzzed
