"""The edge over a real Granian server: headers, redirects, metric labels, input hygiene, keys, quotas, CORS."""

from __future__ import annotations

import re
import secrets
import socket
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from .conftest import ANON_QUOTA, OPS_TOKEN

pytestmark = pytest.mark.integration

PROBLEM = "application/problem+json"
OPS = {"authorization": f"Bearer {OPS_TOKEN}"}


def _client_ip() -> str:
    """A fresh client address (the server trusts X-Forwarded-For from 127.0.0.1): a quota of its own."""
    return f"203.0.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"


def _as(ip: str) -> dict[str, str]:
    return {"x-forwarded-for": ip}


def _problem(r: httpx.Response, status: int, code: str) -> dict[str, object]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    body: dict[str, object] = r.json()
    assert body["type"] == f"/problems/{code}"
    return body


@pytest.fixture(scope="module")
def api(edge_server: str, keys: dict[str, str]) -> Iterator[httpx.Client]:
    """A client with a key whose quota no test reaches."""
    auth = {"authorization": f"Bearer {keys['big']}"}
    with httpx.Client(base_url=edge_server, timeout=30, headers=auth) as client:
        yield client


@pytest.mark.parametrize(
    ("path", "status"), [("/health", 200), ("/v1/laws", 200), ("/v1/nothing", 404), ("/v1/laws?limit=x", 422)]
)
def test_security_headers_on_every_response(api: httpx.Client, path: str, status: int) -> None:
    r = api.get(path)
    assert r.status_code == status
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert "strict-transport-security" not in r.headers  # plain HTTP


def test_docs_get_a_policy_that_loads_swagger(api: httpx.Client) -> None:
    r = api.get("/docs")
    assert r.status_code == 200
    assert "https://cdn.jsdelivr.net" in r.headers["content-security-policy"]


def test_trailing_slash_never_redirects_to_the_host_header(api: httpx.Client) -> None:
    r = api.get("/v1/laws/", headers={"host": "evil.example"})
    assert r.status_code == 404
    assert "location" not in r.headers


def test_metrics_and_readiness_details_need_the_ops_token(api: httpx.Client) -> None:
    _problem(api.get("/metrics"), 404, "not-found")
    _problem(api.get("/metrics", headers={"authorization": "Bearer wrong"}), 404, "not-found")
    assert api.get("/metrics", headers=OPS).status_code == 200
    public = api.get("/health/ready").json()
    assert public["status"] == "ready"
    assert public.get("database") is None
    assert public.get("cache") is None
    detailed = api.get("/health/ready", headers=OPS).json()
    assert detailed["database"]["at_head"] is True


def test_metric_labels_stay_bounded_under_invented_methods(edge_server: str, api: httpx.Client) -> None:
    host = urlsplit(edge_server)
    for i in range(30):
        with socket.create_connection((host.hostname, host.port), timeout=5) as sock:
            sock.sendall(f"FOO{i}X /v1/laws/x{i}/y HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n".encode())
            while sock.recv(65536):
                pass
    text = api.get("/metrics", headers=OPS).text
    methods = set(re.findall(r'egov_http_requests_total\{method="([^"]+)"', text))
    assert methods <= {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "OTHER"}
    assert "OTHER" in methods
    assert "x29" not in text


def _routes(api: httpx.Client) -> list[tuple[str, str, list[str], list[str]]]:
    """(method, path template, path parameters, query parameters) of every documented route."""
    spec = api.get("/openapi.json").json()
    out = []
    for template, ops in spec["paths"].items():
        for method, op in ops.items():
            params = op.get("parameters", [])
            out.append(
                (
                    method.upper(),
                    template,
                    [p["name"] for p in params if p["in"] == "path"],
                    [p["name"] for p in params if p["in"] == "query"],
                )
            )
    return out


def _refused(r: httpx.Response, parameter: str) -> None:
    if r.request.url.path.startswith("/api/"):  # the e-Gov-compatible surfaces answer in e-Gov's error shape
        assert r.status_code == 400, r.text
        assert r.json()["code"] == "400002"
        return
    body = _problem(r, 422, "invalid-input")
    assert body["parameter"] == parameter


@pytest.mark.parametrize("bad", ["%00", "%01", "%1B", "%7F", "%FF", "%C3%28"])
def test_control_characters_and_bad_utf8_are_422_on_every_route_and_parameter(api: httpx.Client, bad: str) -> None:
    checked = 0
    for method, template, path_params, query_params in _routes(api):
        good = dict.fromkeys(path_params, "x")
        for name in path_params:
            url = template.format(**(good | {name: "A" + bad}))
            _refused(api.request(method, url), "path")
            checked += 1
        for name in query_params:
            url = template.format(**good) + f"?{name}=a{bad}b"
            _refused(api.request(method, url), name)
            checked += 1
    assert checked > 40


def test_a_burst_gets_429_with_ratelimit_headers(edge_server: str) -> None:
    ip = _client_ip()
    with httpx.Client(base_url=edge_server, timeout=30, headers=_as(ip)) as client:
        answers = [client.get("/v1/laws") for _ in range(ANON_QUOTA + 2)]
    for i, r in enumerate(answers[:ANON_QUOTA]):
        assert r.status_code == 200
        assert r.headers["ratelimit-policy"] == f'"default";q={ANON_QUOTA};w=60'
        assert re.fullmatch(rf'"default";r={ANON_QUOTA - 1 - i};t=\d+', r.headers["ratelimit"])
    for r in answers[ANON_QUOTA:]:
        _problem(r, 429, "rate-limited")
        assert 1 <= int(r.headers["retry-after"]) <= 60
        assert r.headers["ratelimit"].startswith('"default";r=0;')
        assert r.headers["x-content-type-options"] == "nosniff"
    # Another client is not affected, nor is liveness.
    with httpx.Client(base_url=edge_server, timeout=30) as client:
        assert client.get("/v1/laws", headers=_as(_client_ip())).status_code == 200
        assert client.get("/health", headers=_as(ip)).status_code == 200


def test_a_key_has_its_own_quota(edge_server: str, keys: dict[str, str]) -> None:
    ip = _client_ip()
    with httpx.Client(base_url=edge_server, timeout=30, headers=_as(ip) | {"x-api-key": keys["small"]}) as client:
        answers = [client.get("/v1/laws").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    # The address behind the key still has its anonymous quota.
    assert (
        httpx.get(edge_server + "/v1/laws", headers=_as(ip))
        .headers["ratelimit-policy"]
        .endswith(f"q={ANON_QUOTA};w=60")
    )


@pytest.mark.parametrize("which", ["revoked", "malformed", "unknown", "wrong-secret"])
def test_an_invalid_key_is_401(edge_server: str, keys: dict[str, str], which: str) -> None:
    key = {
        "revoked": keys["revoked"],
        "malformed": "nope",
        "unknown": "egov_000000000000_" + "a" * 43,
        "wrong-secret": keys["big"][:-4] + "AAAA",
    }[which]
    r = httpx.get(edge_server + "/v1/laws", headers=_as(_client_ip()) | {"authorization": f"Bearer {key}"})
    _problem(r, 401, "api-key-invalid")
    assert r.headers["www-authenticate"].startswith("Bearer")


def test_cors_only_for_the_allowlist(edge_server: str) -> None:
    ok = httpx.options(
        edge_server + "/v1/laws",
        headers={"origin": "https://app.example", "access-control-request-method": "GET"},
    )
    assert ok.headers["access-control-allow-origin"] == "https://app.example"
    r = httpx.get(edge_server + "/v1/laws", headers=_as(_client_ip()) | {"origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers
    r = httpx.get(edge_server + "/v1/laws", headers=_as(_client_ip()) | {"origin": "https://app.example"})
    assert "RateLimit" in r.headers["access-control-expose-headers"]


@pytest.mark.parametrize(
    "body",
    [
        {"text": "民法第七百九条\u0000"},
        {"text": "民法第七百九条", "context": {"law_id": "129AC\u0000"}},
        {"text": "同法第一条", "context": {"law_id": "129AC0000000089", "path": "Article_1\u0000"}},
    ],
)
def test_nul_in_a_json_body_is_422(api: httpx.Client, body: dict[str, object]) -> None:
    _problem(api.post("/v1/citations", json=body), 422, "request-validation")


def test_body_too_large_is_answered_while_the_client_still_sends(edge_server: str) -> None:
    """A client that is still uploading when the 413 is decided reads the 413, not a connection reset: the
    server reads the rest of the body (thrown away) before it closes. Under load, the MCP fault row's 2 MB
    body used to end in "connection reset"; a slow sender shows the same every time."""
    host, port = edge_server.removeprefix("http://").split(":")
    body = b"x" * 2_000_000
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        head = (
            f"POST /v1/citations HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            "X-Forwarded-For: 198.51.100.77\r\n"  # a client of its own: the others' quota is not this one's
        )
        sock.sendall(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body[:200_000])
        time.sleep(0.5)  # the server has decided by now (from Content-Length)
        sock.sendall(body[200_000:])
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
