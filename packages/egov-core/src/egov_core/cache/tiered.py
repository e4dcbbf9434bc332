"""The tiered cache: L1 in process, L2 in Redis (optional), the origin behind both.

Keys carry the data version, so an import that bumps it makes every old entry unreachable at once in
every process. Concurrent misses on one key share one computation (single-flight) per process.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable

from egov_core.cache.breaker import CircuitBreaker
from egov_core.cache.l1 import L1Cache
from egov_core.cache.redis_tier import RedisTier
from egov_core.cache.response import CachedResponse, CacheFormatError, CacheKind
from egov_core.cache.singleflight import SingleFlight
from egov_core.cache.version import DataVersionWatcher, StaticVersion, VersionSource
from egov_core.settings import CacheSettings, RedisSettings

__all__ = ["Fill", "TieredCache"]

_log = logging.getLogger(__name__)
_MAX_L2_KEY = 200

#: What :meth:`TieredCache.get_or_fill` calls on a miss: a kind and a value to store, or ``None`` for
#: "computed, but not cacheable".
Fill = Callable[[], Awaitable[tuple[CacheKind, CachedResponse] | None]]


class TieredCache:
    """L1 + optional L2 + single-flight, keyed by data version.

    Args:
        settings: limits and TTLs.
        redis: the L2 tier, or ``None`` for L1 only.
        version: where the current data version comes from (a :class:`DataVersionWatcher` in the app).
        key_prefix: first component of every key (namespaces a shared Redis).
        clock: monotonic seconds for L1 expiry; injectable for tests.
    """

    def __init__(
        self,
        settings: CacheSettings,
        *,
        redis: RedisTier | None = None,
        version: VersionSource | None = None,
        key_prefix: str = "egov",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.enabled = settings.enabled
        self.l1 = L1Cache(settings.l1_max_bytes if settings.enabled else 0, clock=clock)
        self.redis = redis if settings.enabled else None
        self.version: VersionSource = version if version is not None else StaticVersion()
        self.key_prefix = key_prefix
        self._flights: SingleFlight[CachedResponse | None] = SingleFlight()
        self._pending: set[asyncio.Task[bool]] = set()
        self._ttl = {
            CacheKind.LAW: settings.ttl_law,
            CacheKind.PROVISION: settings.ttl_law,
            CacheKind.STRUCTURE: settings.ttl_law,
            CacheKind.CASE: settings.ttl_law,
            CacheKind.SEARCH: settings.ttl_search,
            CacheKind.CITATION: settings.ttl_search,
            CacheKind.LIST: settings.ttl_list,
        }
        self.computes = 0
        if isinstance(self.version, DataVersionWatcher):
            # Entries of an old version can never be hit again; free their memory at once.
            self.version.on_change(lambda _old, _new: self.l1.clear())

    @classmethod
    def from_settings(
        cls, cache: CacheSettings, redis: RedisSettings, *, version: VersionSource | None = None
    ) -> TieredCache:
        """Build the cache the settings describe (L2 only when ``redis.url`` is set). Does no I/O."""
        tier = None
        if redis.url is not None and cache.enabled:
            breaker = CircuitBreaker(redis.breaker_failures, redis.breaker_reset_s)
            tier = RedisTier(redis.url.get_secret_value(), timeout_ms=redis.timeout_ms, breaker=breaker)
        return cls(cache, redis=tier, version=version, key_prefix=redis.key_prefix)

    def ttl(self, kind: CacheKind) -> int:
        """The TTL in seconds for ``kind``."""
        return self._ttl[kind]

    @property
    def data_version(self) -> int:
        """The data version keys are built with right now."""
        return self.version.current

    def key(self, namespace: str, key: str) -> str:
        """The full cache key: prefix, current data version, namespace (usually the kind) and ``key``."""
        return f"{self.key_prefix}:{self.version.current}:{namespace}:{key}"

    def peek(self, full_key: str) -> CachedResponse | None:
        """L1 only, synchronous: the fast path's lookup."""
        return self.l1.get(full_key)

    async def lookup(self, full_key: str) -> CachedResponse | None:
        """L1, then L2 (copying an L2 hit into L1 for the rest of its TTL)."""
        value = self.l1.get(full_key)
        if value is not None:
            return value
        return await self._from_l2(full_key)

    async def _from_l2(self, full_key: str) -> CachedResponse | None:
        if self.redis is None:
            return None
        found = await self.redis.get(_l2_key(full_key))
        if found is None:
            return None
        data, pttl_ms = found
        try:
            value = CachedResponse.from_bytes(data)
        except CacheFormatError as exc:
            _log.warning("ignoring unreadable L2 entry %s: %s", full_key, exc)
            return None
        self.l1.set(full_key, value, pttl_ms / 1000)
        return value

    def store(self, kind: CacheKind, full_key: str, value: CachedResponse) -> None:
        """Put ``value`` in L1 now and in L2 in the background (the caller never waits for Redis)."""
        ttl = self._ttl[kind]
        self.l1.set(full_key, value, ttl)
        if self.redis is not None:
            task = asyncio.get_running_loop().create_task(
                self.redis.set(_l2_key(full_key), value.to_bytes(), ttl * 1000)
            )
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)

    async def get_or_fill(self, full_key: str, fill: Fill) -> CachedResponse | None:
        """The cached value under ``full_key``, or what ``fill`` produces (stored if it gives a kind).

        Concurrent callers with the same key share one ``fill`` call. ``None`` means ``fill`` said the
        result is not cacheable; callers other than the one that ran ``fill`` should then compute their
        own answer.
        """
        value = self.l1.get(full_key)
        if value is not None:
            return value

        async def leader() -> CachedResponse | None:
            found = await self._from_l2(full_key)
            if found is not None:
                return found
            self.computes += 1
            produced = await fill()
            if produced is None:
                return None
            kind, response = produced
            self.store(kind, full_key, response)
            return response

        return await self._flights.do(full_key, leader)

    async def get_or_compute(
        self, kind: CacheKind, key: str, compute: Callable[[], Awaitable[CachedResponse]]
    ) -> CachedResponse:
        """The cached response for ``(kind, key)`` at the current data version, computing it on a miss.

        Only status-200 responses are stored; others are returned to every waiting caller but not kept.
        With the cache disabled this simply awaits ``compute()``.
        """
        if not self.enabled:
            return await compute()
        produced: list[CachedResponse] = []

        async def fill() -> tuple[CacheKind, CachedResponse] | None:
            response = await compute()
            produced.append(response)
            return (kind, response) if response.status == 200 else None

        value = await self.get_or_fill(self.key(kind.value, key), fill)
        if value is not None:
            return value
        # Not cacheable: the caller that ran compute() has the answer; the others compute their own.
        return produced[0] if produced else await compute()

    def health(self) -> str:
        """``"ok"``, ``"degraded"`` (Redis configured but the breaker is not closed) or ``"absent"`` (no L2)."""
        if self.redis is None:
            return "absent"
        return "ok" if self.redis.state == 0 else "degraded"

    def stats(self) -> dict[str, float]:
        """Counters and gauges for ``/metrics``.

        Every name but ``data_version`` is ``<tier>_<stat>`` with tier ``l1``, ``l2`` or ``origin``
        (``origin_computes``: fills run; ``origin_shared``: callers that joined a fill already running).
        ``l2_breaker_state`` is 0 closed, 1 open, 2 half-open.
        """
        out: dict[str, float] = {
            "l1_hits": self.l1.hits,
            "l1_misses": self.l1.misses,
            "l1_evictions": self.l1.evictions,
            "l1_expirations": self.l1.expirations,
            "l1_bytes": self.l1.bytes,
            "l1_entries": len(self.l1),
            "l1_max_bytes": self.l1.max_bytes,
            "origin_computes": self.computes,
            "origin_shared": self._flights.followers,
            "data_version": self.version.current,
            "l2_enabled": 0 if self.redis is None else 1,
        }
        if self.redis is not None:
            out |= {
                "l2_hits": self.redis.hits,
                "l2_misses": self.redis.misses,
                "l2_errors": self.redis.errors,
                "l2_skipped": self.redis.skipped,
                "l2_busy": self.redis.busy,
                "l2_sets": self.redis.sets,
                "l2_breaker_state": int(self.redis.state),
                "l2_breaker_opened": self.redis.breaker.opened_count,
            }
        return out

    async def wait_for_writes(self) -> None:
        """Wait until the background L2 writes started so far have finished (each is bounded by the timeout)."""
        if self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)

    async def close(self) -> None:
        """Wait for background L2 writes and close the L2 client."""
        await self.wait_for_writes()
        if self.redis is not None:
            await self.redis.close()


def _l2_key(full_key: str) -> str:
    # Long keys (long query strings) are hashed: Redis keys stay short and their size bounded.
    if len(full_key) <= _MAX_L2_KEY:
        return full_key
    head = full_key[:64]
    return f"{head}#{hashlib.blake2b(full_key.encode('utf-8'), digest_size=16).hexdigest()}"
