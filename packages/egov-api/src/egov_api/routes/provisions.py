"""Provisions: by e-Gov elm path, or an article by number in any form people type."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from egov_api.problems import ParameterError
from egov_api.routes._common import (
    CACHE_KIND_HEADER,
    AsOf,
    LawIdPath,
    RevisionId,
    format_provision_text,
    mark_cacheable,
    pick_revision,
    provision_url,
)
from egov_api.routes._shortcut import ShortcutRoute, json_response, shortcut
from egov_api.routes.definitions import defined_term
from egov_api.schemas.common import PROBLEM_RESPONSES
from egov_api.schemas.provisions import Provision, ProvisionChild, ProvisionRef
from egov_api.state import Conn, get_state
from egov_core.errors import InvalidNumeralError, InvalidProvisionPathError, ProvisionNotFoundError
from egov_core.numerals import parse_article_number
from egov_core.paths import path_candidates
from egov_core.store import (
    Connection,
    ProvisionContext,
    ProvisionRow,
    RevisionRow,
    current_provision_context,
    definitions_in_scope,
    get_neighbours,
    get_subtree,
)

router = APIRouter(prefix="/v1/laws", tags=["provisions"], responses=PROBLEM_RESPONSES, route_class=ShortcutRoute)

Expand = Annotated[
    list[Literal["definitions"]] | None,
    Query(description="`definitions`: add the defined terms the provision uses, with their definitions."),
]


def _ref(law_id: str, row: ProvisionRow | None, pin: str | None) -> ProvisionRef | None:
    if row is None:
        return None
    return ProvisionRef(
        path=row.path, kind=row.kind, title=row.title, caption=row.caption, url=provision_url(law_id, row.path, pin)
    )


async def provision_view(
    conn: Connection, law_id: str, rev: RevisionRow, path: str, *, pinned: bool, expand: Expand = None
) -> Provision:
    """The full API view of one provision (text, children, parent / previous / next; definitions on request)."""
    subtree = await get_subtree(conn, rev.id, path)  # the provision itself comes first
    parent, prev, nxt = await get_neighbours(conn, subtree[0])
    return await _view(conn, law_id, ProvisionContext(rev, subtree, parent, prev, nxt), pinned=pinned, expand=expand)


async def current_provision_view(
    conn: Connection, law_id: str, path: str, *, expand: Expand = None
) -> Provision | None:
    """:func:`provision_view` of the law's current revision in one round trip (the common, unpinned read);
    None when the law or the provision is missing (:func:`provision_view` then says which)."""
    context = await current_provision_context(conn, law_id, path)
    return None if context is None else await _view(conn, law_id, context, pinned=False, expand=expand)


async def _view(conn: Connection, law_id: str, context: ProvisionContext, *, pinned: bool, expand: Expand) -> Provision:
    rev, subtree = context.revision, context.subtree
    parent, prev, nxt = context.parent, context.previous, context.next
    row = subtree[0]
    pin = rev.law_revision_id if pinned else None
    children: list[ProvisionChild] = []
    for i, child in enumerate(subtree):
        if child.parent_path != row.path or i == 0:
            continue
        rest = [c for c in subtree if c.position >= child.position]
        own = [rest[0]]
        for c in rest[1:]:
            if c.depth <= child.depth:
                break
            own.append(c)
        children.append(
            ProvisionChild(
                path=child.path,
                kind=child.kind,
                num=child.num,
                title=child.title,
                caption=child.caption,
                text=child.text,
                full_text=format_provision_text(own),
                url=provision_url(law_id, child.path, pin),
            )
        )
    full_text = format_provision_text(subtree)
    definitions = None
    if expand and "definitions" in expand:
        definitions = [defined_term(d) for d in await definitions_in_scope(conn, rev.id, row.path, full_text)]
    return Provision(
        law_id=law_id,
        law_title=rev.law_title,
        law_revision_id=rev.law_revision_id,
        path=row.path,
        kind=row.kind,
        num=row.num,
        title=row.title,
        caption=row.caption,
        text=row.text,
        full_text=full_text,
        children=children,
        parent=_ref(law_id, parent, pin),
        previous=_ref(law_id, prev, pin),
        next=_ref(law_id, nxt, pin),
        url=provision_url(law_id, row.path, pin),
        definitions=definitions,
    )


# What the shortcuts take without asking FastAPI: LawIdPath's bounds and pattern, the path parameters' lengths.
_LAW_ID = re.compile(r"[0-9A-Za-z_]{3,40}")
_CACHE_LAW = {CACHE_KIND_HEADER.encode("ascii"): b"law"}


async def _current(request: Request, law_id: str, paths: Sequence[str]) -> Response | None:
    """The first of ``paths`` in the law's current revision, as the routes below answer it; None on a miss."""
    database = get_state(request).database
    assert database is not None, "lifespan not started"
    async with database.read() as conn:
        for path in paths:
            view = await current_provision_view(conn, law_id, path)
            if view is not None:
                return json_response(view, _CACHE_LAW)
    return None


async def _provision_shortcut(request: Request) -> Response | None:
    """``GET /v1/laws/{law_id}/provisions/{path}`` without a query string (see :mod:`egov_api.routes._shortcut`)."""
    law_id, path = request.path_params["law_id"], request.path_params["path"]
    if request.scope["query_string"] or not _LAW_ID.fullmatch(law_id) or len(path) > 300:
        return None
    try:
        candidates = path_candidates(path)
    except InvalidProvisionPathError:
        return None
    return await _current(request, law_id, candidates)


async def _article_shortcut(request: Request) -> Response | None:
    """``GET /v1/laws/{law_id}/articles/{number}`` without a query string (see :mod:`egov_api.routes._shortcut`)."""
    law_id, number = request.path_params["law_id"], request.path_params["number"]
    if request.scope["query_string"] or not _LAW_ID.fullmatch(law_id) or len(number) > 40:
        return None
    try:
        num = parse_article_number(number)
    except InvalidNumeralError:
        return None
    return await _current(request, law_id, (f"MainProvision-Article_{num}",))


@router.get(
    "/{law_id}/provisions/{path}",
    summary="A provision by path",
    description=(
        "Any provision by its e-Gov 法令API v2 `elm`-compatible path: `MainProvision-Article_709`, "
        "`Article_709-Paragraph_1-Item_2` (MainProvision implied), `SupplProvision[1]-Article_3`, `AppdxTable[1]`, "
        "`MainProvision-Part_3-Chapter_5`. 枝番 as `Article_12_2`."
    ),
)
@shortcut(_provision_shortcut)
async def get_provision_route(
    conn: Conn,
    response: Response,
    law_id: LawIdPath,
    path: Annotated[
        str, Path(max_length=300, description="elm-compatible provision path.", examples=["Article_709-Paragraph_1"])
    ],
    asof: AsOf = None,
    revision: RevisionId = None,
    expand: Expand = None,
) -> Provision:
    try:
        candidates = path_candidates(path)
    except InvalidProvisionPathError as exc:
        raise ParameterError("path", exc.message, code="invalid-provision-path") from exc
    if asof is None and revision is None:
        for candidate in candidates:
            if (found := await current_provision_view(conn, law_id, candidate, expand=expand)) is not None:
                mark_cacheable(response, "law")
                return found
    rev = await pick_revision(conn, law_id, asof, revision)
    for candidate in candidates:
        try:
            view = await provision_view(conn, law_id, rev, candidate, pinned=revision is not None, expand=expand)
        except ProvisionNotFoundError:
            continue
        mark_cacheable(response, "law", immutable=revision is not None)
        return view
    raise ProvisionNotFoundError(f"law {law_id} ({rev.law_revision_id}) has no provision at {candidates[0]!r}")


@router.get(
    "/{law_id}/articles/{number}",
    summary="An article by number",
    description=(
        "An article by its number in any common form: `709`, `七百九`, `第七百九条`, `709の2`, `709-2`, full-width "
        "`７０９`. Narrow to a paragraph (項) and item (号) with `paragraph` / `item`; `suppl=N` reads the article "
        "of the N-th 附則 instead of the main provision."
    ),
)
@shortcut(_article_shortcut)
async def get_article_route(
    conn: Conn,
    response: Response,
    law_id: LawIdPath,
    number: Annotated[str, Path(max_length=40, description="Article number in any form.", examples=["709"])],
    paragraph: Annotated[int | None, Query(ge=1, le=999, description="項 number.")] = None,
    item: Annotated[str | None, Query(max_length=20, description="号 number (一, 1, 2の2 …).")] = None,
    suppl: Annotated[int | None, Query(ge=1, le=9999, description="Read from the N-th 附則.")] = None,
    asof: AsOf = None,
    revision: RevisionId = None,
    expand: Expand = None,
) -> Provision:
    try:
        num = parse_article_number(number)
    except InvalidNumeralError as exc:
        raise ParameterError("number", f"not an article number: {number!r} ({exc.message})") from exc
    path = ("MainProvision" if suppl is None else f"SupplProvision[{suppl}]") + f"-Article_{num}"
    if paragraph is not None:
        path += f"-Paragraph_{paragraph}"
    if item is not None:
        try:
            item_num = parse_article_number(item)
        except InvalidNumeralError as exc:
            raise ParameterError("item", f"not an item number: {item!r}") from exc
        if paragraph is None:
            path += "-Paragraph_1"
        path += f"-Item_{item_num}"
    if asof is None and revision is None:
        found = await current_provision_view(conn, law_id, path, expand=expand)
        if found is not None:
            mark_cacheable(response, "law")
            return found
    rev = await pick_revision(conn, law_id, asof, revision)
    try:
        view = await provision_view(conn, law_id, rev, path, pinned=revision is not None, expand=expand)
    except ProvisionNotFoundError as exc:
        raise ProvisionNotFoundError(f"law {law_id} ({rev.law_revision_id}) has no {path!r}") from exc
    mark_cacheable(response, "law", immutable=revision is not None)
    return view
