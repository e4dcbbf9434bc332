"""The capacity model: arithmetic from the bench's figures, and the README's tables are its output."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bench import capacity

REPO = Path(__file__).resolve().parents[2]


def readme_inputs() -> tuple[Path, Path]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    found = re.search(r"python -m bench\.capacity (\S+\.json) --cache (\S+\.json)", text)
    assert found, "README's Capacity section names its inputs"
    return REPO / found.group(1), REPO / found.group(2)


def load() -> tuple[dict[str, object], dict[str, object]]:
    results, cache = readme_inputs()
    return json.loads(results.read_text(encoding="utf-8")), json.loads(cache.read_text(encoding="utf-8"))


def test_readme_tables_are_the_models_output() -> None:
    results, cache = load()
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert capacity.render(results, cache) in readme


def test_more_hits_mean_more_requests_per_replica_and_less_database() -> None:
    results, _ = load()
    rates = [0.0, 0.5, 0.9, 0.99]
    rps = [capacity.per_replica_rps(results, h) for h in rates]
    cores = [capacity.db_cores(results, 1000, h) for h in rates]
    assert rps == sorted(rps)
    assert cores == sorted(cores, reverse=True)


def test_a_cell_by_hand() -> None:
    results, _ = load()
    scenarios = results["http"]["scenarios"]  # type: ignore[index]

    def cpu(name: str, key: str) -> float:
        return float(scenarios[name]["by_conn"]["64"][key]["median"])  # type: ignore[index]

    mix = capacity.ASSUMPTIONS["mix"]
    miss_app = sum(share * cpu(name, "cpu_us") for name, share in mix.items())
    miss_db = sum(share * cpu(name, "db_cpu_us") for name, share in mix.items())
    hit_app = cpu("article-redis", "cpu_us")
    assert capacity.per_replica_rps(results, 0.9) == pytest.approx(0.7e6 / (0.9 * hit_app + 0.1 * miss_app))
    assert capacity.db_cores(results, 2000, 0.8) == pytest.approx(2000 * 0.2 * miss_db / 1e6 / 0.7)


def test_parallel_imports_are_capped_by_the_primary() -> None:
    results, _ = load()
    one, many = capacity.import_hours(results, 6.0, 1), capacity.import_hours(results, 6.0, 64)
    assert one["today"] == capacity.import_hours(results, 6.0, 8)["today"]  # "as measured here": one import
    assert many["per_law_locks"] == pytest.approx(one["total_gb"] * 1000 / one["ceiling_mb_per_s"] / 3600)
    assert one["per_law_locks"] > many["per_law_locks"]
