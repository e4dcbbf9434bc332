"""Single-flight: one computation per key for concurrent callers."""

from __future__ import annotations

import asyncio

import pytest

from egov_core.cache import SingleFlight


async def test_two_hundred_concurrent_callers_share_one_computation() -> None:
    flights: SingleFlight[bytes] = SingleFlight()
    calls = 0
    gate = asyncio.Event()

    async def compute() -> bytes:
        nonlocal calls
        calls += 1
        await gate.wait()
        return b"body"

    tasks = [asyncio.create_task(flights.do("k", compute)) for _ in range(200)]
    await asyncio.sleep(0)
    gate.set()
    assert await asyncio.gather(*tasks) == [b"body"] * 200
    assert calls == 1
    assert (flights.leaders, flights.followers, len(flights)) == (1, 199, 0)


async def test_different_keys_do_not_share() -> None:
    flights: SingleFlight[str] = SingleFlight()

    async def echo(value: str) -> str:
        await asyncio.sleep(0)
        return value

    results = await asyncio.gather(flights.do("a", lambda: echo("a")), flights.do("b", lambda: echo("b")))
    assert list(results) == ["a", "b"]
    assert flights.leaders == 2


async def test_errors_reach_every_waiter_and_the_next_call_retries() -> None:
    flights: SingleFlight[str] = SingleFlight()
    gate = asyncio.Event()

    async def boom() -> str:
        await gate.wait()
        raise LookupError("origin failed")

    tasks = [asyncio.create_task(flights.do("k", boom)) for _ in range(5)]
    await asyncio.sleep(0)
    gate.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert all(isinstance(r, LookupError) for r in results)

    async def ok() -> str:
        return "fine"

    assert await flights.do("k", ok) == "fine"


async def test_a_cancelled_waiter_does_not_cancel_the_shared_computation() -> None:
    flights: SingleFlight[str] = SingleFlight()
    gate = asyncio.Event()

    async def slow() -> str:
        await gate.wait()
        return "done"

    first = asyncio.create_task(flights.do("k", slow))
    second = asyncio.create_task(flights.do("k", slow))
    await asyncio.sleep(0)
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    gate.set()
    assert await second == "done"
