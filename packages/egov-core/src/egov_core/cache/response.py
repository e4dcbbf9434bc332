"""What the cache stores: kinds of cached data and pre-serialized responses.

A cached value is a finished HTTP answer (status, header pairs, body bytes) so that a hit is sent as
it is, with no model building and no JSON serialization on the hot path.
"""

from __future__ import annotations

import enum
import hashlib
import struct
from dataclasses import dataclass

from egov_core.errors import EgovError

__all__ = ["CacheFormatError", "CacheKind", "CachedResponse", "strong_etag"]

# Layout of a value in Redis: magic, status, header count, then length-prefixed names/values, then the body.
_MAGIC = b"EGC1"
_HEAD = struct.Struct("!4sHH")
_LEN = struct.Struct("!H")


class CacheFormatError(EgovError):
    """A value read from the L2 cache is not a cached response this version of egov wrote."""

    code = "cache-format-error"


class CacheKind(enum.StrEnum):
    """Kinds of cached data; each kind has its own TTL (see ``CacheSettings``).

    ``law``, ``provision``, ``structure`` and ``case`` use ``ttl_law``; ``search`` and ``citation`` use
    ``ttl_search``; ``list`` uses ``ttl_list``.
    """

    LAW = "law"
    PROVISION = "provision"
    STRUCTURE = "structure"
    CASE = "case"
    SEARCH = "search"
    CITATION = "citation"
    LIST = "list"


def strong_etag(body: bytes) -> bytes:
    """A strong entity tag for ``body``: the quoted hex of a 16-byte BLAKE2b digest.

    Args:
        body: the exact response bytes.

    Returns:
        The tag including its double quotes, e.g. ``b'"9f86d081884c7d659a2feaa0c55ad015"'``.
    """
    return b'"' + hashlib.blake2b(body, digest_size=16).hexdigest().encode("ascii") + b'"'


@dataclass(frozen=True, slots=True)
class CachedResponse:
    """A pre-serialized HTTP response.

    Attributes:
        status: the HTTP status code.
        body: the response body, exactly as sent.
        headers: ``(name, value)`` pairs as ASGI sends them (lower-case names, latin-1 bytes), including
            ``content-type``, ``content-length``, ``etag`` and ``cache-control`` when the producer set them.
    """

    status: int
    body: bytes
    headers: tuple[tuple[bytes, bytes], ...] = ()

    @property
    def size(self) -> int:
        """Approximate memory footprint in bytes, used to bound the L1 cache."""
        return len(self.body) + sum(len(n) + len(v) + 64 for n, v in self.headers) + 128

    @property
    def etag(self) -> bytes | None:
        """The ``etag`` header value, if any."""
        return self.header(b"etag")

    def header(self, name: bytes) -> bytes | None:
        """The first value of header ``name`` (lower-case), or ``None``."""
        for n, v in self.headers:
            if n == name:
                return v
        return None

    @classmethod
    def build(
        cls, body: bytes, *, content_type: bytes, max_age: int, immutable: bool = False, status: int = 200
    ) -> CachedResponse:
        """A response with ``content-type``, ``content-length``, a strong ``etag`` and ``cache-control``.

        Args:
            body: the serialized body.
            content_type: e.g. ``b"application/json"``.
            max_age: seconds for ``Cache-Control: public, max-age=...``.
            immutable: add ``immutable`` (the URL names a fixed revision).
            status: the HTTP status code.
        """
        cache_control = b"public, max-age=%d" % max_age + (b", immutable" if immutable else b"")
        headers = (
            (b"content-type", content_type),
            (b"content-length", str(len(body)).encode("ascii")),
            (b"etag", strong_etag(body)),
            (b"cache-control", cache_control),
        )
        return cls(status=status, body=body, headers=headers)

    def to_bytes(self) -> bytes:
        """Serialize for the L2 cache (inverse of :meth:`from_bytes`)."""
        parts = [_HEAD.pack(_MAGIC, self.status, len(self.headers))]
        for name, value in self.headers:
            parts += [_LEN.pack(len(name)), name, _LEN.pack(len(value)), value]
        parts.append(self.body)
        return b"".join(parts)

    @classmethod
    def from_bytes(cls, data: bytes) -> CachedResponse:
        """Read a value written by :meth:`to_bytes`.

        Raises:
            CacheFormatError: the bytes are not a cached response.
        """
        try:
            magic, status, count = _HEAD.unpack_from(data, 0)
            if magic != _MAGIC:
                raise CacheFormatError("not an egov cached response")
            pos = _HEAD.size
            headers: list[tuple[bytes, bytes]] = []
            for _ in range(count):
                pair: list[bytes] = []
                for _part in range(2):
                    (length,) = _LEN.unpack_from(data, pos)
                    pos += _LEN.size
                    if pos + length > len(data):
                        raise CacheFormatError("truncated cached response")
                    pair.append(bytes(data[pos : pos + length]))
                    pos += length
                headers.append((pair[0], pair[1]))
        except struct.error as exc:
            raise CacheFormatError(f"truncated cached response: {exc}") from exc
        return cls(status=status, body=bytes(data[pos:]), headers=tuple(headers))
