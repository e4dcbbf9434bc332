"""Make compose/checks importable: it is a directory of scripts, not an installed package."""

from __future__ import annotations

import sys
from pathlib import Path

CHECKS = Path(__file__).resolve().parents[1] / "checks"
if str(CHECKS) not in sys.path:
    sys.path.insert(0, str(CHECKS))
