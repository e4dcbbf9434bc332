"""What the issue asks of the images, checked on the Dockerfiles themselves (no engine needed)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
IMAGES = REPO / "images"
EDITIONS = ("lite", "full")


def instructions(edition: str) -> str:
    """The Dockerfile without its comment lines (comments may name what the instructions must not use)."""
    lines = (IMAGES / f"Dockerfile.{edition}").read_text(encoding="utf-8").splitlines()
    return "\n".join(ln for ln in lines if not ln.lstrip().startswith("#")) + "\n"


def stages(edition: str) -> dict[str, str]:
    """Dockerfile instructions per stage name."""
    text = instructions(edition)
    parts = re.split(r"^FROM\s+", text, flags=re.MULTILINE)
    return {re.match(r"\S+\s+AS\s+(\S+)", p).group(1): p for p in parts[1:]}  # type: ignore[union-attr]


@pytest.mark.parametrize("edition", EDITIONS)
def test_base_and_pip_cert_are_build_arguments(edition: str) -> None:
    text = (IMAGES / f"Dockerfile.{edition}").read_text(encoding="utf-8")
    assert re.search(r"^ARG BASE=python:3\.12-slim$", text, re.MULTILINE)
    assert re.search(r'^ARG PIP_CERT=""$', text, re.MULTILINE)
    assert "host-ca.crt" not in "".join(ln for ln in text.splitlines() if not ln.startswith("#"))  # never baked in


@pytest.mark.parametrize("edition", EDITIONS)
def test_runtime_stage_is_non_root_with_healthcheck_labels_and_no_compilers(edition: str) -> None:
    runtime = stages(edition)["runtime"]
    assert re.search(r"^USER 10001:10001$", runtime, re.MULTILINE)
    assert "HEALTHCHECK" in runtime
    assert "urllib.request" in runtime
    assert "curl" not in runtime
    for label in ("title", "version", "revision", "created", "licenses", "source"):
        assert f"org.opencontainers.image.{label}=" in runtime
    assert not re.search(r"\b(gcc|g\+\+|build-essential|clang|make)\b", runtime)
    assert "GRANIAN_INTERFACE=asgi" in runtime
    assert "GRANIAN_FACTORY=true" in runtime
    assert re.search(r'^CMD \["egov", "serve"\]$', runtime, re.MULTILINE)


@pytest.mark.parametrize("edition", EDITIONS)
def test_dependencies_are_installed_before_the_source_is_copied(edition: str) -> None:
    # Full installs its dependencies in a `deps` stage that the builder (and the model stage) start from.
    found = stages(edition)
    builder = found.get("deps", "") + found["builder"]
    deps = builder.index("pip install -r /tmp/requirements.txt")
    first_source = min(builder.index(f"COPY packages/{p} packages/{p}\n") for p in ("egov-core", "egov-api"))
    assert builder.index("COPY packages/egov-core/pyproject.toml") < deps < first_source


def test_lite_never_installs_torch_and_full_bakes_the_model() -> None:
    lite, full = instructions("lite"), instructions("full")
    assert not re.search(r"torch|sentence.transformers|egov-vector", lite, re.IGNORECASE)
    assert "TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu" in full
    for arg in ("ARG EMBED_MODEL=cl-nagoya/ruri-v3-30m", 'ARG EMBED_MODEL_DIR=""', 'ARG HF_SEED=""'):
        assert arg in stages("full")["model"]
    assert "bake_model.py /opt/models/embed" in stages("full")["model"]
    assert "COPY --from=model /opt/models/embed /opt/models/embed" in full
    runtime = stages("full")["runtime"]
    for env in ("HF_HUB_OFFLINE=1", "EGOV_VECTOR__OFFLINE=true", "EGOV_VECTOR__MODEL_PATH=/opt/models/embed"):
        assert env in runtime
    assert 'EGOV_VECTOR__MODEL="${EMBED_MODEL}"' in runtime  # the id stored with the vectors is the baked one


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_stage_that_runs_pip_declares_the_pip_arguments(edition: str) -> None:
    # An ARG ends with its stage: without it there, an air-gapped pip loses the CA bundle (CERTIFICATE_VERIFY_FAILED).
    for name, stage in stages(edition).items():
        if ". /usr/local/share/egov-build/pip-env.sh" in stage:
            for arg in ("PIP_CERT", "PIP_INDEX_URL", "PIP_FIND_LINKS"):
                assert re.search(rf'^ARG {arg}=""$', stage, re.MULTILINE), f"{edition}/{name}: ARG {arg}"


def test_full_model_stage_does_not_depend_on_the_source() -> None:
    # FROM deps, not builder: a source change must not re-bake (or re-download) the model.
    assert re.search(r"^FROM deps AS model$", instructions("full"), re.MULTILINE)
    assert "COPY packages/" not in stages("full")["model"]


def test_every_file_the_images_copy_is_in_the_build_context() -> None:
    patterns = (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
    for edition in EDITIONS:
        for source in re.findall(r"^COPY (images/\S+)", instructions(edition), re.MULTILINE):
            assert f"!{source}" in patterns, source
        for line in re.findall(r"^COPY (images/.+) /usr/local/share/egov-build/$", instructions(edition), re.MULTILINE):
            for source in line.split():
                assert f"!{source}" in patterns, source


def test_every_packages_build_hook_is_in_the_build_context() -> None:
    """A wheel built in the image runs its package's hatch build hook: left out of the context, the build
    stops with "Build script does not exist: hatch_build.py" (egov-core's C extension hook, seen on podman)."""
    patterns = (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
    hooks = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "packages").glob("*/hatch_build.py"))
    assert hooks, "egov-core builds its search-token extension with a hatch hook"
    for hook in hooks:
        assert f"!{hook}" in patterns, hook


def test_bake_model_copies_a_model_directory_and_refuses_anything_else(tmp_path: Path) -> None:
    sys.path.insert(0, str(IMAGES))
    from bake_model import fetch

    model = tmp_path / "model"
    (model / "1_Pooling").mkdir(parents=True)
    (model / "config.json").write_text("{}", encoding="utf-8")
    (model / "modules.json").write_text("[]", encoding="utf-8")
    (model / "1_Pooling" / "config.json").write_text("{}", encoding="utf-8")
    dest = tmp_path / "baked"
    assert fetch("some/model", "main", dest, str(model), "") == f"directory {model}"
    assert sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*.json")) == [
        "1_Pooling/config.json",
        "config.json",
        "modules.json",
    ]
    (tmp_path / "weights-only").mkdir()
    (tmp_path / "weights-only" / "model.safetensors").write_bytes(b"")
    with pytest.raises(SystemExit, match="not a sentence-transformers"):
        fetch("some/model", "main", tmp_path / "other", str(tmp_path / "weights-only"), "")


def requirements(*specs: str) -> list[str]:
    script = IMAGES / "pyproject_deps.py"
    out = subprocess.run([sys.executable, str(script), *specs], capture_output=True, text=True, check=True, cwd=REPO)
    return out.stdout.split()


def test_dependency_layer_lists_third_party_requirements_only() -> None:
    lite = requirements("packages/egov-core/pyproject.toml", "packages/egov-api/pyproject.toml")
    assert "fastapi>=0.115" in lite
    assert "granian>=2.0" in lite
    assert not any(r.startswith(("egov-", "torch", "sentence-transformers")) for r in lite)
    full = requirements("packages/egov-vector/pyproject.toml[sentence-transformers]")
    assert any(r.startswith("sentence-transformers") for r in full)
    assert not any(r.startswith("egov-") for r in full)


def test_build_context_keeps_secrets_and_tests_out() -> None:
    patterns = (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert "*" in patterns  # everything is excluded unless re-included by name
    assert "**/.env" in patterns
    assert not any(p.startswith("!") and "tests" in p for p in patterns)


def test_env_example_lists_every_required_variable_and_no_secret() -> None:
    compose = REPO / "compose"
    lines = [
        ln
        for f in compose.glob("compose*.yaml")
        for ln in f.read_text(encoding="utf-8").splitlines()
        if not ln.lstrip().startswith("#")
    ]
    required = {m for ln in lines for m in re.findall(r"\$\{([A-Z0-9_]+):\?", ln)}
    example = (compose / ".env.example").read_text(encoding="utf-8")
    for name in required:
        assert re.search(rf"^#? ?{name}=", example, re.MULTILINE), name
    # Secrets are files in EGOV_SECRETS_DIR now: the example names the directory and holds no password line.
    assert re.search(r"^EGOV_SECRETS_DIR=\./secrets$", example, re.MULTILINE)
    assert not re.search(r"^[A-Z_]*(PASSWORD|TOKEN)[A-Z_]*=", example, re.MULTILINE)
