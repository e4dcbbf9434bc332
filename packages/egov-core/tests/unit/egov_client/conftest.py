"""Fixtures of the e-Gov client tests: the shared real data and the fake e-Gov server (one home: fakes/fixtures)."""

from __future__ import annotations

import sys
from pathlib import Path

# --import-mode=importlib puts nothing on sys.path; the test doubles live in packages/egov-core/tests/fakes.
_TESTS = str(Path(__file__).resolve().parents[2])
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

from fakes.fixtures import fake_egov, shared  # noqa: E402

__all__ = ["fake_egov", "shared"]
