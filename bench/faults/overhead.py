"""``python -m bench.faults.overhead``: what the edge costs a cached GET — the same server with quotas in Redis,
quotas in-process (no Redis), and quotas off, measured in one run (ratios, not absolute figures)."""

from __future__ import annotations

import argparse

from bench.faults.stack import running_stack
from bench.load import run_load


def main() -> None:
    """Print cached-GET req/s and p99 for each configuration, and the ratio to quotas off."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    paths = ["/v1/laws/129AC0000000089/articles/709", "/v1/laws/129AC0000000089"]
    results = {}
    configurations: list[tuple[str, dict[str, str | None]]] = [
        ("quotas off", {"EGOV_API__RATE_LIMIT__ENABLED": "false"}),
        ("quotas in-process", {"EGOV_API__RATE_LIMIT__ANONYMOUS": "100000000", "EGOV_REDIS__URL": None}),
        ("quotas in Redis", {"EGOV_API__RATE_LIMIT__ANONYMOUS": "100000000"}),
    ]
    for name, env in configurations:
        with running_stack(workers=1, extra_env=env) as stack:
            run_load(stack.base, paths, 1.0, args.connections)  # warm the cache
            results[name] = run_load(stack.base, paths, args.seconds, args.connections)
    base = results["quotas off"].requests / results["quotas off"].seconds
    for name, load in results.items():
        rate = load.requests / load.seconds
        print(f"| {name} | {rate:,.0f} req/s ({rate / base:.0%}) | p99 {load.p99_ms:.2f} ms | errors {load.errors} |")


if __name__ == "__main__":
    main()
