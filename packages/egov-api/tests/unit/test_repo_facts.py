"""What the docs say about the repository is true: the sample corpus's counts, where ``rich`` is declared."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from egov_api.cli import app
from egov_core.sample import SampleCounts, sample_counts

ROOT = Path(__file__).resolve().parents[4]
PACKAGES = ("egov-core", "egov-api", "egov-vector")


def test_sample_corpus_counts_as_documented() -> None:
    counts = sample_counts()
    assert counts == SampleCounts(laws=31, revisions=33, cases=26)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"bundled sample corpus on first start ({counts.laws} laws incl." in readme
    assert f"and {counts.cases} court decisions)" in readme
    sources = (ROOT / "packages/egov-core/src/egov_core/sample/SOURCES.md").read_text(encoding="utf-8")
    assert f"The ZIP holds {counts.laws} laws ({counts.revisions} revisions)" in sources
    assert f"holds {counts.cases} court decisions" in sources
    load_sample = next(c for c in app.registered_commands if c.name == "load-sample")
    assert load_sample.callback is not None
    assert f"({counts.laws} laws, {counts.cases} court decisions)" in (load_sample.callback.__doc__ or "")


def _declared(package: str) -> set[str]:
    project = tomllib.loads((ROOT / "packages" / package / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {re.split(r"[\[<>=!~ ;]", dep, maxsplit=1)[0].lower() for dep in project["dependencies"]}


def _imports(package: str, module: str) -> bool:
    pattern = re.compile(rf"^\s*(?:from|import) {module}\b", re.MULTILINE)
    src = ROOT / "packages" / package / "src"
    return any(pattern.search(p.read_text(encoding="utf-8")) for p in src.rglob("*.py"))


@pytest.mark.parametrize("package", PACKAGES)
def test_rich_is_declared_exactly_where_it_is_imported(package: str) -> None:
    assert ("rich" in _declared(package)) == _imports(package, "rich")
