"""The edge: what stands between a client and the routes.

Outermost first: :class:`~egov_api.edge.headers.SecurityHeaders` (every response), CORS (only with an
allowlist), :class:`~egov_api.edge.gate.Gate` (ops token, API keys, quotas and RateLimit headers),
:class:`~egov_api.edge.inputs.InputGate` (control characters / invalid UTF-8 → 422), then the cache
fast path and FastAPI, where :class:`~egov_api.edge.budget.WorkBudget` bounds the CPU-heavy routes.
Idle connections are closed by Granian itself (``egov serve`` passes ``--http1-header-read-timeout``).
"""

from __future__ import annotations

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp

from egov_api.edge._asgi import parse_networks
from egov_api.edge.budget import WorkBudget
from egov_api.edge.gate import KEY_SCOPE_KEY, OPS_SCOPE_KEY, Gate
from egov_api.edge.headers import SecurityHeaders
from egov_api.edge.inputs import InputGate
from egov_api.edge.keys import KeyVerifier
from egov_api.edge.ratelimit import RateLimiter
from egov_core.cache import CircuitBreaker
from egov_core.errors import StorageUnavailableError
from egov_core.settings import EgovSettings
from egov_core.store import Database
from egov_core.store.api_keys import ApiKey, find_api_key

__all__ = ["KEY_SCOPE_KEY", "OPS_SCOPE_KEY", "Edge", "InputGate", "WorkBudget"]

#: Response headers a browser script may read under CORS.
EXPOSED = ["RateLimit", "RateLimit-Policy", "Retry-After", "ETag"]


class Edge:
    """The edge layers of one app, and the resources they hold (a Redis pool, the key lookup's database).

    Args:
        settings: the process's settings.
    """

    def __init__(self, settings: EgovSettings) -> None:
        self.settings = settings
        api = settings.api
        redis = settings.redis
        self.limiter: RateLimiter | None = None
        if api.rate_limit.enabled:
            self.limiter = RateLimiter(
                window_s=api.rate_limit.window_s,
                redis_url=redis.url.get_secret_value() if redis.url else None,
                key_prefix=redis.key_prefix,
                # Longer than the cache's: a cache miss costs a recompute, a missed count loosens the quota.
                timeout_ms=api.rate_limit.redis_timeout_ms,
                breaker=CircuitBreaker(redis.breaker_failures, redis.breaker_reset_s),
                processes=settings.workers,
            )
        self._database: Database | None = None
        self.verifier = KeyVerifier(self._lookup)
        self.gate: Gate | None = None

    async def _lookup(self, key_id: str) -> ApiKey | None:
        if self._database is None:
            raise StorageUnavailableError("the store is not open yet")
        return await find_api_key(self._database, key_id)

    def bind(self, database: Database) -> None:
        """Read API keys through ``database`` (called by the lifespan once the store is open)."""
        self._database = database

    async def close(self) -> None:
        """Release the rate limiter's Redis pool."""
        if self.limiter is not None:
            await self.limiter.close()

    def wrap(self, app: ASGIApp) -> ASGIApp:
        """``app`` behind the edge layers."""
        api = self.settings.api
        inner: ASGIApp = InputGate(app)
        self.gate = Gate(
            inner,
            settings=api,
            limiter=self.limiter,
            verifier=self.verifier,
            proxies=parse_networks(api.trusted_proxies),
        )
        outer: ASGIApp = self.gate
        if api.cors_origins:
            outer = CORSMiddleware(
                outer,
                allow_origins=api.cors_origins,
                allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
                allow_headers=["Authorization", "X-API-Key", "Content-Type", "If-None-Match"],
                expose_headers=EXPOSED,
                max_age=600,
            )
        return SecurityHeaders(outer, stands_in_for=app)
