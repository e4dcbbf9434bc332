"""Input hygiene before routing: control characters and invalid UTF-8 in the path or query are a 422.

PostgreSQL ``text`` cannot hold U+0000 (a NUL in a provision path or a query parameter once surfaced as a
500), and no identifier or search term of this API contains a control character. Checking the raw
request once, here, covers every route and every parameter — including ones added later — before any of
them reaches the database.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Receive, Scope, Send

from egov_api.edge._asgi import send_problem

#: C0 controls and DEL. Tab, LF and CR are allowed in query values (pasted text), never in the path.
_PATH_BAD = re.compile(r"[\x00-\x1f\x7f]")
_QUERY_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _decode(raw: bytes) -> str | None:
    try:
        return unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        return None


def find_bad_input(scope: Scope) -> tuple[str, str] | None:
    """``(parameter, reason)`` for the first invalid part of the request line, or None when it is clean."""
    raw_path: bytes | None = scope.get("raw_path")
    path = _decode(raw_path) if raw_path is not None else scope.get("path", "")
    if path is None:
        return "path", "the path is not valid UTF-8"
    if _PATH_BAD.search(path) or _PATH_BAD.search(scope.get("path", "")):
        return "path", "the path contains a control character"
    query: bytes = scope.get("query_string", b"")
    if not query:
        return None
    for pair in query.split(b"&"):
        name_raw, _, value_raw = pair.partition(b"=")
        name = _decode(name_raw.replace(b"+", b" "))
        value = _decode(value_raw.replace(b"+", b" "))
        label = name if name is not None and not _QUERY_BAD.search(name) else "query"
        if name is None or value is None:
            return label, f"query parameter {label!r} is not valid UTF-8"
        if _QUERY_BAD.search(name) or _QUERY_BAD.search(value):
            return label, f"query parameter {label!r} contains a control character"
    return None


class InputGate:
    """Pure ASGI middleware: a request whose path or query holds a control character or invalid UTF-8 gets
    a 422 ``invalid-input`` naming the parameter, before routing."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (bad := find_bad_input(scope)) is not None:
            parameter, reason = bad
            if scope["path"].startswith("/api/"):
                await _lawapi_error(scope, receive, send, reason)
                return
            await send_problem(scope, receive, send, "invalid-input", reason, parameter=parameter)
            return
        await self.app(scope, receive, send)


async def _lawapi_error(scope: Scope, receive: Receive, send: Send, reason: str) -> None:
    """The e-Gov-compatible surfaces answer in e-Gov's ``error_info`` shape (400002, bad parameter)."""
    from starlette.requests import Request

    from egov_api.lawapi.errors import CODES, error_response

    # The query is what is broken: the answer's format is chosen from Accept alone.
    request = Request({**scope, "query_string": b""})
    response = error_response(request, "400002", f"{CODES['400002'][1]}（{reason}）")
    await response(scope, receive, send)
