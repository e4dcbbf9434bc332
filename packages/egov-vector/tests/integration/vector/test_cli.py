"""``egov embed`` as egov_api calls it: opens the store, migrates, backfills, prints a summary."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr
from rich.console import Console
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.settings import DatabaseSettings, EgovSettings
from egov_vector import VectorSettings
from egov_vector.cli import run_embed

pytestmark = [pytest.mark.integration, pytest.mark.vector]


async def test_run_embed_twice(vector_engine: AsyncEngine) -> None:
    url = SecretStr(vector_engine.url.render_as_string(hide_password=False))
    settings = EgovSettings(database=DatabaseSettings(url=url, statement_timeout_ms=120_000))
    vector = VectorSettings(backend="deterministic", deterministic_dimension=56)
    out = io.StringIO()
    first = await run_embed(settings, vector, console=Console(file=out, width=200))
    assert first.model_id == "egov/deterministic-ngram-v1-56"
    assert first.embedded + first.reused == first.chunks
    assert first.cases == 2
    assert "egov/deterministic-ngram-v1-56 (dim 56)" in out.getvalue()
    second = await run_embed(settings, vector, console=Console(file=io.StringIO()))
    assert (second.embedded, second.kept) == (0, first.chunks)


def _egov(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from egov_api.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_export_e5_prints_the_settings_that_use_it(tmp_path: Path) -> None:
    done = _egov("export-e5", str(tmp_path / "e5"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "EGOV_VECTOR__MODEL=egov/multilingual-e5-small-q4",
        f"EGOV_VECTOR__MODEL_PATH={(tmp_path / 'e5').resolve()}",
        "EGOV_VECTOR__OFFLINE=true",
    ]
    assert (tmp_path / "e5" / "tokenizer.json").is_file()
    # A file where the directory should be: a one-line error, not a traceback.
    (tmp_path / "taken").write_text("x")
    failed = _egov("export-e5", str(tmp_path / "taken"))
    assert failed.returncode == 1
    assert "error:" in failed.stderr
    assert "Traceback" not in failed.stderr
