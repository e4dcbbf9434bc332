"""The capacity model: arithmetic from the bench's figures, and the README's tables are its output."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from bench import capacity

REPO = Path(__file__).resolve().parents[2]


def readme_inputs() -> tuple[Path, Path, Path]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    found = re.search(r"python -m bench\.capacity (\S+\.json) --cache (\S+\.json) --ingest (\S+\.json)", text)
    assert found, "README's Capacity section names its inputs"
    return REPO / found.group(1), REPO / found.group(2), REPO / found.group(3)


def load() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    results, cache, ingest = readme_inputs()
    return (
        json.loads(results.read_text(encoding="utf-8")),
        json.loads(cache.read_text(encoding="utf-8")),
        json.loads(ingest.read_text(encoding="utf-8")),
    )


def test_readme_tables_are_the_models_output() -> None:
    results, cache, ingest = load()
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert capacity.render(results, cache, ingest) in readme


def test_more_hits_mean_more_requests_per_replica_and_less_database() -> None:
    results, _, _ = load()
    rates = [0.0, 0.5, 0.9, 0.99]
    rps = [capacity.per_replica_rps(results, h, 0.7) for h in rates]
    cores = [capacity.db_cores(results, 1000, h) for h in rates]
    assert rps == sorted(rps)
    assert cores == sorted(cores, reverse=True)


def test_a_cell_by_hand() -> None:
    results, _, _ = load()
    scenarios = results["http"]["scenarios"]

    def cpu(name: str, key: str) -> float:
        return float(scenarios[name]["by_conn"]["64"][key]["median"])

    mix = capacity.ASSUMPTIONS["mixes"]["reads"]
    miss_app = sum(share * cpu(name, "cpu_us") for name, share in mix.items())
    miss_db = sum(share * cpu(name, "db_cpu_us") for name, share in mix.items())
    hit_app = cpu("article-redis", "cpu_us")
    assert capacity.per_replica_rps(results, 0.9, 0.7) == pytest.approx(0.7e6 / (0.9 * hit_app + 0.1 * miss_app))
    assert capacity.db_cores(results, 2000, 0.8) == pytest.approx(2000 * 0.2 * miss_db / 1e6 / 0.7)


def test_parallel_imports_are_capped_by_the_primary() -> None:
    _, _, ingest = load()
    k8s = capacity.manifest_figures()
    one, many = capacity.import_hours(ingest, 6.0, 1, k8s), capacity.import_hours(ingest, 6.0, 64, k8s)
    assert one["here"] == capacity.import_hours(ingest, 6.0, 8, k8s)["here"]  # "as measured here": one import
    runs = capacity.ingest_runs(ingest)
    widest = runs[max(runs)]
    ceiling = k8s["primary_cores"] / widest["cpu_s_per_mb_postgres"]
    assert many["jobs"] == pytest.approx(one["total_gb"] * 1000 / ceiling / 3600)
    assert one["jobs"] > many["jobs"]


def test_one_job_waits_for_its_writes() -> None:
    run = {"cpu_s_per_mb_importers": 0.2, "cpu_s_per_mb_importer_parents": 0.05, "cpu_s_per_mb_postgres": 0.15}
    assert capacity.job_rate(run, 2.0) == pytest.approx(1 / 0.2)  # parent + PostgreSQL, not 2 cores / 0.2
    assert capacity.job_rate(run, 0.5) == pytest.approx(0.5 / 0.2)  # too few cores: CPU-bound


def test_the_import_figures_come_from_the_bench_ingest_document() -> None:
    results, cache, ingest = load()
    slower = json.loads(json.dumps(ingest))
    for run in slower["runs"]:
        run["cpu_s_per_mb_postgres"] *= 2
    assert capacity.render(results, cache, slower) != capacity.render(results, cache, ingest)


def test_connections_are_read_from_the_manifests(tmp_path: Path) -> None:
    shutil.copytree(REPO / "deploy" / "kubernetes", tmp_path / "k8s")
    k8s = capacity.manifest_figures(tmp_path / "k8s")
    assert capacity.connections_per_replica(k8s)[0] == k8s["workers"] * (k8s["pool"] + 1)
    deployment = tmp_path / "k8s" / "base" / "api-deployment.yaml"
    text = deployment.read_text(encoding="utf-8")
    pool = re.search(r"EGOV_DATABASE__POOL_SIZE\n\s+value: \"(\d+)\"", text)
    assert pool, "the API Deployment sets its pool size"
    deployment.write_text(text.replace(pool.group(0), pool.group(0).replace(pool.group(1), "10")), encoding="utf-8")
    wider = capacity.manifest_figures(tmp_path / "k8s")
    assert wider["pool"] == k8s["pool"] - int(pool.group(1)) + 10
