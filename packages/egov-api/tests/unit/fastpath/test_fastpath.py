"""The fast path in process (httpx's ASGI transport, no server): hits skip routing, 304s, pass-through."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI, Response

from egov_api.etag import if_none_match
from egov_api.fastpath import CACHE_KIND_HEADER, FastPath, mark_cacheable
from egov_core.cache import CacheKind, StaticVersion, TieredCache, strong_etag
from egov_core.settings import CacheSettings

LAW = (Path(__file__).parent / "fixtures" / "law_data.json").read_bytes()
SETTINGS = CacheSettings(ttl_law=86400, ttl_search=600, ttl_list=3600)


def build(vary: tuple[str, ...] = (), **settings: object) -> tuple[FastPath, Counter[str], StaticVersion]:
    calls: Counter[str] = Counter()
    version = StaticVersion(1)
    app = FastAPI()

    @app.get("/v1/laws/{law_id}")
    async def law(law_id: str, response: Response, revision: str | None = None) -> Response:
        calls["law"] += 1
        out = Response(LAW + b"<!--v%d-->" % version.current, media_type="application/json")
        mark_cacheable(out, CacheKind.LAW, immutable=revision is not None)
        return out

    @app.get("/v1/search")
    async def search(q: str) -> Response:
        calls["search"] += 1
        out = Response(f'{{"q":"{q}"}}'.encode(), media_type="application/json")
        mark_cacheable(out, "search")
        return out

    @app.get("/v1/missing")
    async def missing() -> Response:
        calls["missing"] += 1
        return Response(b'{"title":"not found"}', status_code=404, headers={CACHE_KIND_HEADER: "law"})

    @app.get("/v1/plain")
    async def plain() -> Response:
        calls["plain"] += 1
        return Response(b"uncached", media_type="text/plain")

    @app.get("/v1/cookie")
    async def cookie() -> Response:
        calls["cookie"] += 1
        out = Response(b"private", headers={CACHE_KIND_HEADER: "law"})
        out.set_cookie("session", "secret")
        return out

    @app.get("/v1/odd")
    async def odd() -> Response:
        calls["odd"] += 1
        return Response(b"odd", headers={CACHE_KIND_HEADER: "nonsense"})

    @app.post("/v1/laws/{law_id}")
    async def post(law_id: str) -> Response:
        calls["post"] += 1
        return Response(b"posted", headers={CACHE_KIND_HEADER: "law"})

    @app.get("/other")
    async def other() -> Response:
        calls["other"] += 1
        return Response(b"other", headers={CACHE_KIND_HEADER: "law"})

    cache = TieredCache(SETTINGS.model_copy(update=settings), version=version)
    return FastPath(app, cache=cache, vary=vary), calls, version


def client(fast: FastPath) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=fast), base_url="http://egov.test")


async def test_second_get_is_served_without_routing() -> None:
    fast, calls, _ = build()
    async with client(fast) as c:
        first = await c.get("/v1/laws/411AC0000000127")
        second = await c.get("/v1/laws/411AC0000000127")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert first.content.startswith(LAW)
    assert calls["law"] == 1
    assert fast.hits == 1
    assert fast.stored == 1
    for r in (first, second):
        assert r.headers["etag"] == strong_etag(first.content).decode()
        assert r.headers["cache-control"] == "public, max-age=300"  # client max-age cap of current URLs
        assert r.headers["content-type"] == "application/json"
        assert r.headers["content-length"] == str(len(first.content))
        assert CACHE_KIND_HEADER not in r.headers


async def test_if_none_match_gets_304_on_both_paths() -> None:
    fast, calls, _ = build()
    etag = strong_etag(LAW + b"<!--v1-->").decode()
    async with client(fast) as c:
        slow = await c.get("/v1/laws/A", headers={"if-none-match": etag})
        quick = await c.get("/v1/laws/A", headers={"if-none-match": f'"other", W/{etag}'})
        changed = await c.get("/v1/laws/A", headers={"if-none-match": '"stale"'})
    for r in (slow, quick):
        assert r.status_code == 304
        assert r.content == b""
        assert r.headers["etag"] == etag
        assert r.headers["cache-control"] == "public, max-age=300"  # client max-age cap of current URLs
        assert "content-type" not in r.headers
    assert changed.status_code == 200
    assert changed.content == LAW + b"<!--v1-->"
    assert calls["law"] == 1
    assert fast.not_modified == 2


async def test_immutable_revision_and_search_ttls() -> None:
    fast, _, _ = build()
    async with client(fast) as c:
        fixed = await c.get("/v1/laws/A", params={"revision": "A_20200401_x"})
        search = await c.get("/v1/search", params={"q": "個人情報"})
    assert fixed.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert search.headers["cache-control"] == "public, max-age=300"  # min(search TTL, client cap)


async def test_query_order_does_not_matter_but_values_do() -> None:
    fast, calls, _ = build()
    async with client(fast) as c:
        await c.get("/v1/search?q=税&limit=5")
        await c.get("/v1/search?limit=5&q=税")
        other = await c.get("/v1/search?limit=5&q=民法")
    assert calls["search"] == 2
    assert other.json() == {"q": "民法"}


async def test_encoded_separators_in_the_path_do_not_share_keys() -> None:
    fast, calls, _ = build(vary=("accept",))
    async with client(fast) as c:
        a = await c.get("/v1/search?q=x%3Fq%3Dy")
        # The first path decodes to "/v1/laws/a?b", the third to "/v1/laws/a%3Fb": three different keys.
        await c.get("/v1/laws/a%3Fb?revision=c")
        await c.get("/v1/laws/a?b%3Frevision=c")
        await c.get("/v1/laws/a%253Fb?revision=c")
        f = await c.get("/v1/search?q=z%0Aaccept=text/plain")
        g = await c.get("/v1/search?q=z", headers={"accept": "text/plain"})
    assert a.json() == {"q": "x?q=y"}
    assert calls["law"] == 3
    assert f.content == b'{"q":"z\naccept=text/plain"}'
    assert g.json() == {"q": "z"}
    assert calls["search"] == 3


async def test_head_uses_the_cached_get() -> None:
    fast, calls, _ = build()
    async with client(fast) as c:
        cold = await c.head("/v1/laws/A")
        get = await c.get("/v1/laws/A")
        warm = await c.head("/v1/laws/A")
    assert cold.status_code == warm.status_code == 200
    assert warm.content == b""
    assert warm.headers["content-length"] == str(len(get.content))
    assert warm.headers["etag"] == get.headers["etag"]
    assert cold.content == b""
    assert cold.headers["etag"] == get.headers["etag"]
    assert calls["law"] == 1  # the cold HEAD ran the GET route and filled the cache


async def test_new_data_version_misses() -> None:
    fast, calls, version = build()
    async with client(fast) as c:
        old = await c.get("/v1/laws/A")
        version.current = 2
        new = await c.get("/v1/laws/A")
    assert old.content.endswith(b"<!--v1-->")
    assert new.content.endswith(b"<!--v2-->")
    assert old.headers["etag"] != new.headers["etag"]
    assert calls["law"] == 2


@pytest.mark.parametrize(
    ("method", "path", "name", "status"),
    [
        ("GET", "/v1/missing", "missing", 404),
        ("GET", "/v1/plain", "plain", 200),
        ("GET", "/v1/cookie", "cookie", 200),
        ("GET", "/v1/odd", "odd", 200),
        ("POST", "/v1/laws/A", "post", 200),
        ("GET", "/other", "other", 200),
    ],
)
async def test_uncacheable_requests_pass_through(method: str, path: str, name: str, status: int) -> None:
    fast, calls, _ = build()
    async with client(fast) as c:
        for _ in range(2):
            r = await c.request(method, path)
            assert r.status_code == status
            assert "etag" not in r.headers
    assert calls[name] == 2
    assert fast.hits == 0
    assert len(fast.cache.l1) == 0
    if method == "GET" and path.startswith("/v1/") and name != "odd":
        assert CACHE_KIND_HEADER not in r.headers


async def test_vary_headers_split_the_key_and_are_announced() -> None:
    fast, calls, _ = build(vary=("accept",))
    async with client(fast) as c:
        a = await c.get("/v1/laws/A", headers={"accept": "application/json"})
        b = await c.get("/v1/laws/A", headers={"accept": "text/plain"})
        await c.get("/v1/laws/A", headers={"accept": "application/json"})
    assert calls["law"] == 2
    assert a.headers["vary"] == b.headers["vary"] == "accept"


async def test_disabled_cache_passes_everything_through() -> None:
    fast, calls, _ = build(enabled=False)
    async with client(fast) as c:
        await c.get("/v1/laws/A")
        r = await c.get("/v1/laws/A")
    assert calls["law"] == 2
    assert "etag" not in r.headers


async def test_stats_merge_fast_path_and_cache_counters() -> None:
    fast, _, _ = build()
    async with client(fast) as c:
        await c.get("/v1/laws/A")
        await c.get("/v1/laws/A")
    stats = fast.stats()
    assert stats["fastpath_hits"] == 1
    assert stats["fastpath_stored"] == 1
    assert stats["l1_entries"] == 1
    assert stats["l1_bytes"] > len(LAW)


@pytest.mark.parametrize(
    ("header", "etag", "expected"),
    [
        (b'"abc"', b'"abc"', True),
        (b'W/"abc"', b'"abc"', True),
        (b'"x", "abc"', b'"abc"', True),
        (b"*", b'"abc"', True),
        (b'"abcd"', b'"abc"', False),
        (b"", b'"abc"', False),
    ],
)
def test_if_none_match(header: bytes, etag: bytes, expected: bool) -> None:
    assert if_none_match(header, etag) is expected


def test_the_wrapper_stands_in_for_the_inner_app() -> None:
    fast, _, _ = build()
    assert isinstance(fast.app, FastAPI)
    assert fast.state is fast.app.state
    assert "/v1/laws/{law_id}" in fast.openapi()["paths"]
