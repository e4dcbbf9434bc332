"""CachedResponse: headers, ETag and the L2 byte format."""

from __future__ import annotations

import pytest

from egov_core.cache import CachedResponse, CacheFormatError, strong_etag


def test_build_sets_the_http_headers(law_body: bytes, law_response: CachedResponse) -> None:
    assert law_response.status == 200
    assert law_response.header(b"content-type") == b"application/json"
    assert law_response.header(b"content-length") == str(len(law_body)).encode()
    assert law_response.header(b"cache-control") == b"public, max-age=86400"
    assert law_response.etag == strong_etag(law_body)
    assert law_response.header(b"x-missing") is None


def test_immutable_cache_control(law_body: bytes) -> None:
    response = CachedResponse.build(law_body, content_type=b"application/json", max_age=60, immutable=True)
    assert response.header(b"cache-control") == b"public, max-age=60, immutable"


def test_strong_etag_is_quoted_and_content_addressed(law_body: bytes) -> None:
    tag = strong_etag(law_body)
    assert tag.startswith(b'"')
    assert tag.endswith(b'"')
    assert len(tag) == 34
    assert strong_etag(law_body) == tag
    assert strong_etag(law_body + b" ") != tag


def test_round_trip_through_bytes(law_response: CachedResponse) -> None:
    assert CachedResponse.from_bytes(law_response.to_bytes()) == law_response
    empty = CachedResponse(status=204, body=b"")
    assert CachedResponse.from_bytes(empty.to_bytes()) == empty


@pytest.mark.parametrize("data", [b"", b"nope", b"XXXX\x00\xc8\x00\x00body"])
def test_foreign_bytes_are_rejected(data: bytes) -> None:
    with pytest.raises(CacheFormatError):
        CachedResponse.from_bytes(data)


def test_truncated_headers_are_rejected(law_response: CachedResponse) -> None:
    data = law_response.to_bytes()
    with pytest.raises(CacheFormatError):
        CachedResponse.from_bytes(data[:20])
