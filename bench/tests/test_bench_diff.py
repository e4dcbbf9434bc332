"""Smoke test of ``bench.diff``: a quick run writes its figures (never asserts how fast anything was)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bench.infra import shared_data

pytestmark = [pytest.mark.integration]


def test_quick_diff_bench_writes_pairs_and_adversarial_shapes(tmp_path: Path) -> None:
    if not (shared_data() / "laws" / "revisions").is_dir():
        pytest.skip("shared data not found (set EGOV_SHARED_DATA)")
    from bench.diff import main

    result = json.loads(main(["--quick", "--out-dir", str(tmp_path)]).read_text(encoding="utf-8"))
    assert len(result["pairs"]) >= 10
    assert all(p["changed"] > 0 for p in result["pairs"])
    assert result["largest_pair"]["chars"] == max(p["chars"] for p in result["pairs"])
    shapes = result["adversarial"]["shapes"]
    assert shapes["identity"]["changed"] == 0
    assert shapes["every article renumbered"]["changed"] > 100
    assert all(fig["seconds"] > 0 for fig in shapes.values())
