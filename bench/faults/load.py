"""Measuring what attacks do: a tally of answers (status classes, timeouts, worst latency) and load loops."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx


@dataclass
class Tally:
    """Answers seen during one row."""

    requests: int = 0
    server_errors: int = 0  # 5xx other than a 503 with Retry-After, and connection errors
    unavailable: int = 0  # 503 with Retry-After: the documented "retry later"
    timeouts: int = 0
    worst_s: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def record(self, response: httpx.Response | None, seconds: float, *, timed_out: bool = False) -> None:
        self.requests += 1
        self.worst_s = max(self.worst_s, seconds)
        if timed_out:
            self.timeouts += 1
            return
        if response is None:
            self.server_errors += 1
            return
        status = response.status_code
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if status == 503 and "retry-after" in response.headers:
            self.unavailable += 1
        elif status >= 500:
            self.server_errors += 1
            if len(self.notes) < 3:  # what the server said: the first few, so a failed row explains itself
                self.notes.append(
                    f"{status} {response.request.method} {response.request.url.path}: {response.text[:300]}"
                )

    async def send(self, client: httpx.AsyncClient, method: str, url: str, **kwargs: object) -> httpx.Response | None:
        started = time.monotonic()
        try:
            response = await client.request(method, url, **kwargs)  # type: ignore[arg-type]
        except httpx.TimeoutException:
            self.record(None, time.monotonic() - started, timed_out=True)
            return None
        except httpx.TransportError as exc:
            self.record(None, time.monotonic() - started)
            if len(self.notes) < 3:
                self.notes.append(f"{type(exc).__name__}")
            return None
        self.record(response, time.monotonic() - started)
        return response


async def run_for(seconds: float, concurrency: int, one: Callable[[int], Awaitable[object]]) -> None:
    """Run ``one(i)`` in ``concurrency`` loops until ``seconds`` have passed."""
    deadline = time.monotonic() + seconds
    counter = iter(range(10**9))

    async def loop() -> None:
        while time.monotonic() < deadline:
            await one(next(counter))

    await asyncio.gather(*(loop() for _ in range(concurrency)))
