"""HTTP entity-tag helpers (RFC 9110 §8.8.3, §13.1.2)."""

from __future__ import annotations

from egov_core.cache import strong_etag

__all__ = ["if_none_match", "strong_etag"]


def if_none_match(header: bytes, etag: bytes) -> bool:
    """Whether an ``If-None-Match`` header value matches ``etag`` (so the answer is ``304``).

    ``If-None-Match`` uses the weak comparison: ``W/"x"`` matches ``"x"``; ``*`` matches anything.

    Args:
        header: the raw request header value, e.g. ``b'"a", W/"b"'``.
        etag: the current entity tag, quotes included.
    """
    if header == etag:
        return True
    opaque = etag.removeprefix(b"W/")
    for candidate in header.split(b","):
        candidate = candidate.strip()
        if candidate == b"*" or candidate.removeprefix(b"W/") == opaque:
            return True
    return False
