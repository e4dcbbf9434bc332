"""Issue 17's read-path rows of the report: CPU ratios at one connection, each stated met or not; PostgreSQL CPU
per search halved or not against a baseline revision paired in the same run, else beside another machine's
figure without a verdict."""

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
    assert rows[db_row] == ("1700 µs (paired: `python -m bench.run --baseline`)", None)
    assert rows["search-4char PostgreSQL CPU halved @64 (2026-11-28, another machine: 4543 µs)"][1] is None
    assert not any("search-1char" in t for t in rows)  # not measured: no row


def _round(db: float) -> dict[str, Any]:
    return {"db_cpu_us": db, "cpu_us": 1000.0, "rps": 400.0}


def test_a_paired_baseline_states_halved_or_not_per_group() -> None:
    scs = {"search-2char": {"by_conn": {"64": _fig(0.04, 2100, 1700)}}}
    baseline = {
        "sides": [{"name": "baseline", "label": "c3a7f8c"}, {"name": "current", "label": "abc1234"}],
        "groups": {
            "1-char": [[_round(2000), _round(2200)], [_round(900), _round(1000)]],
            "2-char": [[_round(2000), _round(2000)], [_round(1100), _round(1050)]],
        },
    }
    rows = {t: (m, ok) for i, t, m, ok in targets({"http": {"scenarios": scs}, "baseline": baseline}) if i == "#17"}
    one = rows["keyword search 1-char: PostgreSQL CPU halved @1 (paired against c3a7f8c in this run)"]
    assert one == ("2,100 → 950 µs per request, 0.45 (rounds 0.45 0.45)", True)
    two = rows["keyword search 2-char: PostgreSQL CPU halved @1 (paired against c3a7f8c in this run)"]
    assert two[1] is False  # 1,075 of 2,000: not half
    assert not any("another machine" in t for t in rows)  # the paired rows replace the unpaired ones
