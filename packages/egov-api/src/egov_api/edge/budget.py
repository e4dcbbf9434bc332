"""Work budgets for CPU-heavy routes: bounded concurrency, a deadline, and no work for a client that left.

For the routes it guards (citation extraction, search) each worker runs at most ``concurrency`` such
requests at once; a request that cannot start within ``queue_s`` gets 503 ``server-busy``. A started
request that is still running after ``budget_s`` is cancelled and answered 503 ``work-budget-exceeded``
(with ``Retry-After``); a client that disconnects cancels its request (noticed once the request has run
``watch_after_s``, 50 ms), so abandoned work does not keep a worker busy. Cancellation lands at the route's
next ``await``: routes keep their CPU-bound steps short (linear, capped) so that is soon.

The request body is read here first (within ``body_timeout_s``, else 408): a body still dripping in
would otherwise hold a concurrency slot, and once it is in, the next ``receive()`` is the disconnect.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from egov_api.edge._asgi import send_problem

#: The routes whose work depends on the input's content, not just its size: citation extraction, search
#: (keyword, semantic, hybrid), citation resolution and 新旧対照 (aligning two revisions).
HEAVY_PATHS = re.compile(r"^/v1/(?:citations|search|resolve)(?:/|$)|^/v1/laws/[^/]+/diff(?:/|$)")
HEAVY_METHODS = frozenset({"GET", "HEAD", "POST"})


def is_heavy(scope: Scope) -> bool:
    """Whether this request goes to a CPU-heavy route."""
    return scope["method"] in HEAVY_METHODS and HEAVY_PATHS.match(scope["path"]) is not None


class WorkBudget:
    """Pure ASGI middleware giving CPU-heavy requests a concurrency slot, a deadline and disconnect handling.

    Args:
        app: the inner app.
        budget_s: the deadline of one request.
        concurrency: heavy requests one worker runs at once.
        queue_s: how long a request may wait for a slot.
        body_timeout_s: how long the request body may take to arrive.
        watch_after_s: how long a request runs before a client's disconnect is watched for (and cancels it).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        budget_s: float,
        concurrency: int,
        queue_s: float = 1.0,
        body_timeout_s: float = 10.0,
        watch_after_s: float = 0.05,
    ) -> None:
        self.app = app
        self.budget_s = budget_s
        self.watch_after_s = watch_after_s
        self.queue_s = queue_s
        self.body_timeout_s = body_timeout_s
        self._slots = asyncio.Semaphore(concurrency)
        self.exceeded = 0
        self.busy = 0
        self.abandoned = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_heavy(scope):
            await self.app(scope, receive, send)
            return
        body = await self._read_body(scope, receive, send)
        if body is None:
            return
        try:
            async with asyncio.timeout(self.queue_s):
                await self._slots.acquire()
        except TimeoutError:
            self.busy += 1
            retry = {"retry-after": "1"}
            await send_problem(scope, receive, send, "server-busy", "too many heavy requests at once", headers=retry)
            return
        try:
            await self._run(scope, receive, send, body)
        finally:
            self._slots.release()

    async def _read_body(self, scope: Scope, receive: Receive, send: Send) -> list[Message] | None:
        messages: list[Message] = []
        if scope["method"] in ("GET", "HEAD"):
            return messages
        try:
            async with asyncio.timeout(self.body_timeout_s):
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return None
                    messages.append(message)
                    if not message.get("more_body", False):
                        return messages
        except TimeoutError:
            detail = f"the request body did not arrive within {self.body_timeout_s:g} s"
            await send_problem(scope, receive, send, "request-timeout", detail, headers={"connection": "close"})
            return None

    async def _run(self, scope: Scope, receive: Receive, send: Send, body: list[Message]) -> None:
        pending = list(body)
        started = False

        async def replay() -> Message:
            if pending:
                return pending.pop(0)
            # The app asks for more than the body: wait like a server would (the disconnect ends it).
            return await receive()

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        work = asyncio.ensure_future(self.app(scope, replay, tracking_send))
        tasks: list[asyncio.Future[None]] = [work]
        left: asyncio.Future[None] | None = None
        grace = min(self.watch_after_s, self.budget_s)
        try:
            # Most heavy requests are done within milliseconds. Watching for a disconnect costs a second task
            # blocked in the server's receive() and its cancellation (~150 CPU-µs per search under Granian,
            # a tenth of one), so only a request that outlasts the grace period gets the watch: a client that
            # leaves sooner costs at most that much abandoned work.
            done, _ = await asyncio.wait(tasks, timeout=grace)
            if not done:
                left = asyncio.ensure_future(_wait_disconnect(receive))
                tasks.append(left)
                done, _ = await asyncio.wait(tasks, timeout=self.budget_s - grace, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                if not task.done():
                    task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        if work in done:
            work.result()  # re-raise what the app raised
            return
        if left is not None and left in done:
            self.abandoned += 1
            return
        self.exceeded += 1
        if not started:
            retry = {"retry-after": str(math.ceil(self.budget_s))}
            detail = f"the request needed more than its {self.budget_s:g} s work budget; narrow it or retry later"
            await send_problem(scope, receive, send, "work-budget-exceeded", detail, headers=retry)


async def _wait_disconnect(receive: Receive) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
