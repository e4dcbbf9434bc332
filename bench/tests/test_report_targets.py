"""Issue 17's read-path rows of the report: CPU ratios at one connection, each stated met or not; PostgreSQL CPU
per search beside another machine's baseline, without a verdict."""

from __future__ import annotations

from typing import Any

from bench.report import SEARCH_DB_CPU_BEFORE, targets


def _fig(ratio: float, cpu: float, db: float) -> dict[str, Any]:
    spread = {"median": ratio, "min": ratio * 0.9, "max": ratio * 1.1, "n": 3}
    ms = {"median": 5.0}
    return {"ratio_cpu": spread, "cpu_us": {"median": cpu}, "db_cpu_us": {"median": db}, "p50_ms": ms, "p99_ms": ms}


def test_read_path_rows_state_each_target() -> None:
    scs = {
        "article-uncached": {"by_conn": {"1": _fig(0.2, 500, 100)}},
        "search-2char": {"by_conn": {"1": _fig(0.05, 2000, 900), "64": _fig(0.04, 2100, 1700)}},
        "search-4char": {"by_conn": {"64": _fig(0.04, 2100, SEARCH_DB_CPU_BEFORE["search-4char"])}},
    }
    rows = {t: (m, ok) for i, t, m, ok in targets({"http": {"scenarios": scs}}) if i == "#17"}
    assert rows["uncached article GET CPU ratio ≥ 0.15 @1 conn"] == ("0.200 (0.180–0.220; 500 server CPU-µs)", True)
    assert rows["search-2char CPU ratio ≥ 0.08 @1 conn"][1] is False
    db_row = "search-2char PostgreSQL CPU halved @64 (2026-11-28, another machine: 3718 µs)"
    assert rows[db_row] == ("1700 µs (paired on one machine: README)", None)
    assert rows["search-4char PostgreSQL CPU halved @64 (2026-11-28, another machine: 4543 µs)"][1] is None
    assert not any("search-1char" in t for t in rows)  # not measured: no row
