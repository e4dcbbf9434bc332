"""ShortcutDispatch sends a plain GET straight to a shortcut route only where FastAPI would choose that route, and
the answer, a declined request and a raised error are what the router would give."""

from __future__ import annotations

import httpx
from fastapi import APIRouter, FastAPI, HTTPException, Request, Response
from fastapi.routing import APIRoute
from starlette.routing import Match, Mount, Route
from starlette.types import Scope

from egov_api.routes._shortcut import ShortcutRoute, _leaves, dispatchable, install_shortcut_dispatch, shortcut


async def _short(request: Request) -> Response | None:
    x = request.path_params["x"]
    if x == "boom":
        raise HTTPException(status_code=418, detail="from the shortcut")
    if x == "declined":
        return None
    dispatched = request.scope["route"].path
    return Response(f"shortcut {x} {dispatched}", media_type="text/plain")


class _Watched(Route):
    """A route that counts how often the router tried to match a request against it."""

    tried = 0

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        _Watched.tried += 1
        return super().matches(scope)


def _app(*before: str, mount: str | None = None) -> tuple[FastAPI, list[str]]:
    """An app with a watched route and ``before`` routes (GET), then a router holding the shortcut route
    ``/a/{x}/b``."""
    app = FastAPI()
    app.router.routes.append(_Watched("/watched", Response("watched")))
    calls: list[str] = []
    for path in before:

        async def other(request: Request) -> Response:
            return Response("other")

        app.add_api_route(path, other, methods=["GET"])
    if mount is not None:
        app.router.routes.append(Mount(mount, app=Response("mounted")))
    router = APIRouter(route_class=ShortcutRoute)

    @router.get("/a/{x}/b")
    @shortcut(_short)
    async def declared(x: str) -> Response:
        calls.append(x)
        return Response(f"declared {x}", media_type="text/plain")

    app.include_router(router)
    install_shortcut_dispatch(app)
    return app, calls


def _paths(app: FastAPI) -> list[str]:
    return [r.path for r in dispatchable(list(_leaves(app.router.routes))) if isinstance(r, APIRoute)]


def test_only_routes_no_other_route_can_take_a_path_from_are_dispatched() -> None:
    assert _paths(_app()[0]) == ["/a/{x}/b"]
    assert _paths(_app("/a/{x}/c", "/a/{x}", "/a/{x}/b/c", "/b/{y}/b")[0]) == ["/a/{x}/b"]
    assert _paths(_app("/a/{x}/{y}")[0]) == []  # could match /a/1/b: FastAPI would pick it first
    assert _paths(_app("/{z}/1/b")[0]) == []
    assert _paths(_app("/a/{p:path}")[0]) == []  # a converter: not compared, not trusted
    assert _paths(_app(mount="/a")[0]) == []
    assert _paths(_app(mount="/c")[0]) == ["/a/{x}/b"]


async def test_dispatched_declined_and_raised_requests_answer_as_through_the_router() -> None:
    app, calls = _app("/a/{x}/c")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        _Watched.tried = 0
        r = await client.get("/a/1/b")
        assert (r.status_code, r.text) == (200, "shortcut 1 /a/{x}/b")
        assert _Watched.tried == 0  # the router's walk was skipped
        r = await client.get("/a/declined/b")
        assert _Watched.tried > 0
        assert (r.status_code, r.text) == (200, "declared declined")
        r = await client.get("/a/boom/b")  # the app's exception handler answers, as for the endpoint
        assert (r.status_code, r.json()) == (418, {"detail": "from the shortcut"})
        r = await client.get("/a/1/c")
        assert r.text == "other"
        r = await client.post("/a/1/b")
        assert r.status_code == 405
    assert calls == ["declined"]
