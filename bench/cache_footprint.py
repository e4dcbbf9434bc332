"""Cache memory per cached provision (README "Capacity"): GET every article of N laws once, then read how
much the L1 cache (its own byte count, and the server's RSS growth) and Redis (INFO used_memory, per key)
grew. A small bench piece: one server worker, a private redis-server, a fresh database.

    python -m bench.cache_footprint [--laws 60]      # prints one JSON document
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

import httpx
import psutil  # type: ignore[import-untyped]  # no types-psutil in the dev set

from bench.infra import BENCH_OPS_TOKEN, egov_env, fresh_database, http_server, redis_server
from bench.ingest import ingest_subprocess
from bench.run import law_files

OPS = {"authorization": f"Bearer {BENCH_OPS_TOKEN}"}


def _articles(node: dict[str, Any]) -> list[str]:
    found = [str(node["path"])] if node.get("kind") == "Article" else []
    for child in node.get("children") or []:
        found += _articles(child)
    return found


def _rss_mb(proc: psutil.Process) -> float:
    return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)]) / 1e6


async def _sweep(base: str, paths: list[str], concurrency: int = 8) -> int:
    queue: asyncio.Queue[str] = asyncio.Queue()
    for path in paths:
        queue.put_nowait(path)
    body_bytes = 0

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal body_bytes
        while not queue.empty():
            resp = await client.get(queue.get_nowait())
            resp.raise_for_status()
            body_bytes += len(resp.content)

    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    return body_bytes


def measure(laws: int) -> dict[str, Any]:
    """Ingest ``laws`` laws, sweep their articles through one cached server with Redis; return the figures."""
    import redis

    files = law_files(laws)
    if not files:
        raise SystemExit("no law files: set EGOV_SHARED_DATA to the shared data directory")
    with fresh_database("egov_bench_cache") as url, redis_server() as redis_url:
        if redis_url is None:
            raise SystemExit("redis-server is needed")
        ingest_subprocess(url, [("laws", files)], workers=1)
        env = egov_env(url, EGOV_REDIS__URL=redis_url, EGOV_CACHE__L1_MAX_BYTES=str(2**30))
        with http_server(
            "egov", "granian", "egov_api.app:create_app", factory=True, env=env, ready_path="/health/ready"
        ) as srv:
            ids = [item["law_id"] for item in httpx.get(f"{srv.base}/v1/laws", params={"limit": 100}).json()["items"]]
            paths = []
            for law_id in ids:
                toc = httpx.get(f"{srv.base}/v1/laws/{law_id}/toc", timeout=60).json()
                paths += [f"/v1/laws/{law_id}/provisions/{p}" for item in toc["items"] for p in _articles(item)]
            r = redis.Redis.from_url(redis_url)
            before = httpx.get(f"{srv.base}/health/ready", headers=OPS).json()["cache"]
            redis_before, keys_before = int(r.info("memory")["used_memory"]), int(r.dbsize())
            rss_before = _rss_mb(srv.ps)
            body = asyncio.run(_sweep(srv.base, paths))
            after = httpx.get(f"{srv.base}/health/ready", headers=OPS).json()["cache"]
            redis_after, keys_after = int(r.info("memory")["used_memory"]), int(r.dbsize())
            rss_after = _rss_mb(srv.ps)
    n = len(paths)
    if n == 0:
        raise SystemExit("the laws have no articles to sweep")
    l1 = int(after["l1_bytes"]) - int(before["l1_bytes"])
    entries = int(after["l1_entries"]) - int(before["l1_entries"])
    redis_bytes = redis_after - redis_before
    per_100k = 100_000 / n / 1e6
    return {
        "laws": len(ids),
        "articles": n,
        "mean_body_bytes": round(body / n),
        "l1_entries_added": entries,
        "l1_bytes_per_article": round(l1 / n),
        "l1_mb_per_100k": round(l1 * per_100k, 1),
        "server_rss_growth_mb_per_100k": round((rss_after - rss_before) * 1e6 * per_100k, 1),
        "redis_keys_added": keys_after - keys_before,
        "redis_bytes_per_article": round(redis_bytes / n),
        "redis_mb_per_100k": round(redis_bytes * per_100k, 1),
    }


def main(argv: list[str] | None = None) -> int:
    """Command line: print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--laws", type=int, default=60)
    args = parser.parse_args(argv)
    json.dump(measure(args.laws), sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
