"""Request body size cap, enforced by the app (Granian has none)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from egov_api.problems import problem_response


class _TooLargeError(Exception):
    pass


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
                await self._reject(scope, receive, send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            "payload-too-large", f"request body larger than {self.max_bytes} bytes", instance=scope.get("path")
        )
        # The rest of the body is never read: close the connection so it cannot be taken for the next request.
        response.headers["connection"] = "close"
        await response(scope, receive, send)
