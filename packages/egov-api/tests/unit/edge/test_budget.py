"""WorkBudget around a small ASGI app: deadline, disconnect, concurrency, slow bodies."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.types import Message, Receive, Scope, Send

from egov_api.edge.budget import WorkBudget


class SlowApp:
    """Sleeps ``seconds`` (reading the body first), then answers 200; records whether it was cancelled."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.cancelled = 0
        self.finished = 0
        self.bodies: list[bytes] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] == "POST":
            self.bodies.append((await receive()).get("body", b""))
        try:
            await asyncio.sleep(self.seconds)
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        self.finished += 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def _scope(method: str = "GET", path: str = "/v1/search") -> Scope:
    return {"type": "http", "method": method, "path": path, "headers": [], "query_string": b""}


async def _call(app: Any, scope: Scope, messages: list[Message], *, gap_s: float = 0.0) -> list[Message]:
    """Run ``app``; ``receive`` hands out ``messages`` (``gap_s`` apart), then waits for ever."""
    sent: list[Message] = []
    queue = list(messages)

    async def receive() -> Message:
        if queue:
            await asyncio.sleep(gap_s)
            return queue.pop(0)
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


def _status(sent: list[Message]) -> tuple[int, dict[str, Any] | None, dict[bytes, bytes]]:
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    parsed = json.loads(body) if body.startswith(b"{") else None
    return start["status"], parsed, dict(start["headers"])


async def test_work_past_the_budget_is_cancelled_and_answered_503() -> None:
    inner = SlowApp(30)
    app = WorkBudget(inner, budget_s=0.2, concurrency=2)
    started = asyncio.get_running_loop().time()
    sent = await _call(app, _scope(), [{"type": "http.request", "body": b""}])
    assert asyncio.get_running_loop().time() - started < 2
    status, body, headers = _status(sent)
    assert status == 503
    assert body is not None
    assert body["type"] == "/problems/work-budget-exceeded"
    assert headers[b"retry-after"] == b"1"
    assert inner.cancelled == 1


async def test_a_client_that_leaves_cancels_its_work() -> None:
    inner = SlowApp(30)
    app = WorkBudget(inner, budget_s=30, concurrency=2)
    body = {"type": "http.request", "body": b'{"text": "x"}', "more_body": False}
    sent = await _call(app, _scope("POST", "/v1/citations"), [body, {"type": "http.disconnect"}], gap_s=0.1)
    assert sent == []  # nobody to answer
    assert inner.cancelled == 1
    assert inner.bodies == [b'{"text": "x"}']  # the app read the body the budget had buffered
    assert app.abandoned == 1


async def test_fast_work_passes_and_light_routes_are_not_touched() -> None:
    inner = SlowApp(0)
    app = WorkBudget(inner, budget_s=1, concurrency=1)
    status, _, _ = _status(await _call(app, _scope(), [{"type": "http.request", "body": b""}]))
    assert status == 200
    status, _, _ = _status(await _call(app, _scope(path="/v1/laws"), []))
    assert status == 200


async def test_fast_work_never_waits_on_the_connection() -> None:
    """A request done within the grace period never calls the server's receive() (the disconnect watch costs a
    task blocked in it, a tenth of a search's CPU under Granian); a slow one does, and a disconnect cancels it."""
    calls = 0

    async def receive() -> Message:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.05)
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        pass

    fast = SlowApp(0)
    await WorkBudget(fast, budget_s=5, concurrency=1, watch_after_s=0.2)(_scope(), receive, send)
    assert (fast.finished, calls) == (1, 0)
    slow = SlowApp(30)
    budget = WorkBudget(slow, budget_s=5, concurrency=1, watch_after_s=0.05)
    started = asyncio.get_running_loop().time()
    await budget(_scope(), receive, send)
    assert asyncio.get_running_loop().time() - started < 1
    assert (slow.cancelled, calls, budget.abandoned) == (1, 1, 1)


async def test_more_heavy_requests_than_slots_wait_then_get_503_busy() -> None:
    inner = SlowApp(1.0)
    app = WorkBudget(inner, budget_s=5, concurrency=2, queue_s=0.2)
    results = await asyncio.gather(*(_call(app, _scope(), [{"type": "http.request", "body": b""}]) for _ in range(4)))
    statuses = sorted(_status(s)[0] for s in results)
    assert statuses == [200, 200, 503, 503]
    busy = [s for s in results if _status(s)[0] == 503]
    assert all(_status(s)[1]["type"] == "/problems/server-busy" for s in busy)  # type: ignore[index]


async def test_a_body_that_drips_gets_408() -> None:
    inner = SlowApp(0)
    app = WorkBudget(inner, budget_s=5, concurrency=1, body_timeout_s=0.3)
    drip = [{"type": "http.request", "body": b"x", "more_body": True}] * 10
    status, body, _ = _status(await _call(app, _scope("POST", "/v1/citations"), drip, gap_s=0.1))
    assert status == 408
    assert body is not None
    assert body["type"] == "/problems/request-timeout"
    assert inner.finished == 0


def test_which_routes_are_heavy() -> None:
    from egov_api.edge.budget import is_heavy

    heavy = [("POST", "/v1/citations"), ("GET", "/v1/search"), ("GET", "/v1/search/hybrid"), ("GET", "/v1/resolve")]
    heavy += [("GET", "/v1/laws/129AC0000000089/diff")]
    light = [
        ("GET", "/v1/laws"),
        ("GET", "/v1/searching"),
        ("GET", "/v1/laws/x/provisions/diff_1"),
        ("PUT", "/v1/search"),
    ]
    assert all(is_heavy(_scope(m, p)) for m, p in heavy)
    assert not any(is_heavy(_scope(m, p)) for m, p in light)
