"""Smoke test of the bench code itself: a tiny corpus, one short round — checks the report is produced.

It asserts what the run wrote (JSON fields, Markdown sections, PNGs), never how fast anything was.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from bench.infra import shared_data

pytestmark = [pytest.mark.integration]


@pytest.fixture(scope="module")
def shared() -> Path:
    """The shared corpus, or skip."""
    data = shared_data()
    if not (data / "laws" / "xml" / "129AC0000000089.xml").is_file():
        pytest.skip(f"shared data not found at {data} (set EGOV_SHARED_DATA)")
    return data


def test_quick_run_on_a_tiny_corpus_writes_json_markdown_and_plots(shared: Path, tmp_path: Path) -> None:
    """Two laws (民法 and 刑法), 1 s windows at 1 connection, the main scaling point, five lawqa_jp questions,
    HNSW vs exact over 民法 with the deterministic embedder, semantic/hybrid over HTTP on a one-law store."""
    from bench.run import main

    argv = ["--quick", "--laws", "2", "--duration", "1", "--rounds", "1", "--connections", "1"]
    argv += ["--scale-sizes", "--questions", "5", "--hnsw-laws", "1", "--ingest-workers", "1"]
    argv += ["--vector-http-laws", "1"]
    argv += ["--out-dir", str(tmp_path)]
    json_path = main(argv)

    result = json.loads(json_path.read_text(encoding="utf-8"))
    assert result["corpus"]["law_files"] == 2
    assert result["ingest"]["steps"]["laws"]["imported"] == 2
    assert result["ingest"]["steps"]["laws"]["failed"] == 0
    assert result["ingest"]["steps"]["cases"]["imported"] > 0
    scenarios = result["http"]["scenarios"]
    assert {
        "raw",
        "article-l1",
        "article-uncached",
        "search-2char",
        "search-question",
        "resolve",
        "case-search",
    } <= set(scenarios)
    for name, sc in scenarios.items():
        fig = sc["by_conn"]["1"]
        assert fig["errors"] == 0, name
        assert fig["rps"]["median"] > 0, name
    # The L1 scenario really was served from L1: the cached server computed the article once.
    assert result["http"]["cache_stats"]["egov"]["l1_hits"] > 0
    assert [p["laws"] for p in result["scaling"]] == [2]
    assert result["scaling"][0]["search"]["p50_ms"]["median"] > 0
    assert result["quality"]["questions"] == 5
    assert "keyword (full corpus)" in result["quality"]["metrics"]
    hnsw = result["quality"]["hnsw"]
    assert hnsw["queries"] == 5
    assert hnsw["chunks"] > 0
    assert hnsw["index_used"] is True  # the recall figure is about HNSW, whatever the planner picks here
    assert isinstance(hnsw["planner_chose_index"], bool)
    assert 0.0 <= hnsw["recall_at_k"] <= 1.0
    vector = result["vector_http"]
    assert vector["chunks"] > 0
    assert set(vector["scenarios"]) == {"vec-keyword", "vec-semantic", "vec-hybrid", "vec-hybrid-question"}
    for name, sc in vector["scenarios"].items():
        assert sc["errors"] == 0, name
        assert sc["by_conn"]["1"]["rps"]["median"] > 0, name
    md = json_path.with_suffix(".md").read_text(encoding="utf-8")
    sections = ("## Targets", "## HTTP (headline)", "## Semantic and hybrid search (HTTP, Full edition)", "## Ingest")
    for section in (*sections, "## Scaling", "## Quality (lawqa_jp)"):
        assert section in md
    assert "ingest ≥ 5 MB/s" in md
    pngs = sorted(p.name for p in tmp_path.glob("*.png"))
    # Plots need matplotlib (optional); without it the report still carries every figure.
    assert len(pngs) == (4 if importlib.util.find_spec("matplotlib") else 0), pngs
