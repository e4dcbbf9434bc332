"""L2: Redis through ``redis.asyncio``, treated as a cache that may vanish at any moment.

Every call is bounded by a short timeout (≤ 100 ms), any error or timeout is a miss, and a circuit
breaker stops calling a sick Redis for a few seconds so requests do not each pay the timeout.
"""

from __future__ import annotations

import asyncio
import logging

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from egov_core.cache.breaker import BreakerState, CircuitBreaker

__all__ = ["REDIS_ERRORS", "RedisTier"]

#: What a Redis call can raise. The tier turns each into a miss; the API's error boundary answers 503 for one
#: that escapes elsewhere (a Redis failure is never a 500).
REDIS_ERRORS: tuple[type[Exception], ...] = (RedisError,)

_log = logging.getLogger(__name__)


class RedisTier:
    """The L2 cache tier.

    Args:
        url: a ``redis://`` or ``rediss://`` URL (password included if any).
        timeout_ms: bound on every call, connection set-up included.
        breaker: the circuit breaker guarding the calls.
        max_connections: connection pool size and the bound on calls in flight; a call beyond it is a miss
            right away (counted as ``busy``), not a failure: a burst must not trip the breaker.
    """

    def __init__(self, url: str, *, timeout_ms: int, breaker: CircuitBreaker, max_connections: int = 16) -> None:
        self._timeout = timeout_ms / 1000
        self.breaker = breaker
        pool = aioredis.BlockingConnectionPool.from_url(
            url,
            max_connections=max_connections,
            timeout=self._timeout,
            socket_timeout=self._timeout,
            socket_connect_timeout=self._timeout,
            # Retrying would multiply the time a request can lose to a sick Redis; a miss is cheaper.
            retry=Retry(NoBackoff(), retries=0),
        )
        self._client: aioredis.Redis = aioredis.Redis(connection_pool=pool)
        self.hits = 0
        self.misses = 0
        self.errors = 0
        self.skipped = 0
        self.sets = 0
        self.busy = 0
        self._max_in_flight = max_connections
        self._in_flight = 0

    @property
    def state(self) -> BreakerState:
        """The breaker's state."""
        return self.breaker.state

    async def get(self, key: str) -> tuple[bytes, int] | None:
        """The value under ``key`` and its remaining TTL in milliseconds, or ``None`` (miss, error or breaker open)."""
        if not self._admit():
            return None
        try:
            self._in_flight += 1
            async with asyncio.timeout(self._timeout):
                pipe = self._client.pipeline(transaction=False)
                pipe.get(key)
                pipe.pttl(key)
                value, pttl = await pipe.execute()
        except (RedisError, OSError, TimeoutError) as exc:
            self._failed("GET", exc)
            return None
        finally:
            self._in_flight -= 1
        self.breaker.record_success()
        if value is None or pttl is None or int(pttl) <= 0:
            # pttl -1 (no expiry) never happens for our keys; -2 means it expired between the two commands.
            self.misses += 1
            return None
        self.hits += 1
        return bytes(value), int(pttl)

    async def set(self, key: str, value: bytes, ttl_ms: int) -> bool:
        """Store ``value`` under ``key`` for ``ttl_ms`` milliseconds. Returns whether Redis accepted it."""
        if not self._admit():
            return False
        try:
            self._in_flight += 1
            async with asyncio.timeout(self._timeout):
                await self._client.set(key, value, px=ttl_ms)
        except (RedisError, OSError, TimeoutError) as exc:
            self._failed("SET", exc)
            return False
        finally:
            self._in_flight -= 1
        self.breaker.record_success()
        self.sets += 1
        return True

    async def ping(self) -> bool:
        """Whether Redis answers a PING within the timeout right now (ignores the breaker; for readiness)."""
        try:
            async with asyncio.timeout(self._timeout):
                return bool(await self._client.ping())
        except (RedisError, OSError, TimeoutError):
            return False

    async def close(self) -> None:
        """Close the client and its connection pool."""
        await self._client.aclose(close_connection_pool=True)

    def _admit(self) -> bool:
        # Check the cheap local bound first so a busy call does not consume the half-open trial.
        if self._in_flight >= self._max_in_flight:
            self.busy += 1
            return False
        if not self.breaker.allow():
            self.skipped += 1
            return False
        return True

    def _failed(self, op: str, exc: BaseException) -> None:
        self.errors += 1
        before = self.breaker.state
        self.breaker.record_failure()
        if before is not BreakerState.OPEN and self.breaker.state is BreakerState.OPEN:
            _log.warning("redis %s failed (%s); breaker open for %.1f s", op, type(exc).__name__, self.breaker.reset_s)
