"""A tiny FastAPI app behind the fast path, served by Granian in the fast-path integration tests.

Configured by environment variables (the tests start several processes of it):
``EGOV_T_DSN`` (database with the ``meta`` table), ``EGOV_T_REDIS_URL`` (optional L2),
``EGOV_T_PREFIX`` (Redis key prefix).
"""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information
import orjson
from fastapi import FastAPI, Response

from egov_api.fastpath import FastPath, mark_cacheable
from egov_core.cache import CacheKind, DataVersionWatcher, TieredCache
from egov_core.settings import CacheSettings, RedisSettings

LAW = orjson.loads((Path(__file__).parent / "fixtures" / "law_data.json").read_bytes())


def create() -> FastPath:
    """The app factory Granian calls."""
    dsn = os.environ["EGOV_T_DSN"]
    watcher = DataVersionWatcher(dsn, poll_interval_s=1.0)
    redis = RedisSettings.model_validate(
        {
            "url": os.environ.get("EGOV_T_REDIS_URL") or None,
            "key_prefix": os.environ.get("EGOV_T_PREFIX", "egovt"),
            "breaker_reset_s": 1.0,
        }
    )
    cache = TieredCache.from_settings(CacheSettings(ttl_search=60), redis, version=watcher)
    counts: Counter[str] = Counter()
    pools: list[asyncpg.Pool] = []

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await watcher.start()
        pools.append(await asyncpg.create_pool(dsn, min_size=1, max_size=4))
        yield
        await pools[0].close()
        await cache.close()
        await watcher.stop()

    app = FastAPI(lifespan=lifespan)

    @app.get("/v1/laws/{law_id}")
    async def law(law_id: str, revision: str | None = None) -> Response:
        counts[f"law:{law_id}"] += 1
        version = await pools[0].fetchval("SELECT value FROM meta WHERE key = 'data_version'")
        body = orjson.dumps({"law_id": law_id, "data_version": int(version), "pid": os.getpid(), "law": LAW})
        out = Response(body, media_type="application/json")
        mark_cacheable(out, CacheKind.LAW, immutable=revision is not None)
        return out

    @app.get("/v1/slow/{key}")
    async def slow(key: str) -> Response:
        counts[f"slow:{key}"] += 1
        await asyncio.sleep(0.5)
        out = Response(orjson.dumps({"key": key, "law": LAW}), media_type="application/json")
        mark_cacheable(out, "law")
        return out

    @app.get("/v1/search")
    async def search(q: str) -> Response:
        counts[f"search:{q}"] += 1
        out = Response(orjson.dumps({"q": q, "hits": []}), media_type="application/json")
        mark_cacheable(out, "search")
        return out

    fast = FastPath(app, cache=cache)

    @app.get("/_t/stats")
    async def stats() -> dict[str, object]:
        return {"counts": dict(counts), "cache": fast.stats(), "pid": os.getpid()}

    return fast
