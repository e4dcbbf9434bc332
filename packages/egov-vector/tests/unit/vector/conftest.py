"""Unit-test helpers: real e-Gov XML fixtures parsed with egov_core's parser."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from egov_core.domain import Law
from egov_core.parsing import parse_law

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _load_law(name: str, directory: str = "laws") -> Law:
    """Parse a fixture law (the file stem's first 15 characters are its law_id)."""
    path = FIXTURES / directory / name
    return parse_law(path.read_bytes(), source=path.name, law_id=path.stem[:15])


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``$EGOV_SHARED_DATA`` or ../shared/data beside the repository."""
    default = Path(__file__).resolve().parents[5].parent / "shared" / "data"
    return Path(os.environ.get("EGOV_SHARED_DATA", str(default)))


@pytest.fixture(scope="session")
def fixtures() -> Path:
    """The package's test fixtures folder."""
    return FIXTURES


@pytest.fixture(scope="session")
def load_law() -> Callable[[str], Law]:
    """Parse a fixture law by file name (``403AC0000000090.xml``)."""
    return _load_law


@pytest.fixture(scope="session")
def shakuchi() -> Law:
    """借地借家法 (2020 bulk XML)."""
    return _load_law("403AC0000000090.xml")
