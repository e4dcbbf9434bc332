"""The fast path: an ASGI layer that answers cached GETs before FastAPI routing runs.

On a request to a cacheable prefix it builds a key (path, sorted query string, the request headers the
response varies on, data version) and on an L1 hit sends the stored bytes and headers at once. On a
miss it runs the app, and if the route marked its 200 response cacheable with the
``x-egov-cache-kind`` header (``law``, ``search``, ``list``, …, optionally ``-immutable``) it stores the
body with a strong ``ETag`` and ``Cache-Control`` in L1/L2 (concurrent misses share one run). Everything
else — other methods, errors, unmarked routes — passes through untouched. ``If-None-Match`` equal to the
ETag gets ``304`` with no body on both paths.

Mounting (in ``create_app``)::

    watcher = DataVersionWatcher(poll_interval_s=settings.cache.version_poll_s)
    cache = TieredCache.from_settings(settings.cache, settings.redis, version=watcher)
    # in the lifespan, once the store is open:
    await watcher.start(asyncpg_dsn(store.url)); stack.push_async_callback(watcher.stop)
    stack.push_async_callback(cache.close)
    # last: wrap from outside, so a hit never enters FastAPI's own middleware stack
    return FastPath(app, cache=cache, prefixes=("/v1/",))

Routes opt in with :func:`mark_cacheable` (or by setting the header themselves).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from egov_api.etag import if_none_match
from egov_core.cache import CachedResponse, CacheKind, TieredCache, strong_etag

__all__ = ["CACHE_KIND_HEADER", "FastPath", "mark_cacheable"]

CACHE_KIND_HEADER = "x-egov-cache-kind"
_MARKER = CACHE_KIND_HEADER.encode("ascii")
# Headers the cache sets itself, and headers that must never be replayed to another client.
_REPLACED = frozenset({b"content-length", b"etag", b"cache-control", _MARKER})
_NOT_CACHEABLE = frozenset({b"set-cookie"})
# Headers a 304 repeats (RFC 9110 §15.4.5).
_KEEP_ON_304 = frozenset({b"etag", b"cache-control", b"vary", b"content-location", b"expires", b"date"})
_IMMUTABLE = b"-immutable"
_METHODS = frozenset({"GET", "HEAD"})
_log = logging.getLogger(__name__)


def mark_cacheable(response: Response, kind: CacheKind | str, *, immutable: bool = False) -> None:
    """Mark a route's response as cacheable by the fast path.

    Args:
        response: the route's response (or the ``Response`` parameter FastAPI injects).
        kind: which TTL applies (a :class:`CacheKind` or its value, e.g. ``"law"``).
        immutable: the URL names a fixed revision, so clients may cache it as ``immutable``.
    """
    response.headers[CACHE_KIND_HEADER] = CacheKind(kind).value + ("-immutable" if immutable else "")


class FastPath:
    """ASGI middleware serving cached GET/HEAD responses ahead of routing.

    Args:
        app: the inner ASGI app (the FastAPI app).
        cache: the tiered cache (its data version is part of every key).
        prefixes: path prefixes whose GETs are looked up; other paths pass through with no cache cost.
        vary: request headers (lower-case) whose values are part of the key and listed in ``Vary``.
        client_max_age: ``max-age`` told to clients for URLs that may change (capped by the kind's TTL).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        cache: TieredCache,
        prefixes: Sequence[str] = ("/v1/",),
        vary: Sequence[str] = (),
        client_max_age: int = 300,
    ) -> None:
        self.app = app
        self.client_max_age = client_max_age
        self.cache = cache
        self._prefixes = tuple(prefixes)
        self._vary = tuple(v.lower().encode("latin-1") for v in vary)
        self._vary_header = b", ".join(self._vary)
        self.hits = 0
        self.not_modified = 0
        self.stored = 0
        self.passed = 0

    def __getattr__(self, name: str) -> Any:
        """Anything else is the inner app's (``state``, ``openapi()``, …), so the wrapper can stand in for it."""
        if name == "app":  # not set yet (copy, unpickling): do not recurse
            raise AttributeError(name)
        return getattr(self.app, name)

    def stats(self) -> dict[str, float]:
        """Fast-path counters for ``/metrics`` (``fastpath_`` prefixed), merged with the cache's own."""
        own = {"hits": self.hits, "not_modified": self.not_modified, "stored": self.stored, "passed": self.passed}
        return {f"fastpath_{k}": v for k, v in own.items()} | self.cache.stats()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve from the cache when possible, else run the inner app (capturing cacheable answers)."""
        # Every line of the hit path below costs on each cached GET: keep it flat and allocation-light.
        path: str | None = scope.get("path")
        if (
            scope["type"] != "http"
            or scope["method"] not in _METHODS
            or not path
            or not path.startswith(self._prefixes)
            or not self.cache.enabled
        ):
            await self.app(scope, receive, send)
            return
        inm: bytes | None = None
        varied: list[bytes] = []
        if self._vary:
            for name, value in scope["headers"]:
                if name == b"if-none-match":
                    inm = value
                elif name in self._vary:
                    varied.append(name + b"=" + value)
        else:
            for name, value in scope["headers"]:
                if name == b"if-none-match":
                    inm = value
        if "%" in path or "?" in path or "\n" in path:
            # The decoded path may hold the separators below; escape them so no two requests share a key.
            path = path.replace("%", "%25").replace("?", "%3F").replace("\n", "%0A")
        query: bytes = scope["query_string"]
        if b"&" in query:
            query = b"&".join(sorted(query.split(b"&")))
        raw = path + "?" + query.decode("latin-1")
        if varied:
            # Neither a request line nor a header value can contain a line feed.
            raw += "\n" + "\n".join(sorted(v.decode("latin-1") for v in varied))
        key = self.cache.key("http", raw)

        head = scope["method"] == "HEAD"
        hit = self.cache.peek(key)
        if hit is not None:
            self.hits += 1
            await self._send(hit, inm, head, send)
            return
        if head:
            # HEAD is a GET without the body (RFC 9110 §9.3.2): run the GET, send no body bytes.
            scope = {**scope, "method": "GET"}
            send = _without_body(send)

        ran = False

        async def fill() -> tuple[CacheKind, CachedResponse] | None:
            nonlocal ran
            ran = True
            return await self._capture(scope, receive, send)

        found = await self.cache.get_or_fill(key, fill)
        if found is not None:
            await self._send(found, inm, head, send)
        elif not ran:
            # Another request's run of this URL turned out not cacheable: run our own.
            self.passed += 1
            await self.app(scope, receive, send)

    async def _send(self, response: CachedResponse, inm: bytes | None, head: bool, send: Send) -> None:
        if inm is not None and (etag := response.etag) is not None and if_none_match(inm, etag):
            self.not_modified += 1
            headers = [(n, v) for n, v in response.headers if n in _KEEP_ON_304]
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.start", "status": response.status, "headers": response.headers})
        await send({"type": "http.response.body", "body": b"" if head else response.body})

    async def _capture(self, scope: Scope, receive: Receive, send: Send) -> tuple[CacheKind, CachedResponse] | None:
        """Run the app; stream uncacheable answers straight through, buffer and return a cacheable one."""
        start: Message | None = None
        kind: CacheKind | None = None
        immutable = False
        parts: list[bytes] = []
        complete = False

        async def capture(message: Message) -> None:
            nonlocal start, kind, immutable, complete
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                marker = next((v for n, v in headers if n == _MARKER), None)
                if marker is not None:
                    headers = [(n, v) for n, v in headers if n != _MARKER]
                    message = {**message, "headers": headers}
                    kind, immutable = _parse_marker(marker)
                if message["status"] == 200 and kind is not None and not any(n in _NOT_CACHEABLE for n, _ in headers):
                    start = message
                    return
                kind = None
            elif message["type"] == "http.response.body" and start is not None:
                parts.append(message.get("body", b""))
                complete = not message.get("more_body", False)
                return
            await send(message)

        await self.app(scope, receive, capture)
        if start is None or kind is None or not complete:
            self.passed += 1
            return None
        body = b"".join(parts)
        ttl = self.cache.ttl(kind)
        self.stored += 1
        return kind, CachedResponse(
            status=200, body=body, headers=self._headers(start["headers"], body, ttl, immutable)
        )

    def _headers(
        self, original: Iterable[tuple[bytes, bytes]], body: bytes, ttl: int, immutable: bool
    ) -> tuple[tuple[bytes, bytes], ...]:
        headers: list[tuple[bytes, bytes]] = [(n, v) for n, v in original if n not in _REPLACED]
        # A URL naming a fixed revision never changes: clients may keep it for a year. "Current" URLs change
        # with the next import, which only our own keys notice, so clients revalidate after a short while.
        if immutable:
            cache_control = b"public, max-age=31536000, immutable"
        else:
            cache_control = b"public, max-age=%d" % min(ttl, self.client_max_age)
        headers += [
            (b"content-length", b"%d" % len(body)),
            (b"etag", strong_etag(body)),
            (b"cache-control", cache_control),
        ]
        if self._vary and not any(n == b"vary" for n, _ in headers):
            headers.append((b"vary", self._vary_header))
        return tuple(headers)


def _without_body(send: Send) -> Send:
    async def send_head(message: Message) -> None:
        if message["type"] == "http.response.body" and message.get("body"):
            message = {**message, "body": b""}
        await send(message)

    return send_head


def _parse_marker(value: bytes) -> tuple[CacheKind | None, bool]:
    immutable = value.endswith(_IMMUTABLE)
    name = value[: -len(_IMMUTABLE)] if immutable else value
    try:
        return CacheKind(name.decode("latin-1").strip()), immutable
    except ValueError:
        _log.warning("unknown %s value %r: response not cached", CACHE_KIND_HEADER, value)
        return None, False
