"""Fixtures of the e-Gov client tests (unit and integration): the shared real data and the fake e-Gov server.

Each of those folders' conftest imports them from here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fakes import shared_data
from fakes.fake_egov import FakeEgov

__all__ = ["fake_egov", "shared"]


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
