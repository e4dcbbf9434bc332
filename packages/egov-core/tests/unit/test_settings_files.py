"""``EGOV_…_FILE`` variables: secrets handed over as files (compose secrets, Kubernetes Secret volumes)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic_settings.exceptions import SettingsError

from egov_core.settings import EgovSettings
from egov_core.settings_files import MAX_FILE_BYTES


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.upper().startswith("EGOV_"):
            monkeypatch.delenv(key)


def secret(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_nested_secrets_come_from_their_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = secret(tmp_path, "database_url", "postgresql+asyncpg://egov:s3cret@postgres:5432/egov\n")
    redis = secret(tmp_path, "redis_url", "redis://:p4ss@redis:6379/0\r\n")
    monkeypatch.setenv("EGOV_DATABASE__URL_FILE", str(db))
    monkeypatch.setenv("egov_redis__url_file", str(redis))  # names are case-insensitive, as for plain variables
    settings = EgovSettings()
    assert settings.database.url is not None
    assert settings.database.url.get_secret_value() == "postgresql+asyncpg://egov:s3cret@postgres:5432/egov"
    assert settings.redis.url is not None
    assert settings.redis.url.get_secret_value() == "redis://:p4ss@redis:6379/0"


def test_file_values_are_validated_like_any_other(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EGOV_WORKERS_FILE", str(secret(tmp_path, "workers", "3\n")))
    assert EgovSettings().workers == 3
    monkeypatch.setenv("EGOV_WORKERS_FILE", str(secret(tmp_path, "workers", "0\n")))
    with pytest.raises(ValueError, match="workers"):
        EgovSettings()


def test_other_sections_of_the_environment_still_apply(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EGOV_DATABASE__URL_FILE", str(secret(tmp_path, "u", "postgresql+asyncpg://a@b/c")))
    monkeypatch.setenv("EGOV_DATABASE__POOL_SIZE", "7")
    settings = EgovSettings()
    assert settings.database.pool_size == 7
    assert settings.database.url is not None


def test_explicit_arguments_beat_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EGOV_DATABASE__URL_FILE", str(secret(tmp_path, "u", "postgresql+asyncpg://from@file/x")))
    settings = EgovSettings(database={"url": "postgresql+asyncpg://from@test/x"})
    assert settings.database.url is not None
    assert settings.database.url.get_secret_value() == "postgresql+asyncpg://from@test/x"


def test_the_same_setting_given_twice_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EGOV_REDIS__URL_FILE", str(secret(tmp_path, "r", "redis://a")))
    monkeypatch.setenv("EGOV_REDIS__URL", "redis://b")
    with pytest.raises(SettingsError, match="both EGOV_REDIS__URL and EGOV_REDIS__URL_FILE"):
        EgovSettings()


def test_a_missing_file_names_the_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EGOV_DATABASE__URL_FILE", str(tmp_path / "absent"))
    with pytest.raises(SettingsError, match=r"EGOV_DATABASE__URL_FILE: cannot read .*absent: No such file"):
        EgovSettings()


def test_an_unreadable_path_says_why_not_just_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EGOV_DATABASE__URL_FILE", str(tmp_path))
    with pytest.raises(SettingsError, match="Is a directory"):
        EgovSettings()


def test_oversized_and_binary_files_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EGOV_DATABASE__URL_FILE", str(secret(tmp_path, "big", b"x" * (MAX_FILE_BYTES + 1))))
    with pytest.raises(SettingsError, match="larger than"):
        EgovSettings()
    monkeypatch.setenv("EGOV_DATABASE__URL_FILE", str(secret(tmp_path, "bin", b"\xff\xfe")))
    with pytest.raises(SettingsError, match="not UTF-8"):
        EgovSettings()


def test_unknown_names_are_ignored_like_unknown_variables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The root ignores unknown EGOV_ variables; a _FILE variable for a setting this version lacks is no worse.
    monkeypatch.setenv("EGOV_NOT_A_SETTING_FILE", str(tmp_path / "absent-but-unused"))
    with pytest.raises(SettingsError):
        EgovSettings()  # the file is still read: a typo in a path must not pass silently
    monkeypatch.setenv("EGOV_NOT_A_SETTING_FILE", str(secret(tmp_path, "n", "v")))
    assert EgovSettings().workers == 1
