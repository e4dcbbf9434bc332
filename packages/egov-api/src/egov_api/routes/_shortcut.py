"""Shortcuts for the hottest uncached GETs: FastAPI's per-request parameter solving, skipped when it has nothing to do.

On an uncached article GET, FastAPI's dependency solving (every query parameter, the connection
dependency, the app-wide unknown-parameter check) cost more CPU than reading and rendering the article
(measured in process with cProfile: ~40 % of the route's time, see the README's "Performance"). A route
declared with :class:`ShortcutRoute` and an endpoint marked by :func:`shortcut` first offers a request to
the shortcut: a plain request (no query string) with valid path parameters, which the shortcut answers with
the exact response the endpoint would give; it returns None for anything else (a query string, a path
parameter the declared validation might refuse, a miss whose error the endpoint words), and the endpoint
runs as declared. Routing, the middleware (metrics, work budget, replica fallback), the error boundary and
the OpenAPI schema are untouched: the shortcut runs where the endpoint would.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from fastapi import Request, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel

__all__ = ["Shortcut", "ShortcutRoute", "json_response", "shortcut"]

#: A shortcut: the request in, the endpoint's response out, or None (then the endpoint answers).
Shortcut = Callable[[Request], Awaitable[Response | None]]
_ATTR = "__egov_shortcut__"
_E = TypeVar("_E", bound=Callable[..., Any])


def shortcut(fn: Shortcut) -> Callable[[_E], _E]:
    """Mark an endpoint: :class:`ShortcutRoute` offers its requests to ``fn`` first."""

    def mark(endpoint: _E) -> _E:
        setattr(endpoint, _ATTR, fn)
        return endpoint

    return mark


class ShortcutRoute(APIRoute):
    """An :class:`~fastapi.routing.APIRoute` that offers each request to its endpoint's shortcut first.

    Attributes:
        shortcut: the endpoint's shortcut, or None (set to None to run every request through the endpoint).
    """

    shortcut: Shortcut | None

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The declared handler behind the shortcut."""
        declared = super().get_route_handler()
        self.shortcut = getattr(self.endpoint, _ATTR, None)

        async def handler(request: Request) -> Response:
            if self.shortcut is not None and (response := await self.shortcut(request)) is not None:
                return response
            return await declared(request)

        return handler


def json_response(model: BaseModel, headers: dict[bytes, bytes]) -> Response:
    """``model`` as FastAPI sends a route's return value (pydantic's JSON by alias; the headers the route set
    on its ``Response`` parameter after the content headers)."""
    response = Response(content=model.model_dump_json(by_alias=True), media_type="application/json")
    response.headers.raw.extend(headers.items())
    return response
