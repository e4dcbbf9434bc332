"""The compose security lint passes the real files and fails each bad file with the right rule."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from lint_compose import lint_files
from run_checks import COMBINATIONS

HERE = Path(__file__).resolve().parent
COMPOSE = HERE.parent
BASE = COMPOSE / "compose.yaml"
BAD = sorted((HERE / "bad").glob("*.yaml"))


def expected_rules(path: Path) -> set[str]:
    """The rules a bad file must trip, from its first line ``# expect: a, b``."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect:"), f"{path.name} must start with '# expect: <rule>'"
    return {r.strip() for r in first.removeprefix("# expect:").split(",")}


@pytest.mark.parametrize("combo", COMBINATIONS, ids=lambda c: "+".join(c))
def test_real_compose_files_pass(combo: tuple[str, ...]) -> None:
    findings = lint_files([COMPOSE / f for f in combo])
    assert findings == [], "\n".join(map(str, findings))


def test_there_are_bad_files_for_every_rule() -> None:
    rules = set().union(*(expected_rules(p) for p in BAD))
    assert {
        "ports-db-published",
        "ports-not-loopback",
        "ports-not-app",
        "ports-conflict",
        "protected-mode-off",
        "literal-secret",
        "trust-auth",
        "healthcheck",
        "resource-limits",
        "log-rotation",
        "restart-policy",
        "app-read-only",
        "app-cap-drop",
        "app-no-new-privileges",
        "redis-maxmemory",
        "redis-eviction",
        "redis-requirepass",
        "privileged",
        "network-host",
        "secret-not-file",
        "fixed-admin-user",
        "backend-cap-drop",
        "backend-no-new-privileges",
        "backend-user",
        "backend-network",
    } <= rules


@pytest.mark.parametrize("bad", BAD, ids=lambda p: p.stem)
def test_bad_override_fails_with_its_rule_only(bad: Path) -> None:
    # Each bad file is an override of the real compose.yaml that breaks exactly one thing.
    findings = lint_files([BASE, bad])
    assert {f.rule for f in findings} == expected_rules(bad), "\n".join(map(str, findings))


@pytest.mark.parametrize(
    ("bad", "needle"),
    [
        ("postgres-published", "database must never be published"),
        ("app-all-interfaces", "published on 0.0.0.0"),
        ("app-port-without-address", "published on 0.0.0.0"),
        ("redis-protected-mode-no", "protected-mode no"),
        ("postgres-literal-password", "environment POSTGRES_PASSWORD is a literal"),
        ("postgres-default-password", "has a default value"),
        ("postgres-optional-password", "may silently be empty"),
        ("app-url-password", "the password in a URL is a literal"),
        ("redis-healthcheck-password", "healthcheck: the value of -a is a literal"),
        ("app-no-log-rotation", 'max-size "10m", max-file "3"'),
        ("lan-appended-port", "!override"),
        ("app-password-from-environment", "secrets are files"),
        ("redis-password-on-command-line", "puts a secret on a command line"),
        ("backend-not-internal", "internal: true"),
    ],
)
def test_messages_say_what_is_wrong(bad: str, needle: str) -> None:
    messages = [f.message for f in lint_files([BASE, HERE / "bad" / f"{bad}.yaml"])]
    assert any(needle in m for m in messages), messages


def test_lan_override_is_the_only_way_beyond_loopback() -> None:
    assert lint_files([BASE, COMPOSE / "compose.lan.yaml"]) == []
    findings = lint_files([BASE, HERE / "bad" / "app-all-interfaces.yaml"])
    assert [(f.service, f.rule) for f in findings] == [("app", "ports-not-loopback")]


def test_seed_compose_fails_on_everything_the_issue_names() -> None:
    rules = {(f.service, f.rule) for f in lint_files([HERE / "seed-compose.yaml"])}
    assert {
        ("postgres", "ports-db-published"),
        ("redis", "ports-db-published"),
        ("redis", "protected-mode-off"),
        ("postgres", "literal-secret"),
        ("app", "literal-secret"),
        ("app", "ports-not-loopback"),
        ("redis", "redis-requirepass"),
        ("postgres", "healthcheck"),
        ("app", "app-read-only"),
        ("redis", "log-rotation"),
    } <= rules


def test_cli_exit_status_and_output() -> None:
    script = COMPOSE / "checks" / "lint_compose.py"
    bad = HERE / "bad" / "postgres-published.yaml"
    proc = subprocess.run(
        [sys.executable, str(script), str(BASE), str(bad)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 1
    assert "service 'postgres': [ports-db-published]" in proc.stdout
    ok = subprocess.run([sys.executable, str(script), str(BASE)], capture_output=True, text=True, check=False)
    assert (ok.returncode, ok.stdout.strip()) == (0, "compose.yaml: ok")
