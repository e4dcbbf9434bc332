"""The gate: operations routes for the ops token only, API keys, per-client quotas with RateLimit headers.

Per request, in order: ``/health`` passes untouched (liveness is never refused); ``/metrics`` needs the
ops token (without it the route does not exist: 404); ``/health/ready`` is public but tells only the
token holder why; every other request spends one unit of its client's quota — the API key's when it
carries a valid one, else its address's — and answers 429 + ``Retry-After`` once the quota is spent;
a request carrying an invalid key gets 401 even when keys are optional (a typo should not silently
fall back to the anonymous quota); with ``require_key`` a request without one gets 401 too, except for
the documentation.
"""

from __future__ import annotations

import hmac

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from egov_api.edge._asgi import Network, client_address, header, send_problem
from egov_api.edge.keys import KeyVerifier
from egov_api.edge.ratelimit import RateLimiter
from egov_core.errors import EgovError
from egov_core.settings import ApiSettings

#: Scope key set to True when the request carries the ops token (read by the readiness route).
OPS_SCOPE_KEY = "egov.ops"
#: Scope key holding the client's API key id, when it sent a valid key.
KEY_SCOPE_KEY = "egov.key_id"
OPS_PATHS = ("/metrics",)
#: Reachable without a key even when ``require_key`` is set: how to use the API and what its errors mean.
DOCS_PATHS = ("/docs", "/redoc", "/openapi.json", "/problems")


def has_ops_token(scope: Scope, token: bytes | None) -> bool:
    """Whether the request carries ``Authorization: Bearer <ops token>`` (constant-time comparison)."""
    if token is None:
        return False
    auth = header(scope, b"authorization")
    if auth is None or auth[:7].lower() != b"bearer ":
        return False
    return hmac.compare_digest(auth[7:].strip(), token)


class Gate:
    """Pure ASGI middleware enforcing keys, quotas and the ops token.

    Args:
        app: the inner app.
        settings: the ``api`` settings.
        limiter: the rate limiter (None: quotas off).
        verifier: checks API keys (a request carrying one gets 503 while the store cannot be read).
        proxies: trusted proxies (their ``X-Forwarded-For`` names the client).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        settings: ApiSettings,
        limiter: RateLimiter | None,
        verifier: KeyVerifier,
        proxies: tuple[Network, ...],
    ) -> None:
        self.app = app
        self.settings = settings
        self.limiter = limiter
        self.verifier = verifier
        self.proxies = proxies
        token = settings.ops_token.get_secret_value() if settings.ops_token else ""
        self._ops_token = token.encode() if token else None
        self.limited = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path == "/health":
            await self.app(scope, receive, send)
            return
        ops = has_ops_token(scope, self._ops_token)
        if path.startswith(OPS_PATHS) and not ops:
            await send_problem(scope, receive, send, "not-found", f"no route {path}; see /docs for the API")
            return
        if path.startswith("/health/") or ops:
            scope[OPS_SCOPE_KEY] = ops
            await self.app(scope, receive, send)
            return
        await self._guarded(scope, receive, send, path)

    async def _guarded(self, scope: Scope, receive: Receive, send: Send, path: str) -> None:
        try:
            check = await self.verifier.check(scope)
        except EgovError:
            # The key table cannot be read: the key can be neither honoured nor refused.
            detail = "API keys cannot be checked right now (database unavailable); retry shortly"
            await send_problem(scope, receive, send, "storage-unavailable", detail)
            return
        key = check.key
        limits = self.settings.rate_limit
        extra: list[tuple[bytes, bytes]] = []
        if self.limiter is not None:
            if key is not None:
                client, quota = f"key:{key.key_id}", key.quota or limits.keyed
            else:
                client, quota = f"ip:{client_address(scope, self.proxies)}", limits.anonymous
            decision = await self.limiter.hit(client, quota)
            extra = decision.headers()
            if not decision.allowed:
                self.limited += 1
                headers = {k.decode(): v.decode() for k, v in extra} | {"retry-after": str(decision.reset_s)}
                detail = f"more than {decision.quota} requests in {decision.window_s} s; retry in {decision.reset_s} s"
                await send_problem(scope, receive, send, "rate-limited", detail, headers=headers)
                return
        if check.presented and key is None:
            await self._unauthorized(scope, receive, send, extra, "api-key-invalid", "the API key is not valid")
            return
        if key is None and self.settings.require_key and not path.startswith(DOCS_PATHS):
            detail = "this server needs an API key: send Authorization: Bearer <key> (or X-API-Key)"
            await self._unauthorized(scope, receive, send, extra, "api-key-required", detail)
            return
        if key is not None:
            scope[KEY_SCOPE_KEY] = key.key_id
        if not extra:
            await self.app(scope, receive, send)
            return

        async def send_with_limits(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", ()), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_limits)

    async def _unauthorized(
        self, scope: Scope, receive: Receive, send: Send, extra: list[tuple[bytes, bytes]], code: str, detail: str
    ) -> None:
        headers = {k.decode(): v.decode() for k, v in extra} | {"www-authenticate": 'Bearer realm="egov"'}
        await send_problem(scope, receive, send, code, detail, headers=headers)
