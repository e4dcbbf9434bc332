"""Running an ASGI app's lifespan in-process, as a server does: the MCP stdio transport (which serves the app
without an HTTP server), in-process tests and the read-path bench all start and stop the app through this."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.types import ASGIApp

__all__ = ["lifespan_of"]


@asynccontextmanager
async def lifespan_of(app: ASGIApp) -> AsyncIterator[None]:
    """Run an ASGI app's lifespan (startup ... shutdown) around the block, through whatever wraps it.

    Startup and shutdown happen in one task of their own, as a server runs them: the app's lifespan holds
    task groups (the MCP session manager's) that must be left by the task that entered them.
    """
    to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    from_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": {}}
    task: asyncio.Task[None] = asyncio.create_task(app(scope, to_app.get, from_app.put))  # type: ignore[arg-type]  # ASGI callables

    async def reply() -> dict[str, Any]:
        getter = asyncio.create_task(from_app.get())
        await asyncio.wait([getter, task], return_when=asyncio.FIRST_COMPLETED)
        if not getter.done():
            getter.cancel()
            task.result()  # the app ended without answering: raise its error
            raise RuntimeError("the app's lifespan ended without answering")
        return getter.result()

    await to_app.put({"type": "lifespan.startup"})
    started = await reply()
    if started["type"] != "lifespan.startup.complete":
        raise RuntimeError(f"startup failed: {started.get('message', started['type'])}")
    try:
        yield
    finally:
        await to_app.put({"type": "lifespan.shutdown"})
        await reply()
        await task
