"""The compose secrets file: random, private, never overwritten, never printed."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from egov_core.errors import EnvFileExistsError, OpsError
from egov_core.ops import ENV_DEFAULTS, SECRET_NAMES, generate_secret, write_env_file

REPO = Path(__file__).resolve().parents[5]
COMPOSE_DIR = REPO / "compose"
# Operator-provided, not secrets: the public host name and the ACME contact of the production override.
OPERATOR_PROVIDED = {"EGOV_DOMAIN", "ACME_EMAIL"}


def read_env(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines())
    return {k: v for k, v in (p for p in pairs if len(p) == 2) if not k.startswith("#")}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_writes_random_secrets_readable_by_owner_only(tmp_path: Path) -> None:
    env_path = tmp_path / ".env"
    names = write_env_file(env_path)
    env = read_env(env_path)
    assert names == SECRET_NAMES
    assert mode(env_path) == 0o600
    for name in SECRET_NAMES:
        assert re.fullmatch(r"[A-Za-z0-9]{40}", env[name]), name
    assert len({env[n] for n in SECRET_NAMES}) == len(SECRET_NAMES)
    assert {k: env[k] for k in ENV_DEFAULTS} == ENV_DEFAULTS


def test_each_file_gets_new_secrets(tmp_path: Path) -> None:
    write_env_file(tmp_path / "a.env")
    write_env_file(tmp_path / "b.env")
    a, b = read_env(tmp_path / "a.env"), read_env(tmp_path / "b.env")
    assert all(a[n] != b[n] for n in SECRET_NAMES)


def test_mode_is_0600_even_with_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        write_env_file(tmp_path / ".env")
    finally:
        os.umask(old)
    assert mode(tmp_path / ".env") == 0o600


def test_never_overwrites_an_existing_file(tmp_path: Path) -> None:
    env_path = tmp_path / ".env"
    write_env_file(env_path)
    before = env_path.read_bytes()
    with pytest.raises(EnvFileExistsError, match="already exists and is left unchanged") as caught:
        write_env_file(env_path)
    assert env_path.read_bytes() == before
    assert not any(read_env(env_path)[n] in str(caught.value) for n in SECRET_NAMES)


def test_existing_file_of_someone_else_is_kept_too(tmp_path: Path) -> None:
    env_path = tmp_path / ".env"
    env_path.write_text("POSTGRES_PASSWORD=chosen-by-the-operator\n", encoding="utf-8")
    with pytest.raises(EnvFileExistsError):
        write_env_file(env_path)
    assert env_path.read_text(encoding="utf-8") == "POSTGRES_PASSWORD=chosen-by-the-operator\n"


def test_overwrite_rotates_atomically(tmp_path: Path) -> None:
    env_path = tmp_path / ".env"
    write_env_file(env_path)
    old = read_env(env_path)
    write_env_file(env_path, overwrite=True)
    new = read_env(env_path)
    assert all(old[n] != new[n] for n in SECRET_NAMES)
    assert mode(env_path) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == [".env"]  # no temporary file left behind


def test_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(OpsError, match="does not exist"):
        write_env_file(tmp_path / "nope" / ".env")


def test_nothing_is_printed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_env_file(tmp_path / ".env")
    assert capsys.readouterr() == ("", "")


def test_command_line_reports_names_not_values(tmp_path: Path) -> None:
    env_path = tmp_path / ".env"
    cmd = [sys.executable, "-m", "egov_core.ops", "init-env", str(env_path)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "POSTGRES_PASSWORD" in proc.stdout
    secrets = [read_env(env_path)[n] for n in SECRET_NAMES]
    assert not any(s in proc.stdout + proc.stderr for s in secrets)
    again = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert again.returncode == 1
    assert "already exists" in again.stderr


def test_generate_secret_refuses_short_secrets() -> None:
    assert len(generate_secret(16)) == 16
    with pytest.raises(ValueError, match="at least 16"):
        generate_secret(8)


def test_file_provides_every_secret_the_compose_files_require(tmp_path: Path) -> None:
    files = sorted(COMPOSE_DIR.glob("compose*.yaml"))
    if not files:
        pytest.skip("compose/ is not part of this checkout")
    lines = [ln for f in files for ln in f.read_text(encoding="utf-8").splitlines() if not ln.lstrip().startswith("#")]
    required = {m for ln in lines for m in re.findall(r"\$\{([A-Z0-9_]+):\?", ln)}
    write_env_file(tmp_path / ".env")
    assert required - OPERATOR_PROVIDED <= set(read_env(tmp_path / ".env"))
    assert {"POSTGRES_PASSWORD", "REDIS_PASSWORD"} <= required
