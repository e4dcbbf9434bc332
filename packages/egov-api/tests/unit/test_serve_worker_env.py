"""`egov serve` hands its Granian workers the database URL — unless it came as a file, which they read too."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from egov_api.serve import worker_env
from egov_core.settings import EgovSettings

URL = "postgresql+asyncpg://egov:s3cret@postgres:5432/egov"


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.upper().startswith("EGOV_"):
            monkeypatch.delenv(key)


def test_a_resolved_url_reaches_the_workers() -> None:
    env = worker_env(EgovSettings(), URL, 3)
    assert env["EGOV_DATABASE__URL"] == URL
    assert env["EGOV_WORKERS"] == "3"  # each worker's share of a quota while Redis is away


def test_a_url_from_a_file_stays_a_file_and_the_workers_settings_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "database_url"
    secret.write_text(URL + "\n", encoding="utf-8")
    monkeypatch.setenv("EGOV_DATABASE__URL_FILE", str(secret))
    settings = EgovSettings()
    env = worker_env(settings, URL)
    assert "EGOV_DATABASE__URL" not in env
    assert not any(URL in value for value in env.values())  # the password stays out of the environment
    # What a worker does with that environment: build its settings (both variables at once would refuse).
    monkeypatch.setattr(os, "environ", env)
    worker = EgovSettings()
    assert worker.database.url is not None
    assert worker.database.url.get_secret_value() == URL
