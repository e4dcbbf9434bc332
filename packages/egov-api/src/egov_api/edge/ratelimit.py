"""Per-client quotas: fixed windows counted in Redis, or in this process while Redis is away.

A client spends one unit per request; ``quota`` units per ``window_s``-second window. Redis makes the count
shared by every worker and every replica (sent in the background: a request never waits for Redis);
when Redis is not configured, slow or down (a circuit breaker stops asking it for a while), each worker
goes on with its own count, so the quota is per worker until Redis is back — clients are still limited,
never refused because of Redis.

The answer carries what the IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers) say:
``RateLimit-Policy: "default";q=600;w=60`` and ``RateLimit: "default";r=599;t=42``.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from egov_core.cache import BreakerState, CircuitBreaker

_log = logging.getLogger(__name__)

#: Clients one process tracks while counting locally; past it the oldest window's counts are dropped.
LOCAL_MAX_CLIENTS = 100_000


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of spending one unit of a client's quota.

    Attributes:
        allowed: whether the request may proceed.
        quota: units per window (``q``).
        window_s: the window's length (``w``).
        remaining: units left in this window (``r``).
        reset_s: whole seconds until the window ends (``t``; also the ``Retry-After`` of a 429).
        shared: Redis is counting too (False: this process only, until Redis is back).
    """

    allowed: bool
    quota: int
    window_s: int
    remaining: int
    reset_s: int
    shared: bool

    def headers(self, policy: str = "default") -> list[tuple[bytes, bytes]]:
        """The ``RateLimit-Policy`` and ``RateLimit`` response header fields."""
        return [
            (b"ratelimit-policy", f'"{policy}";q={self.quota};w={self.window_s}'.encode()),
            (b"ratelimit", f'"{policy}";r={self.remaining};t={self.reset_s}'.encode()),
        ]


class LocalCounter:
    """Fixed-window counts in this process (the fallback)."""

    def __init__(self, max_clients: int = LOCAL_MAX_CLIENTS) -> None:
        self._window = -1
        self._counts: dict[str, int] = {}
        self._max = max_clients

    def incr(self, client: str, window: int) -> int:
        """Count one request of ``client`` in window number ``window``; the count so far."""
        if window != self._window:
            self._window = window
            self._counts = {}
        elif len(self._counts) >= self._max and client not in self._counts:
            # A flood of distinct addresses: forget them all rather than grow without bound (those clients
            # get a fresh window early; nobody is refused wrongly).
            self._counts = {}
        count = self._counts.get(client, 0) + 1
        self._counts[client] = count
        return count


class RateLimiter:
    """Spends quota units for clients.

    Args:
        window_s: the window length.
        redis_url: Redis to count in (None: this process only).
        key_prefix: prefix of the Redis keys (``<prefix>:rl:<client>:<window>``).
        timeout_ms: bound on one Redis call.
        breaker: stops asking a sick Redis for a while.
        clock: wall-clock seconds (windows must line up across processes); injectable for tests.
        processes: the server's worker processes (``EGOV_WORKERS``). Counting in-process — no Redis, or Redis
            away (its breaker open) — each process allows its share of a quota, ``ceil(quota / processes)``,
            so the quota still holds across them (each allowed the whole quota: 2 workers let 700 of a
            600-request burst through while a loaded Redis timed out).
    """

    def __init__(
        self,
        *,
        window_s: int,
        redis_url: str | None,
        key_prefix: str = "egov",
        timeout_ms: int = 100,
        breaker: CircuitBreaker | None = None,
        clock: Callable[[], float] = time.time,
        processes: int = 1,
    ) -> None:
        self.window_s = window_s
        self.processes = max(1, processes)
        self._prefix = f"{key_prefix}:rl:"
        self._timeout = timeout_ms / 1000
        self._clock = clock
        self.breaker = breaker or CircuitBreaker(3, 5.0)
        self.local = LocalCounter()
        self.redis_errors = 0
        self._window = -1
        self._shared: dict[str, int] = {}
        self._pending: dict[str, int] = {}
        self._inflight: dict[str, asyncio.Future[None]] = {}
        self._client: aioredis.Redis | None = None
        if redis_url:
            pool = aioredis.BlockingConnectionPool.from_url(
                redis_url,
                max_connections=32,
                timeout=self._timeout,
                socket_timeout=self._timeout,
                socket_connect_timeout=self._timeout,
                retry=Retry(NoBackoff(), retries=0),
            )
            self._client = aioredis.Redis(connection_pool=pool)

    async def hit(self, client: str, quota: int) -> Decision:
        """Spend one unit of ``client``'s quota (``quota`` units per window).

        Never waits for Redis: the count is what Redis last said for this client and window plus what this
        process has counted since; the increments go to Redis in the background, one call in flight per
        client (a request awaiting its own round trip made a cached GET 8× slower). Within 10 % of its quota
        a client's requests do wait for Redis's count, so the quota itself holds across processes.
        """
        now = self._clock()
        window = int(now // self.window_s)
        reset = max(1, math.ceil((window + 1) * self.window_s - now))
        if window != self._window:
            self._window = window
            self._shared.clear()
            self._pending.clear()
        local = self.local.incr(client, window)
        shared = self._client is not None and self.breaker.state is BreakerState.CLOSED
        if self._client is None:
            count = local
        else:
            if len(self._pending) >= LOCAL_MAX_CLIENTS and client not in self._pending:
                self._pending.clear()  # bounded memory under a flood of addresses: forget unsent counts
            self._pending[client] = self._pending.get(client, 0) + 1
            count = max(local, self._shared.get(client, 0) + self._pending[client])
            task = self._start_flush(client, window)
            if count >= quota - max(1, quota // 10):
                # Near the quota the estimate must be exact: wait for Redis's own count (those of this client
                # only; a client far from its quota never waits).
                await asyncio.shield(task)
                if self._pending.get(client):
                    await asyncio.shield(self._start_flush(client, window))
                count = max(local, self._shared.get(client, 0) + self._pending.get(client, 0))
        remaining = quota - count
        if not shared:
            # No shared count to go by: this process allows only its share of the quota.
            remaining = min(remaining, math.ceil(quota / self.processes) - local)
        return Decision(
            allowed=remaining >= 0,
            quota=quota,
            window_s=self.window_s,
            remaining=max(0, remaining),
            reset_s=reset,
            shared=shared,
        )

    async def flush(self) -> None:
        """Wait until every count of this process has been sent to Redis (tests; shutdown)."""
        while self._inflight:
            await asyncio.gather(*list(self._inflight.values()), return_exceptions=True)

    def _start_flush(self, client: str, window: int) -> asyncio.Future[None]:
        """The client's flush in flight, or a new one (one call per client at a time)."""
        task = self._inflight.get(client)
        if task is None:
            task = asyncio.ensure_future(self._flush(client, window))
            self._inflight[client] = task
        return task

    async def _flush(self, client: str, window: int) -> None:
        try:
            while (delta := self._pending.pop(client, 0)) > 0 and window == self._window:
                total = await self._redis_incr(client, window, delta)
                if total is None:
                    # Redis is away: keep the increments, so this process's estimate does not drop.
                    self._pending[client] = self._pending.get(client, 0) + delta
                    return
                if window == self._window:
                    self._shared[client] = total
        finally:
            self._inflight.pop(client, None)

    async def _redis_incr(self, client: str, window: int, delta: int) -> int | None:
        assert self._client is not None
        if not self.breaker.allow():
            return None
        key = f"{self._prefix}{client}:{window}"
        try:
            async with asyncio.timeout(self._timeout):
                pipe = self._client.pipeline(transaction=False)
                pipe.incrby(key, delta)
                pipe.expire(key, self.window_s + 1)
                count, _ = await pipe.execute()
        except (RedisError, OSError, TimeoutError) as exc:
            self.redis_errors += 1
            self.breaker.record_failure()
            _log.debug("rate limit: redis failed (%s); counting in process", type(exc).__name__)
            return None
        except asyncio.CancelledError:
            # Cancelled mid-call (shutdown): settle the breaker's trial, or a half-open breaker would wait for
            # this call's outcome for ever and never ask Redis again.
            self.breaker.record_failure()
            raise
        self.breaker.record_success()
        return int(count)

    async def close(self) -> None:
        """Send what is still counted here, then close the Redis connection pool."""
        if self._client is not None:
            await self.flush()
            await self._client.aclose(close_connection_pool=True)
