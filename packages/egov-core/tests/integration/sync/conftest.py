"""Fixtures of the sync tests: the fake e-Gov serving real revision payloads, and helpers on the store."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes import shared_data
from fakes.fake_egov import FakeEgov

# --import-mode=importlib puts nothing on sys.path: make sync_testsupport (beside this file) importable.
_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)


@pytest.fixture(scope="session")
def revisions_root() -> Path:
    """``shared/data/laws/revisions`` (11 laws, 66 revisions); skip when the shared data is absent."""
    data = shared_data()
    if data is None or not (data / "laws" / "revisions").is_dir():
        pytest.skip("shared data (EGOV_SHARED_DATA) not available")
    return data / "laws" / "revisions"


@pytest.fixture
def fake_egov() -> Iterator[FakeEgov]:
    """A fresh fake e-Gov on a free port, stopped after the test."""
    with FakeEgov() as fake:
        yield fake


@pytest.fixture
def revisions_copy(revisions_root: Path, tmp_path: Path) -> Path:
    """A writable copy of the real revision tree (tests edit it to play e-Gov publishing changes)."""
    target = tmp_path / "revisions"
    shutil.copytree(revisions_root, target)
    for path in target.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return target
