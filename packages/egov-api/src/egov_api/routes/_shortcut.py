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

import re
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Sequence
from typing import Any, TypeVar

from fastapi import FastAPI, Request, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.routing import BaseRoute, Mount, Router
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = [
    "Shortcut",
    "ShortcutDispatch",
    "ShortcutRoute",
    "dispatchable",
    "install_shortcut_dispatch",
    "json_response",
    "shortcut",
]

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


def json_response(model: BaseModel | bytes, headers: dict[bytes, bytes]) -> Response:
    """``model`` as FastAPI sends a route's return value (pydantic's JSON by alias, or those bytes when the route
    built them itself; the headers the route set on its ``Response`` parameter after the content headers)."""
    body = model if isinstance(model, bytes) else model.model_dump_json(by_alias=True)
    response = Response(content=body, media_type="application/json")
    response.headers.raw.extend(headers.items())
    return response


class ShortcutDispatch:
    """Router middleware: a GET whose path only a :class:`ShortcutRoute` can match goes straight to that route's
    shortcut, without FastAPI's walk over every route; whatever the shortcut declines goes to the router.

    FastAPI matches a request against each included router's routes in turn, and the chosen router's routes
    twice: on an uncached article GET that walk was ~100 of ~650 CPU-µs in process, on a search ~180 (paired
    runs, whole corpus). A route is dispatched here only when no other route can match a path it matches
    (template segments compared: a different literal in one place, or a different number of segments), so the
    route FastAPI would choose is the same; a path parameter with a converter, a ``root_path``, or FastAPI's
    telemetry (which records the route FastAPI chose) leaves the request to the router. The dispatch runs
    inside FastAPI's exception middleware, so an error raised by a shortcut is answered by the one error
    boundary as from the endpoint. Install with :func:`install_shortcut_dispatch` once every route is added.

    Args:
        app: the router's own ASGI app (``router.middleware_stack``).
        router: the app's router: its routes are read at the first request (every route is added by then).
    """

    def __init__(self, app: ASGIApp, router: Router) -> None:
        self.app = app
        self.router = router
        self._routes: tuple[ShortcutRoute, ...] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = self._route(scope)
        if route is not None and route.shortcut is not None:
            response = await route.shortcut(Request(scope, receive, send))
            if response is not None:
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _route(self, scope: Scope) -> ShortcutRoute | None:
        """The shortcut route this request is dispatched to (its path parameters set in ``scope``), or None."""
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or scope.get("root_path")
            or scope.get("fastapi.telemetry") is not None
        ):
            return None
        if self._routes is None:
            self._routes = dispatchable(list(_leaves(self.router.routes)))
        for route in self._routes:
            match = route.path_regex.match(scope["path"])
            if match is not None:
                # What FastAPI's router and match set for a route whose parameters are plain strings.
                scope.setdefault("router", self.router)
                scope["path_params"] = match.groupdict()
                scope["endpoint"] = route.endpoint
                scope["route"] = route
                return route
        return None


def install_shortcut_dispatch(app: FastAPI) -> None:
    """Put :class:`ShortcutDispatch` in front of ``app``'s router (a Starlette router middleware)."""
    app.router.middleware_stack = ShortcutDispatch(app.router.middleware_stack, app.router)


def _leaves(routes: Sequence[BaseRoute]) -> Iterator[BaseRoute]:
    for route in routes:
        included = getattr(route, "original_router", None)  # FastAPI's wrapper of an included router
        if included is not None:
            yield from _leaves(included.routes)
        else:
            yield route


_PARAM = re.compile(r"\{[^}]*\}")


def _template(route: BaseRoute) -> tuple[list[str], bool] | None:
    """The route's path template as segments, and whether it matches any longer path (a mount); None when the
    route matches paths not described by its template (a host route, a converter such as ``{p:path}``)."""
    path = getattr(route, "path", None)
    if not isinstance(path, str):
        return None
    if any(":" in p for p in _PARAM.findall(path)):
        return None
    return path.rstrip("/").split("/"), isinstance(route, Mount)


def _disjoint(a: tuple[list[str], bool], b: tuple[list[str], bool]) -> bool:
    """Whether no path matches both templates (``{x}`` matches one segment, a mount any continuation)."""
    (sa, mount_a), (sb, mount_b) = a, b
    for x, y in zip(sa, sb, strict=False):
        if not _PARAM.fullmatch(x) and not _PARAM.fullmatch(y) and x != y:
            return True
    if len(sa) == len(sb):
        return False
    shorter_is_mount = mount_a if len(sa) < len(sb) else mount_b
    return not shorter_is_mount


def dispatchable(routes: Sequence[BaseRoute]) -> tuple[ShortcutRoute, ...]:
    """The shortcut routes among ``routes`` that no other route answering GET can take a request from."""
    out = []
    for route in routes:
        if not isinstance(route, ShortcutRoute) or "GET" not in (route.methods or ()):
            continue
        mine = _template(route)
        if mine is None:
            continue
        others = [r for r in routes if r is not route and "GET" in (getattr(r, "methods", None) or {"GET"})]
        if all((t := _template(r)) is not None and _disjoint(mine, t) for r in others):
            out.append(route)
    return tuple(out)
