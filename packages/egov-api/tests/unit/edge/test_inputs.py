"""find_bad_input and client_address on raw ASGI scopes."""

from __future__ import annotations

import pytest

from egov_api.edge._asgi import client_address, parse_networks
from egov_api.edge.inputs import find_bad_input


def _scope(raw_path: bytes, query: bytes = b"", path: str | None = None) -> dict[str, object]:
    return {
        "type": "http",
        "path": path if path is not None else raw_path.decode("latin-1"),
        "raw_path": raw_path,
        "query_string": query,
        "headers": [],
    }


@pytest.mark.parametrize(
    ("raw_path", "query", "parameter"),
    [
        (b"/v1/laws/129AC0000000089/provisions/Article_709%00", b"", "path"),
        (b"/v1/laws/%FF", b"", "path"),
        (b"/v1/laws/a%0Ab", b"", "path"),
        (b"/v1/laws", b"title=%E6%B0%91%00", "title"),
        (b"/v1/laws", b"limit=1&title=%1b", "title"),
        (b"/v1/laws", b"q=%C3%28", "q"),
        (b"/v1/laws", b"q%00=1", "query"),
        (b"/v1/laws", b"q=\x7f", "q"),
    ],
)
def test_bad_input_is_found_and_named(raw_path: bytes, query: bytes, parameter: str) -> None:
    found = find_bad_input(_scope(raw_path, query))
    assert found is not None
    assert found[0] == parameter


@pytest.mark.parametrize(
    ("raw_path", "query"),
    [
        (b"/v1/laws/129AC0000000089/provisions/MainProvision-Article_709", b""),
        (b"/v1/search", b"q=%E6%95%85%E6%84%8F+%E9%81%8E%E5%A4%B1&limit=5"),
        (b"/v1/search", b"q=a%09b%0Ac"),  # tab / newline in pasted text
        (b"/v1/laws", b"flag&x="),
    ],
)
def test_clean_input_passes(raw_path: bytes, query: bytes) -> None:
    assert find_bad_input(_scope(raw_path, query)) is None


def test_a_nul_in_the_decoded_path_alone_is_found() -> None:
    # A server that gives no raw_path: the decoded path is checked.
    scope = _scope(b"/v1/x", path="/v1/x\x00")
    del scope["raw_path"]
    assert find_bad_input(scope) == ("path", "the path contains a control character")


def test_client_address_trusts_forwarded_for_only_from_proxies() -> None:
    proxies = parse_networks(["10.0.0.0/8", "127.0.0.1"])
    xff = [(b"x-forwarded-for", b"6.6.6.6, 198.51.100.7, 10.1.2.3")]
    behind = {"client": ("127.0.0.1", 5), "headers": xff}
    assert client_address(behind, proxies) == "198.51.100.7"  # nearest untrusted hop, not the forged first one
    direct = {"client": ("198.51.100.9", 5), "headers": xff}
    assert client_address(direct, proxies) == "198.51.100.9"
    assert client_address(behind, ()) == "127.0.0.1"
    garbage = {"client": ("127.0.0.1", 5), "headers": [(b"x-forwarded-for", b"not-an-ip")]}
    assert client_address(garbage, proxies) == "127.0.0.1"


async def test_the_egov_compatible_surface_answers_in_its_own_error_shape() -> None:
    import json

    from egov_api.edge.inputs import InputGate

    async def never(scope: object, receive: object, send: object) -> None:
        raise AssertionError("the request reached the app")

    sent: list[dict[str, object]] = []

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b""}

    scope = _scope(b"/api/2/laws", b"law_title=%00") | {"method": "GET", "scheme": "http", "server": None}
    await InputGate(never)(scope, receive, send)
    assert sent[0]["status"] == 400
    body = json.loads(sent[1]["body"])  # type: ignore[arg-type]
    assert body["code"] == "400002"
