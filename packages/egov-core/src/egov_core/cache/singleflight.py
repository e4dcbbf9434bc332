"""Single-flight: concurrent callers asking for the same key share one computation."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

__all__ = ["SingleFlight"]

T = TypeVar("T")


class SingleFlight(Generic[T]):
    """Runs at most one computation per key at a time within this process (one event loop).

    The computation runs in its own task, so a caller that is cancelled (client went away) does not
    cancel it for the others who are waiting on the same key.
    """

    def __init__(self) -> None:
        self._flights: dict[str, asyncio.Future[T]] = {}
        self.leaders = 0
        self.followers = 0

    def __len__(self) -> int:
        return len(self._flights)

    async def do(self, key: str, fn: Callable[[], Awaitable[T]]) -> T:
        """Return ``await fn()``, or the result of the call already running for ``key``.

        Exceptions of the shared call propagate to every waiter.
        """
        flight = self._flights.get(key)
        if flight is None:
            self.leaders += 1
            flight = asyncio.ensure_future(fn())
            self._flights[key] = flight
            flight.add_done_callback(lambda f: self._finish(key, f))
        else:
            self.followers += 1
        return await asyncio.shield(flight)

    def _finish(self, key: str, flight: asyncio.Future[T]) -> None:
        if self._flights.get(key) is flight:
            del self._flights[key]
        # Mark the exception as retrieved: if every waiter was cancelled nobody else will read it.
        if not flight.cancelled():
            flight.exception()
