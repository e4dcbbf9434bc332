"""Fixtures of the e-Gov client tests: the shared real data and the fake e-Gov server."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# --import-mode=importlib puts nothing on sys.path; the test doubles live in packages/egov-core/tests/fakes.
_TESTS = str(Path(__file__).resolve().parents[2])
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

from fakes import shared_data  # noqa: E402
from fakes.fake_egov import FakeEgov  # noqa: E402


@pytest.fixture(scope="session")
def shared() -> Path:
    """The real data directory (``EGOV_SHARED_DATA``); skip when it is absent."""
    path = shared_data()
    if path is None:
        pytest.skip("shared data (EGOV_SHARED_DATA) not available")
    return path


@pytest.fixture
def fake_egov() -> Iterator[FakeEgov]:
    """A fresh fake e-Gov on a free port, stopped after the test."""
    with FakeEgov() as fake:
        yield fake
