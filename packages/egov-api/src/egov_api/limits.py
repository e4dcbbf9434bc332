"""Request body size cap, enforced by the app (Granian has none)."""

from __future__ import annotations

import asyncio
import contextlib

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from egov_api.problems import problem_response


class _TooLargeError(Exception):
    pass


#: What is read (and thrown away) of a refused body before the 413 is sent, and for how long at most: a
#: connection closed with unread data in it is reset by the kernel, and a client still sending its body then
#: gets the reset instead of the 413 (seen under load: "connection reset" for a 2 MB body; Granian closes the
#: connection as soon as the answer is sent, so draining after it is too late). Bodies declared larger than
#: this are not drained: their sender may get the reset.
_DRAIN_BYTES = 16 * 1024 * 1024
_DRAIN_S = 2.0


class BodySizeLimit:
    """Pure ASGI middleware: requests whose body exceeds ``max_bytes`` get 413 problem+json.

    Checks ``Content-Length`` up front and counts streamed chunks too (chunked uploads have no length).
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    too_big = int(value) > self.max_bytes
                except ValueError:
                    too_big = True
                if too_big:
                    if value.isdigit() and int(value) <= _DRAIN_BYTES:
                        await _drain(receive)
                    await self._reject(scope, receive, send)
                    return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLargeError
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLargeError:
            if not started:
                await _drain(receive)
                await self._reject(scope, receive, send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            "payload-too-large", f"request body larger than {self.max_bytes} bytes", instance=scope.get("path")
        )
        # The rest of the body is drained, not processed: the connection closes so none of it can be taken
        # for the next request.
        response.headers["connection"] = "close"
        await response(scope, receive, send)


async def _drain(receive: Receive) -> None:
    """Read and discard what is left of a refused body, within :data:`_DRAIN_BYTES` and :data:`_DRAIN_S`."""
    left = _DRAIN_BYTES
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(_DRAIN_S):
            while left > 0:
                message = await receive()
                if message["type"] != "http.request" or not message.get("more_body", False):
                    return
                left -= len(message.get("body", b""))
