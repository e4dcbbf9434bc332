"""Small ASGI helpers the edge layers share: header lookup, the client's address, sending a problem."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from typing import Any

from starlette.types import Receive, Scope, Send

from egov_api.problems import problem_response

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def header(scope: Scope, name: bytes) -> bytes | None:
    """The first value of request header ``name`` (lower-case bytes), or None."""
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None


def parse_networks(entries: Sequence[str]) -> tuple[Network, ...]:
    """``["10.0.0.0/8", "127.0.0.1"]`` as networks (a bare address is a /32 or /128)."""
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _trusted(address: str, proxies: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in proxies)


def client_address(scope: Scope, proxies: tuple[Network, ...]) -> str:
    """The client's address: the TCP peer, or — when the peer is a trusted proxy — the nearest untrusted
    address of ``X-Forwarded-For`` (read from the right: entries left of a trusted hop are the client's own
    claims and could be forged)."""
    peer = scope.get("client")
    address = str(peer[0]) if peer else "unknown"
    if not proxies or not _trusted(address, proxies):
        return address
    forwarded = header(scope, b"x-forwarded-for")
    if not forwarded:
        return address
    for hop in reversed(forwarded.decode("latin-1").split(",")):
        hop = hop.strip()
        if not hop:
            continue
        if not _trusted(hop, proxies):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return address  # garbage from a client behind the proxy: fall back to the proxy itself
    return address


async def send_problem(
    scope: Scope,
    receive: Receive,
    send: Send,
    code: str,
    detail: str,
    *,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> None:
    """Answer the request with a problem+json response."""
    response = problem_response(code, detail, instance=scope.get("path"), headers=headers, **extra)
    await response(scope, receive, send)
