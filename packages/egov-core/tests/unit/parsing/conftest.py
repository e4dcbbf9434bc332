"""Fixtures for the parser tests: the copied real files, and the shared real-data folder when present."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
_REPO_ROOT = Path(__file__).resolve().parents[5]


def shared_data_dir() -> Path:
    """The shared real-data folder (EGOV_SHARED_DATA, default ../shared/data from the repository root)."""
    return Path(os.environ.get("EGOV_SHARED_DATA", str(_REPO_ROOT.parent / "shared" / "data")))


@pytest.fixture
def shared_data() -> Path:
    """The shared real-data folder; skips the test when it is absent."""
    path = shared_data_dir()
    if not (path / "laws").is_dir():
        pytest.skip(f"shared data not found at {path} (set EGOV_SHARED_DATA)")
    return path
