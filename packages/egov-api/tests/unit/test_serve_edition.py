"""``egov serve`` knows its edition before it starts anything, and a Full server without its model stops at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from egov_api_testsupport import restore_logging  # noqa: F401 - autouse fixture
from typer.testing import CliRunner

from egov_api.cli import app
from egov_api.vector import served_edition


def test_disabled_vector_is_lite(monkeypatch: pytest.MonkeyPatch) -> None:
    # What scripts/dev serve sets: the test .venv has egov-vector, the quick start still serves Lite.
    monkeypatch.setenv("EGOV_VECTOR__ENABLED", "false")
    assert served_edition() == ("Lite", None)


def test_full_without_its_model_fails_fast_with_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("EGOV_VECTOR__ENABLED", "true")
    monkeypatch.setenv("EGOV_VECTOR__BACKEND", "sentence-transformers")
    monkeypatch.setenv("EGOV_VECTOR__MODEL", "egov-test/no-such-model")
    monkeypatch.delenv("EGOV_VECTOR__MODEL_PATH", raising=False)
    monkeypatch.delenv("EGOV_DATABASE__URL", raising=False)
    monkeypatch.setenv("EGOV_DATABASE__EMBEDDED_DIR", str(tmp_path / "pg"))
    result = CliRunner().invoke(app, ["serve", "--port", "1"])
    assert result.exit_code == 2
    [line] = result.output.splitlines()
    assert line.startswith("egov serve (Full edition): the embedding model egov-test/no-such-model is not on")
    assert not (tmp_path / "pg").exists()  # stopped before starting the database
