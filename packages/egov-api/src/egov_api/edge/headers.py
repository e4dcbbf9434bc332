"""Security headers on every response (the app's own copy of what the Caddyfile sets at the edge)."""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: The interactive documentation loads Swagger UI / ReDoc assets from a CDN; everything else is JSON.
DOCS_PATHS = ("/docs", "/redoc", "/openapi.json")
API_CSP = b"default-src 'none'; frame-ancestors 'none'"
DOCS_CSP = (
    b"default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    b"style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
    b"frame-ancestors 'none'"
)
_COMMON = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"geolocation=(), camera=(), microphone=()"),
)
_HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


class SecurityHeaders:
    """Pure ASGI middleware adding security headers to every response (a header the app set wins).

    ``Strict-Transport-Security`` only goes out on HTTPS requests: over plain HTTP it would be ignored, and
    on a test server it would pin a browser to HTTPS for a year.
    """

    def __init__(self, app: ASGIApp, *, stands_in_for: ASGIApp | None = None) -> None:
        self.app = app
        self.stands_in_for = stands_in_for if stands_in_for is not None else app

    def __getattr__(self, name: str) -> Any:
        """Anything else is ``stands_in_for``'s (the app behind every layer: ``state``, ``router``, ``openapi()``),
        so the outermost layer can stand in for it."""
        if name in ("app", "stands_in_for"):  # not set yet (copy, unpickling): do not recurse
            raise AttributeError(name)
        return getattr(self.stands_in_for, name)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        csp = DOCS_CSP if path.startswith(DOCS_PATHS) else API_CSP
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                extra = [*_COMMON, (b"content-security-policy", csp)]
                if https:
                    extra.append(_HSTS)
                headers += [(n, v) for n, v in extra if n not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
