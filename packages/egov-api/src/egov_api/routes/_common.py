"""Helpers shared by the route modules: revision selection, URLs, cache marking, text formatting."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Path, Query, Response
from pydantic import StringConstraints

from egov_api.problems import ParameterError
from egov_core.errors import InvalidProvisionPathError, ProvisionNotFoundError
from egov_core.paths import path_candidates
from egov_core.rendering import format_provision_text
from egov_core.store import Connection, RevisionRow, get_provision, resolve_revision

__all__ = ["format_provision_text"]  # re-exported for the route modules; it lives with the other renderer

#: Header a route sets to tell the cache layer how to cache its 200 response (stripped before sending).
CACHE_KIND_HEADER = "x-egov-cache-kind"

#: Free-text query values: anything but U+0000, which PostgreSQL text cannot hold (it surfaced as a 500).
NO_NUL = r"^[^\x00]*$"
#: One item of a repeatable free-text query parameter (``?category=a&category=b``), U+0000 rejected.
FreeText = Annotated[str, StringConstraints(pattern=NO_NUL)]


def query_text(description: str, example: str) -> Any:
    """The ``q`` parameter of a search route (``Annotated[str, query_text(...)]``): 1–200 characters, no U+0000."""
    return Query(min_length=1, max_length=200, pattern=NO_NUL, description=description, examples=[example])


AsOf = Annotated[
    date | None,
    Query(
        description="Serve the revision in force on this date (YYYY-MM-DD) instead of the current one.",
        examples=["2020-04-01"],
    ),
]
RevisionId = Annotated[
    str | None,
    Query(
        alias="revision",
        description="Serve this exact revision (law_revision_id); its URLs are immutable.",
        max_length=64,
        pattern=r"^[0-9A-Za-z_]+$",
        examples=["405AC0000000047_20230703_505AC0000000051"],
    ),
]
LawIdPath = Annotated[
    str,
    Path(
        description="e-Gov 法令ID.",
        min_length=3,
        max_length=40,
        pattern=r"^[0-9A-Za-z_]+$",
        examples=["129AC0000000089"],
    ),
]


def mark_cacheable(response: Response, kind: str, *, immutable: bool = False) -> None:
    """Let the cache layer store this response (``kind``: law, search or list)."""
    response.headers[CACHE_KIND_HEADER] = f"{kind}-immutable" if immutable else kind


async def pick_revision(conn: Connection, law_id: str, asof: date | None, revision: str | None) -> RevisionRow:
    """The revision a request asks for (explicit id, asof date, or current)."""
    return await resolve_revision(conn, law_id, asof=asof, revision_id=revision)


#: What ``quote()`` leaves as it is (its always-safe characters and ``/``): law ids and most paths, every time.
_QUOTE_KEEPS = re.compile(r"[A-Za-z0-9_.~/-]*")


def _quote(part: str) -> str:
    # A search page builds 40 URLs: the check costs half of quote() (0.7 against 1.4 µs) when quote() would
    # return the string unchanged, as for law ids and most paths (附則 paths such as SupplProvision[1] still go
    # through it).
    return part if _QUOTE_KEEPS.fullmatch(part) else quote(part)


def law_url(law_id: str) -> str:
    """URL of a law resource."""
    return f"/v1/laws/{_quote(law_id)}"


def provision_url(law_id: str, path: str, revision: str | None = None) -> str:
    """URL of a provision (pinned to a revision when given)."""
    base = f"/v1/laws/{_quote(law_id)}/provisions/{_quote(path)}"
    return f"{base}?revision={_quote(revision)}" if revision else base


def revision_query(revision: RevisionRow, pinned: bool) -> str | None:
    """The revision id to pin in links, when the request pinned one."""
    return revision.law_revision_id if pinned else None


async def stored_path(conn: Connection, law_id: str, rev: RevisionRow, path: str, *, parameter: str = "path") -> str:
    """The stored path a user-supplied provision path names in ``rev`` (``Article_5`` → ``MainProvision-Article_5``).

    Raises:
        ParameterError: not valid ``elm`` syntax (named ``parameter``).
        ProvisionNotFoundError: no such provision in the revision.
    """
    try:
        candidates = path_candidates(path)
    except InvalidProvisionPathError as exc:
        raise ParameterError(parameter, exc.message, code="invalid-provision-path") from exc
    for candidate in candidates:
        try:
            return (await get_provision(conn, rev.id, candidate)).path
        except ProvisionNotFoundError:
            continue
    raise ProvisionNotFoundError(f"law {law_id} ({rev.law_revision_id}) has no provision at {candidates[0]!r}")
