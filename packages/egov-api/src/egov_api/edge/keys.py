"""API keys on the request path: which key a request carries, and whether it is valid.

Lookups are cached in this process for ``ttl_s`` (positive and negative answers alike), so a client
repeating a key costs one database read per window, and a flood of made-up keys costs at most one per
key id; a revoked key stops working within ``ttl_s``.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.types import Scope

from egov_api.edge._asgi import header
from egov_core.store.api_keys import ApiKey, parse_api_key, verify_secret

#: Key ids remembered at once (LRU): bounded memory under a flood of random keys.
CACHE_SIZE = 10_000

Lookup = Callable[[str], Awaitable[ApiKey | None]]


@dataclass(frozen=True, slots=True)
class KeyCheck:
    """The key a request carried: ``key`` when valid, else None (``presented`` tells absent from invalid)."""

    presented: bool
    key: ApiKey | None


def presented_key(scope: Scope) -> str | None:
    """The key in ``Authorization: Bearer …`` or ``X-API-Key``, if any."""
    value = header(scope, b"x-api-key")
    if value is None:
        auth = header(scope, b"authorization")
        if auth is not None and auth[:7].lower() == b"bearer ":
            value = auth[7:]
    return value.decode("latin-1").strip() if value is not None else None


class KeyVerifier:
    """Checks keys against the store, with a small TTL cache.

    Args:
        lookup: reads a key by id (``egov_core.store.api_keys.find_api_key`` bound to an engine).
        ttl_s: how long an answer is reused.
        clock: monotonic seconds (injectable for tests).
    """

    def __init__(self, lookup: Lookup, *, ttl_s: float = 10.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._lookup = lookup
        self._ttl = ttl_s
        self._clock = clock
        self._cache: OrderedDict[str, tuple[float, ApiKey | None]] = OrderedDict()

    async def check(self, scope: Scope) -> KeyCheck:
        """The key this request carries and whether it is valid (unknown, revoked or malformed: invalid)."""
        raw = presented_key(scope)
        if raw is None:
            return KeyCheck(presented=False, key=None)
        parsed = parse_api_key(raw)
        if parsed is None:
            return KeyCheck(presented=True, key=None)
        key_id, secret = parsed
        key = await self._get(key_id)
        if key is None or key.revoked_at is not None or not verify_secret(key.secret_sha256, secret):
            return KeyCheck(presented=True, key=None)
        return KeyCheck(presented=True, key=key)

    async def _get(self, key_id: str) -> ApiKey | None:
        now = self._clock()
        cached = self._cache.get(key_id)
        if cached is not None and now - cached[0] < self._ttl:
            self._cache.move_to_end(key_id)
            return cached[1]
        key = await self._lookup(key_id)
        self._cache[key_id] = (now, key)
        self._cache.move_to_end(key_id)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return key
