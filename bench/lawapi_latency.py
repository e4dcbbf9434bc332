"""Latency of the e-Gov-compatible /api/2 as an e-Gov client sees it (the README's figures).

Asks a running server for 民法's articles one by one, as e-Gov clients do (``/law_data/{id}?elm=…``): each
URL once with an empty cache (the store answers), then again (the cache answers), plus keyword searches.
Prints p50 / p95 per kind. Usage: ``python bench/lawapi_latency.py --base http://127.0.0.1:8000 [--articles 200]``.
"""

from __future__ import annotations

import argparse
import statistics
import time

import httpx


def _timed(client: httpx.Client, path: str) -> float:
    start = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - start
    response.raise_for_status()
    return elapsed * 1000


def _summary(name: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return f"{name}: n={len(samples)} p50={statistics.median(samples):.1f} ms p95={p95:.1f} ms"


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--base", required=True)
    parser.add_argument("--law", default="129AC0000000089")
    parser.add_argument("--articles", type=int, default=200)
    args = parser.parse_args()
    paths = [f"/api/2/law_data/{args.law}?elm=MainProvision-Article_{n}" for n in range(1, args.articles + 1)]
    keywords = [
        f"/api/2/keyword?keyword={k}&limit=20" for k in ("不法行為", "損害賠償", "個人情報", "債権 譲渡", "国旗")
    ]
    with httpx.Client(base_url=args.base, timeout=30) as client:
        cold = [_timed(client, p) for p in paths]
        warm = [_timed(client, p) for p in paths]
        search = [_timed(client, p) for p in keywords]
    print(_summary("law_data elm, first request (store)", cold))
    print(_summary("law_data elm, repeated (cache)", warm))
    print(_summary("keyword, first request", search))


if __name__ == "__main__":
    main()
