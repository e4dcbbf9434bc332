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
from egov_core.ops import ENV_DEFAULTS, SECRET_NAMES, generate_secret, secrets_dir_for, write_env_file

REPO = Path(__file__).resolve().parents[5]
COMPOSE_DIR = REPO / "compose"
# Operator-provided, not secrets: the public host name and the ACME contact of the production override.
OPERATOR_PROVIDED = {"EGOV_DOMAIN", "ACME_EMAIL"}


def read_env(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines())
    return {k: v for k, v in (p for p in pairs if len(p) == 2) if not k.startswith("#")}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def read_secrets(env_path: Path) -> dict[str, str]:
    folder = secrets_dir_for(env_path)
    return {p.name: p.read_text(encoding="utf-8").rstrip("\n") for p in folder.iterdir()}


def test_writes_random_secrets_as_files_in_a_private_directory(tmp_path: Path) -> None:
    env_path = tmp_path / ".env"
    names = write_env_file(env_path)
    env = read_env(env_path)
    assert names == SECRET_NAMES
    assert mode(env_path) == 0o600
    folder = tmp_path / "secrets"
    assert env["EGOV_SECRETS_DIR"] == "./secrets"
    assert mode(folder) == 0o700
    values = read_secrets(env_path)
    assert sorted(values) == sorted(SECRET_NAMES)
    for name in SECRET_NAMES:
        assert mode(folder / name) == 0o444, name
    for name in ("postgres_password", "redis_password", "ops_token", "grafana_admin_password"):
        assert re.fullmatch(r"[A-Za-z0-9]{40}", values[name]), name
    assert values["grafana_admin_user"] != "admin"
    assert values["database_url"] == f"postgresql+asyncpg://egov:{values['postgres_password']}@postgres:5432/egov"
    assert values["redis_url"] == f"redis://:{values['redis_password']}@redis:6379/0"
    # No secret in the settings file compose interpolates (and `docker compose config` prints).
    assert not any(v in env_path.read_text(encoding="utf-8") for v in values.values())
    assert {k: env[k] for k in ENV_DEFAULTS} == ENV_DEFAULTS


def test_a_second_stack_gets_its_own_secrets(tmp_path: Path) -> None:
    write_env_file(tmp_path / ".env")
    write_env_file(tmp_path / ".env.staging")
    assert read_env(tmp_path / ".env.staging")["EGOV_SECRETS_DIR"] == "./secrets.staging"
    a, b = read_secrets(tmp_path / ".env"), read_secrets(tmp_path / ".env.staging")
    assert all(a[n] != b[n] for n in SECRET_NAMES)


def test_modes_hold_even_with_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        write_env_file(tmp_path / ".env")
    finally:
        os.umask(old)
    assert mode(tmp_path / ".env") == 0o600
    assert mode(tmp_path / "secrets") == 0o700


def test_never_overwrites_an_existing_file(tmp_path: Path) -> None:
    env_path = tmp_path / ".env"
    write_env_file(env_path)
    before, secrets_before = env_path.read_bytes(), read_secrets(env_path)
    with pytest.raises(EnvFileExistsError, match="already exists and is left unchanged") as caught:
        write_env_file(env_path)
    assert env_path.read_bytes() == before
    assert read_secrets(env_path) == secrets_before
    assert not any(v in str(caught.value) for v in secrets_before.values())


def test_existing_secrets_of_someone_else_are_kept_too(tmp_path: Path) -> None:
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "postgres_password").write_text("chosen-by-the-operator\n", encoding="utf-8")
    with pytest.raises(EnvFileExistsError):
        write_env_file(tmp_path / ".env")
    assert not (tmp_path / ".env").exists()
    assert (tmp_path / "secrets" / "postgres_password").read_text(encoding="utf-8") == "chosen-by-the-operator\n"


def test_overwrite_rotates_atomically(tmp_path: Path) -> None:
    env_path = tmp_path / ".env"
    write_env_file(env_path)
    old = read_secrets(env_path)
    write_env_file(env_path, overwrite=True)
    new = read_secrets(env_path)
    assert all(old[n] != new[n] for n in SECRET_NAMES if n != "grafana_admin_user")
    assert mode(env_path) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == [".env", "secrets"]  # no temporary file left behind


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
    assert "postgres_password" in proc.stdout
    secrets = read_secrets(env_path).values()
    assert not any(s in proc.stdout + proc.stderr for s in secrets)
    again = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert again.returncode == 1
    assert "already exists" in again.stderr


def test_generate_secret_refuses_short_secrets() -> None:
    assert len(generate_secret(16)) == 16
    with pytest.raises(ValueError, match="at least 16"):
        generate_secret(8)


def test_files_provide_every_secret_and_variable_the_compose_files_require(tmp_path: Path) -> None:
    files = sorted(COMPOSE_DIR.glob("compose*.yaml"))
    if not files:
        pytest.skip("compose/ is not part of this checkout")
    lines = [ln for f in files for ln in f.read_text(encoding="utf-8").splitlines() if not ln.lstrip().startswith("#")]
    required = {m for ln in lines for m in re.findall(r"\$\{([A-Z0-9_]+):\?", ln)}
    secret_files = {m for ln in lines for m in re.findall(r"^\s+file: \$\{EGOV_SECRETS_DIR:-\./secrets\}/(\w+)$", ln)}
    write_env_file(tmp_path / ".env")
    assert required - OPERATOR_PROVIDED <= set(read_env(tmp_path / ".env"))
    assert secret_files == set(read_secrets(tmp_path / ".env"))
    assert {"postgres_password", "database_url", "redis_password", "ops_token"} <= secret_files
