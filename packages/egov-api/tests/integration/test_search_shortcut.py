"""``GET /v1/search?q=…``'s shortcut (``q`` alone, FastAPI's parameter solving skipped) answers exactly as the
declared endpoint does: status, headers and bytes, for keywords, phrases, a citation, a sentence (ranked), a
query that finds nothing, and the requests it must leave to the endpoint (other parameters, bad ``q``)."""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest
from egov_api_smallcorpus import small_corpus
from egov_api_testsupport import in_process_client
from egov_testsupport import PgTemplates, pg_templates  # noqa: F401 - the session's template databases
from fastapi import Request, Response

from egov_api.app import create_app
from egov_api.routes import search
from egov_api.routes._shortcut import ShortcutRoute
from egov_core.settings import EgovSettings

pytestmark = pytest.mark.integration

#: What the shortcut answers (first), then what it leaves to the endpoint.
ANSWERED = [
    f"/v1/search?q={quote(q)}" for q in ("債権", "労働", "故意又は過失", '"損害賠償"', "民法第七百九条", "xyzzy")
]
ANSWERED += [
    "/v1/search?q=" + quote("使用者が労働者を解雇しようとする場合の予告"),
    "/v1/search?q=" + quote("賃金 -労働"),
    "/v1/search?q=" + quote("-労働"),  # nothing but an exclusion: refused by the search itself, as declared
]
# The shortcut decodes q itself: "+" as a space, "%2B" as a plus, "=" kept, bad UTF-8 replaced (U+FFFD, no
# searchable character: refused by the search), as Starlette does.
ANSWERED[-1:-1] = ["/v1/search?q=%E8%B3%83%E9%87%91+%E5%8A%B4%E5%83%8D", "/v1/search?q=a%2Bb=c"]
ANSWERED.append("/v1/search?q=%E8%B3")
DECLARED = [
    "/v1/search?q=",
    "/v1/search?q=%00",
    "/v1/search?q=" + "あ" * 201,
    "/v1/search?q=債権&limit=5",
    "/v1/search?q=債権&q=労働",
    "/v1/search?mode=boolean&q=債権",
    "/v1/search?bogus=1",
    "/v1/search",
]


async def _answers(client: httpx.AsyncClient) -> list[tuple[int, list[tuple[str, str]], bytes]]:
    out = []
    for url in ANSWERED + DECLARED:
        r = await client.get(url)
        out.append((r.status_code, list(r.headers.items()), r.content))
    return out


async def test_the_search_shortcut_answers_exactly_as_the_endpoint(
    pg_templates: PgTemplates,  # noqa: F811 - the fixture imported above
) -> None:
    url = await small_corpus(pg_templates)
    settings = EgovSettings(database={"url": url}, cache={"enabled": False}, api={"rate_limit": {"enabled": False}})
    app = create_app(settings)
    async with in_process_client(app) as client:
        # FastAPI builds an included route's handler (which reads the route's shortcut) at the first request:
        # one first, so the swaps below are the ones requests meet. The route is the module router's (shared
        # by every app of this process): restored below.
        assert (await client.get("/v1/search?q=民法")).status_code == 200
        [route] = [r for r in search.router.routes if isinstance(r, ShortcutRoute) and r.shortcut]
        original = route.shortcut
        assert original is not None
        taken: list[str] = []

        async def counting(request: Request) -> Response | None:
            response = await original(request)
            if response is not None:
                taken.append(str(request.url))
            return response

        try:
            route.shortcut = counting
            shortcut = await _answers(client)
            route.shortcut = None
            declared = await _answers(client)
        finally:
            route.shortcut = original
    assert len(taken) == len(ANSWERED) - 2  # the last two raised (as the endpoint does): no response of their own
    for u, a, b in zip(ANSWERED + DECLARED, shortcut, declared, strict=True):
        assert a == b, u
    # An exclusion alone and U+FFFD alone are refused (422) by the search in both; bad q 422, other parameters
    # answered, unknown 400.
    assert [s for s, _, _ in shortcut] == [200] * 10 + [422] * 5 + [200, 200, 200, 400, 422]


async def test_search_pages_say_whether_the_total_was_counted(
    pg_templates: PgTemplates,  # noqa: F811 - the fixture imported above
) -> None:
    """``page.total_exact``: a 1–2 character term's total is counted; a phrase found in more units than the ranked
    window verifies is estimated from the window's share, and says so (through the shortcut and as declared)."""
    url = await small_corpus(pg_templates)
    settings = EgovSettings(database={"url": url}, cache={"enabled": False}, api={"rate_limit": {"enabled": False}})
    async with in_process_client(create_app(settings)) as client:
        counted = (await client.get("/v1/search?q=" + quote("債権"))).json()["page"]
        assert counted["total"] > 0
        assert counted["total_exact"] is True
        for extra in ("", "&limit=5"):  # the shortcut, then the declared endpoint
            estimated = (await client.get("/v1/search?q=" + quote("この法律") + extra)).json()["page"]
            assert estimated["total"] > 100  # more than the window of 100 verified candidates
            assert estimated["total_exact"] is False
        cases = (await client.get("/v1/search/cases?q=" + quote("損害賠償"))).json()["page"]
        assert cases["total_exact"] is True
        schema = (await client.get("/openapi.json")).json()["components"]["schemas"]
        assert "total_exact" in schema["SearchPageInfo"]["properties"]
