"""The ceiling: a bare ASGI app sending fixed bytes, served by Granian like the egov app.

Granian imports it as ``bench.apps:raw_app``; the body is the file named by ``BENCH_RAW_BODY`` (the bench
writes there the exact bytes egov returns for the measured article), read once per worker.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

_BODY_FILE = os.environ.get("BENCH_RAW_BODY")
BODY = Path(_BODY_FILE).read_bytes() if _BODY_FILE else b'{"ok":true}'
_HEADERS = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(BODY))]


async def raw_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The least an ASGI app can do to answer any request with ``BODY``."""
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    await send({"type": "http.response.start", "status": 200, "headers": _HEADERS})
    await send({"type": "http.response.body", "body": BODY})
