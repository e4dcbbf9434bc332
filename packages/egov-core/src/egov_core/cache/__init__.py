"""The tiered cache: in-process L1, optional Redis L2, single-flight, data-version keys.

Values are pre-serialized HTTP responses (:class:`CachedResponse`), so a hit costs no model building
and no JSON encoding.
"""

from __future__ import annotations

from egov_core.cache.breaker import BreakerState, CircuitBreaker
from egov_core.cache.l1 import L1Cache
from egov_core.cache.redis_tier import REDIS_ERRORS, RedisTier
from egov_core.cache.response import CachedResponse, CacheFormatError, CacheKind, strong_etag
from egov_core.cache.singleflight import SingleFlight
from egov_core.cache.tiered import Fill, TieredCache
from egov_core.cache.version import CHANNEL, DataVersionWatcher, StaticVersion, VersionSource, asyncpg_dsn

__all__ = [
    "CHANNEL",
    "REDIS_ERRORS",
    "BreakerState",
    "CacheFormatError",
    "CacheKind",
    "CachedResponse",
    "CircuitBreaker",
    "DataVersionWatcher",
    "Fill",
    "L1Cache",
    "RedisTier",
    "SingleFlight",
    "StaticVersion",
    "TieredCache",
    "VersionSource",
    "asyncpg_dsn",
    "strong_etag",
]
