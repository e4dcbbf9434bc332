"""A client-side token bucket: a polite, shared request rate towards e-Gov."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class TokenBucket:
    """Allow ``rate`` requests per second on average, at most ``burst`` at once.

    One bucket is shared by every call of a client (and by its v1 and v2 halves), so concurrent tasks
    queue for tokens in arrival order instead of each keeping its own pace. ``clock`` and ``sleep`` are
    injectable so the behaviour can be checked without waiting.

    Args:
        rate: tokens added per second (> 0).
        burst: bucket size (>= 1); the bucket starts full.
        clock: a monotonic clock in seconds.
        sleep: an async sleep in seconds.
    """

    def __init__(
        self,
        rate: float,
        burst: int = 1,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(burst)
        self._updated = clock()
        self._lock = asyncio.Lock()

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(float(self.burst), self._tokens + (now - self._updated) * self.rate)
        self._updated = now

    async def acquire(self) -> float:
        """Wait for one token and take it.

        Returns:
            How long this call waited, in seconds (as measured by ``clock``).
        """
        start = self._clock()
        # The lock makes waiters take turns (asyncio.Lock is FIFO): a late caller cannot overtake.
        async with self._lock:
            self._refill()
            if self._tokens < 1.0:
                await self._sleep((1.0 - self._tokens) / self.rate)
                self._refill()
                # We slept exactly as long as the missing fraction needs; float rounding (or a loop clock
                # waking a hair early) must not send us round again for a sliver.
                self._tokens = max(self._tokens, 1.0)
            self._tokens -= 1.0
        return self._clock() - start
