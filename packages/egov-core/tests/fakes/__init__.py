"""Test doubles that are real servers (no mocks): the fake e-Gov 法令API and its payload builders."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[4]


def shared_data() -> Path | None:
    """``$EGOV_SHARED_DATA`` or ``<repo>/../shared/data``; None when it is absent (tests then skip)."""
    path = Path(os.environ.get("EGOV_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
    return path if path.is_dir() else None
