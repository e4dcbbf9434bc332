"""Every error path answers with problem+json: stable type, status, helpful detail, no internals."""

from __future__ import annotations

import httpx
import pytest

PROBLEM = "application/problem+json"


def _problem(r: httpx.Response, status: int, type_: str) -> dict[str, object]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    body = r.json()
    assert body["type"] == type_
    assert body["status"] == status
    assert isinstance(body["detail"], str)
    assert body["detail"]
    text = r.text.lower()
    for leak in ("traceback", "select ", "sqlalchemy", "asyncpg", "/work/", "site-packages"):
        assert leak not in text
    return body


def test_unknown_law(http: httpx.Client) -> None:
    body = _problem(http.get("/v1/laws/999AC0000000999"), 404, "/problems/law-not-found")
    assert "999AC0000000999" in str(body["detail"])


def test_unknown_provision(http: httpx.Client) -> None:
    _problem(http.get("/v1/laws/129AC0000000089/articles/99999"), 404, "/problems/provision-not-found")


def test_bad_article_number_names_the_parameter(http: httpx.Client) -> None:
    body = _problem(http.get("/v1/laws/129AC0000000089/articles/abc"), 422, "/problems/invalid-parameter")
    assert body["parameter"] == "number"


def test_bad_path(http: httpx.Client) -> None:
    body = _problem(http.get("/v1/laws/129AC0000000089/provisions/Article_"), 422, "/problems/invalid-provision-path")
    assert body["parameter"] == "path"


def test_validation_error_names_parameter(http: httpx.Client) -> None:
    body = _problem(http.get("/v1/laws", params={"limit": 1000}), 422, "/problems/request-validation")
    assert body["parameter"] == "limit"


def test_query_too_long(http: httpx.Client) -> None:
    body = _problem(http.get("/v1/search", params={"q": "税" * 500}), 422, "/problems/request-validation")
    assert body["parameter"] == "q"


def test_unknown_route(http: httpx.Client) -> None:
    _problem(http.get("/v1/nothing-here"), 404, "/problems/not-found")


def test_method_not_allowed(http: httpx.Client) -> None:
    _problem(http.delete("/v1/laws"), 405, "/problems/method-not-allowed")


def test_body_too_large(server: str) -> None:
    # A client of its own: the server closes the connection instead of reading a 2 MB body it refused.
    with httpx.Client(base_url=server, timeout=30) as client:
        r = client.post("/v1/citations", content=b"x" * 2_000_000, headers={"content-type": "application/json"})
    _problem(r, 413, "/problems/payload-too-large")
    assert r.headers.get("connection") == "close"


def test_unknown_revision(http: httpx.Client) -> None:
    _problem(http.get("/v1/laws/129AC0000000089", params={"revision": "nope"}), 404, "/problems/revision-not-found")


@pytest.mark.parametrize("q", ["民法第九千九百九十九条", "存在しない法律第三条"])
def test_unresolvable_citation_is_200_not_found(http: httpx.Client, q: str) -> None:
    r = http.get("/v1/resolve", params={"q": q})
    assert r.status_code == 200
    assert r.json()["resolution"]["status"] == "not_found"


@pytest.mark.parametrize(
    ("path", "param"),
    [("/v1/search", "q"), ("/v1/laws", "title"), ("/v1/cases", "court"), ("/v1/search/cases", "q")],
)
def test_nul_in_free_text_is_422_not_500(http: httpx.Client, path: str, param: str) -> None:
    # PostgreSQL text cannot hold U+0000; schemathesis found this as a 500 once.
    r = http.get(path, params={param: "民法\x00"})
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
