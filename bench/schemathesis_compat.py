"""Schemathesis with e-Gov's own OpenAPI document as the contract of /api/2 (``nox -s schemathesis_compat``).

Loads a subset of the shared corpus (default 30 laws incl. 民法 and 国旗国歌法, plus the revision histories)
into a fresh database, serves it with Granian, and runs schemathesis against ``/api/2`` with the official
spec (../shared/reference/egov-lawapi-v2.yaml) relaxed only by the README's listed choices
(``lawapi_contract.RELAXATIONS``): checks ``not_a_server_error`` and ``response_schema_conformance``, at least
1,000 generated cases. Prints the numbers; exits non-zero on any failure or too few cases.

Usage: ``python bench/schemathesis_compat.py [--laws 30] [--max-examples 60] [--seed 1] [--min-cases 1000]``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
CHECKS = "not_a_server_error,response_schema_conformance"


def relaxed_spec(out: Path) -> Path:
    """Write the relaxed official spec to ``out`` (one home for the relaxations: the tests' contract module)."""
    sys.path[:0] = [str(REPO / "packages" / "egov-api" / "tests"), str(REPO / "packages" / "egov-core" / "tests")]
    from lawapi_contract import relaxed_openapi, spec_path

    spec = yaml.safe_load(spec_path().read_text(encoding="utf-8"))
    out.write_text(yaml.safe_dump(relaxed_openapi(spec), allow_unicode=True), encoding="utf-8")
    return out


#: Real laws of the subset for the path parameters (random ids would only ever reach the 404s): the other
#: parameters of each operation are generated around them.
CONFIG = """
[[operations]]
include-path = "/law_data/{law_id_or_num_or_revision_id}"
parameters = { "path.law_id_or_num_or_revision_id" = "129AC0000000089" }

[[operations]]
include-path = "/law_revisions/{law_id_or_num}"
parameters = { "path.law_id_or_num" = "505AC0000000032" }

[[operations]]
include-path = "/law_file/{file_type}/{law_id_or_num_or_revision_id}"
parameters = { "path.law_id_or_num_or_revision_id" = "411AC0000000127" }
"""


def st_command(spec: Path, base: str, *, max_examples: int, seed: int, report: Path) -> list[str]:
    """The ``st run`` command line (its config file written beside ``spec``)."""
    st = str(Path(sys.executable).with_name("st"))
    config = spec.with_name("schemathesis.toml")
    config.write_text(CONFIG, encoding="utf-8")
    cmd = [
        st,
        "--config-file",
        str(config),
        "run",
        str(spec),
        "--url",
        f"{base}/api/2",
        "--checks",
        CHECKS,
        "--max-examples",
        str(max_examples),
    ]
    cmd += ["--seed", str(seed), "--workers", "1", "--request-timeout", "30", "--no-color"]
    cmd += ["--report", "ndjson", "--report-ndjson-path", str(report), "--continue-on-failure"]
    cmd += ["--suppress-health-check", "all", "--output-truncate", "false", "--generation-database", "none"]
    return cmd


def run(laws: int, max_examples: int, seed: int, min_cases: int) -> int:
    """Load the corpus subset, serve it, run schemathesis; returns the exit code."""
    sys.path[:] = [str(REPO), *(p for p in sys.path if Path(p or ".").resolve() != REPO / "bench")]
    from bench.infra import egov_env, fresh_database, http_server, shared_data
    from bench.ingest import ingest_subprocess
    from bench.run import law_files
    from bench.schemathesis_run import _count

    files = sorted({*law_files(laws), shared_data() / "laws" / "xml" / "411AC0000000127.xml"})
    revisions = sorted((shared_data() / "laws" / "revisions").iterdir())
    with fresh_database("egov_stc") as url, tempfile.TemporaryDirectory(prefix="egov_stc_") as tmp:
        ingest_subprocess(url, [("laws", [*files, *revisions])])
        env = egov_env(url, EGOV_VECTOR__ENABLED="false")
        app = "egov_api.app:create_app"
        with http_server("egov", "granian", app, factory=True, env=env, ready_path="/health/ready") as srv:
            report = Path(tmp) / "events.ndjson"
            cmd = st_command(
                relaxed_spec(Path(tmp) / "spec.yaml"), srv.base, max_examples=max_examples, seed=seed, report=report
            )
            print("$", " ".join(cmd), flush=True)
            done = subprocess.run(cmd, check=False)
            cases, failures = _count(report) if report.is_file() else (0, {})
    print(f"\nschemathesis (e-Gov spec as contract): {cases} generated cases, exit {done.returncode}")
    for op, names in failures.items():
        print(f"  FAILED {op}: {', '.join(names)}")
    if cases < min_cases:
        print(f"  fewer than {min_cases} cases: raise --max-examples")
        return 1
    return 1 if done.returncode != 0 or failures else 0


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--laws", type=int, default=30, help="laws of the shared corpus to load")
    parser.add_argument("--max-examples", type=int, default=60, help="cases per operation and phase")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--min-cases", type=int, default=1000)
    args = parser.parse_args()
    sys.exit(run(args.laws, args.max_examples, args.seed, args.min_cases))


if __name__ == "__main__":
    main()
