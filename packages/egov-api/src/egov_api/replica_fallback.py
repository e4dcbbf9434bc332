"""One more run on the primary for a request whose read replica failed under it.

:meth:`egov_core.store.Database.read` skips a replica that fails at checkout without the caller noticing, but
a replica that fails *during* a read (stopped, restarted, a recovery conflict cancelled the statement) has
already failed the route's block: the route answers 503. This layer runs every request under a fresh
:class:`~egov_core.store.ReadScope`; when the answer is a 5xx and a replica failure was noted in the scope,
it discards that answer (nothing has been sent yet) and runs the request once more with every read pinned to
the primary. Routes only read over HTTP (imports and sync are commands), so a second run is safe; the request
body the first run read is replayed (it is bounded by the body size limit inside).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from egov_core.store import read_scope

__all__ = ["ReplicaFallback"]


class ReplicaFallback:
    """ASGI middleware: a request that a failing read replica turned into a 5xx is run again on the primary.

    Args:
        app: the app to run (the FastAPI middleware stack inside).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        #: Requests run a second time on the primary (for metrics and tests).
        self.retried = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request; on a 5xx caused by a replica failure, run it again pinned to the primary."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        received: list[Message] = []
        held: list[Message] = []
        started: list[bool] = []

        async def recording_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                received.append(message)
            return message

        with read_scope() as reads:

            async def guarded_send(message: Message) -> None:
                # Hold back a 5xx while a replica failure may explain it; pass everything else straight on.
                if held or (
                    message["type"] == "http.response.start" and message["status"] >= 500 and reads.replica_failed
                ):
                    held.append(message)
                    return
                if message["type"] == "http.response.start":
                    started.append(True)
                await send(message)

            try:
                await self.app(scope, recording_receive, guarded_send)
            except Exception:
                if not reads.replica_failed or started:
                    raise
                held.append({"type": "http.response.start", "status": 500})
        if not held:
            return
        self.retried += 1
        replay = list(received)

        async def replaying_receive() -> Message:
            return replay.pop(0) if replay else await receive()

        with read_scope(primary_only=True):
            await self.app(scope, replaying_receive, send)
