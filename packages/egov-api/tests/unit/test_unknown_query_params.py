"""Every /v1 route refuses query parameters it does not take (400 problem+json naming them), in process.

The check runs before any route dependency, so these requests need no database: the app's lifespan is
not started. What the routes answer with accepted parameters is covered against a real database in
``integration/test_newcomer_http.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import httpx
import pytest
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from egov_api.app import build_fastapi
from egov_api.query_params import accepted_query_names
from egov_core.settings import EgovSettings


def _api_routes(routes: Iterable[BaseRoute]) -> Iterator[APIRoute]:
    # Newer FastAPI keeps an included router as one entry (``original_router``) instead of copying its routes.
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif (included := getattr(route, "original_router", None)) is not None:
            yield from _api_routes(included.routes)


APP, _ = build_fastapi(EgovSettings())
V1_ROUTES = [r for r in _api_routes(APP.routes) if r.path.startswith("/v1/")]


def _concrete(path: str) -> str:
    # Any value will do: the unknown parameter is refused before path parameters are validated.
    return re.sub(r"\{[^}]+\}", "x", path)


def test_every_v1_route_is_checked() -> None:
    paths = {r.path for r in V1_ROUTES}
    assert {"/v1/laws", "/v1/search", "/v1/resolve", "/v1/cases"} <= paths


@pytest.mark.parametrize("route", V1_ROUTES, ids=lambda r: f"{sorted(r.methods)[0]} {r.path}")
async def test_unknown_parameter_is_refused(route: APIRoute) -> None:
    method = sorted(route.methods)[0]
    transport = httpx.ASGITransport(app=APP)
    async with httpx.AsyncClient(transport=transport, base_url="http://egov") as client:
        r = await client.request(method, _concrete(route.path), params={"limit": "5", "abbreviation": "労基法"})
    assert r.status_code == 400, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["type"] == "/problems/unknown-parameter"
    accepted = list(accepted_query_names(route))
    # "limit" is refused too where the route takes no such parameter; the first unknown one is named.
    assert body["parameter"] == ("abbreviation" if "limit" in accepted else "limit")
    assert body["accepted"] == accepted
    assert body["parameter"] in body["detail"]


def test_accepted_names_are_the_aliases() -> None:
    laws = next(r for r in V1_ROUTES if r.path == "/v1/laws" and "GET" in r.methods)
    names = accepted_query_names(laws)
    assert "abbrev" in names
    assert "abbreviation" not in names
    text = next(r for r in V1_ROUTES if r.path == "/v1/laws/{law_id}" and "GET" in r.methods)
    assert "revision" in accepted_query_names(text)  # declared as RevisionId(alias="revision")


async def test_other_surfaces_are_left_alone() -> None:
    transport = httpx.ASGITransport(app=APP)
    async with httpx.AsyncClient(transport=transport, base_url="http://egov") as client:
        r = await client.get("/problems", params={"bogus": "1"})
    assert r.status_code == 200
