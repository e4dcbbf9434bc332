"""Make deploy/kubernetes/validate.py importable as ``validate`` (it is a script, not a package)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "kubernetes"))
