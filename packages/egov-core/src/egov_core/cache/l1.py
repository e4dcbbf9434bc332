"""L1: an in-process LRU cache bounded by bytes, with a TTL per entry.

Plain synchronous code on purpose: a hit must cost as little as possible, and asyncio gives us a
single thread per worker, so no locks are needed.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from egov_core.cache.response import CachedResponse

__all__ = ["L1Cache"]


class L1Cache:
    """A bytes-bounded LRU with per-entry expiry.

    Args:
        max_bytes: total size bound (sum of :attr:`CachedResponse.size`); 0 disables the cache.
        max_entry_bytes: larger values are not stored (default: an eighth of ``max_bytes``), so one huge
            response cannot flush everything else.
        clock: monotonic seconds; injectable for tests.
    """

    def __init__(
        self, max_bytes: int, *, max_entry_bytes: int | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_bytes // 8 if max_entry_bytes is None else min(max_entry_bytes, max_bytes)
        self._clock = clock
        # key -> (expires_at, size, value); ordered from least to most recently used.
        self._data: OrderedDict[str, tuple[float, int, CachedResponse]] = OrderedDict()
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self.evictions = 0
        self.expirations = 0

    def __len__(self) -> int:
        return len(self._data)

    def get(self, key: str) -> CachedResponse | None:
        """The live value under ``key`` (and mark it recently used), or ``None``."""
        item = self._data.get(key)
        if item is None:
            self.misses += 1
            return None
        if item[0] <= self._clock():
            self._drop(key, item[1])
            self.expirations += 1
            self.misses += 1
            return None
        self._data.move_to_end(key)
        self.hits += 1
        return item[2]

    def ttl_left(self, key: str) -> float | None:
        """Seconds until ``key`` expires, or ``None`` if absent or expired (does not count as a lookup)."""
        item = self._data.get(key)
        if item is None:
            return None
        left = item[0] - self._clock()
        return left if left > 0 else None

    def set(self, key: str, value: CachedResponse, ttl_s: float) -> bool:
        """Store ``value`` for ``ttl_s`` seconds, evicting least recently used entries to fit.

        Returns:
            Whether the value was stored (not when the TTL is not positive or the value is too large).
        """
        size = value.size + len(key)
        if ttl_s <= 0 or size > self.max_entry_bytes:
            return False
        old = self._data.pop(key, None)
        if old is not None:
            self.bytes -= old[1]
        self._data[key] = (self._clock() + ttl_s, size, value)
        self.bytes += size
        while self.bytes > self.max_bytes and self._data:
            _, (_, old_size, _) = self._data.popitem(last=False)
            self.bytes -= old_size
            self.evictions += 1
        return True

    def delete(self, key: str) -> None:
        """Forget ``key`` if present."""
        item = self._data.get(key)
        if item is not None:
            self._drop(key, item[1])

    def clear(self) -> None:
        """Forget everything (e.g. after the data version changed: old keys can never hit again)."""
        self._data.clear()
        self.bytes = 0

    def _drop(self, key: str, size: int) -> None:
        del self._data[key]
        self.bytes -= size
