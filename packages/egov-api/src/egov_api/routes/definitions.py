"""Defined terms (定義語): a law's definitions, and where a term is defined across the corpus."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from egov_api.routes._common import NO_NUL, AsOf, LawIdPath, RevisionId, mark_cacheable, pick_revision, provision_url
from egov_api.schemas.common import PROBLEM_RESPONSES, page_info
from egov_api.schemas.definitions import DefinedTerm, DefinitionList
from egov_api.schemas.law_examples import DEFINITIONS_EXAMPLE, TERM_EXAMPLE
from egov_api.state import Conn
from egov_core.store import DefinitionRow, find_definitions, list_definitions

router = APIRouter(prefix="/v1", tags=["definitions"], responses=PROBLEM_RESPONSES)

Term = Annotated[
    str | None,
    Query(min_length=1, max_length=60, pattern=NO_NUL, description="The defined term, exactly.", examples=["個人情報"]),
]


def defined_term(row: DefinitionRow) -> DefinedTerm:
    """API view of a stored definition."""
    return DefinedTerm(
        term=row.term,
        meaning=row.meaning,
        kind=row.kind,
        scope=row.scope,
        scope_path=row.scope_path,
        scope_note=row.scope_note,
        law_id=row.law_id,
        law_revision_id=row.law_revision_id,
        path=row.path,
        url=provision_url(row.law_id, row.path, row.law_revision_id),
    )


@router.get(
    "/laws/{law_id}/definitions",
    summary="A law's defined terms",
    description=(
        "The terms the law defines, in document order, extracted at import time from 定義 articles "
        "(「この法律において「X」とは、…をいう。」), definition lists (「次の各号に掲げる用語の意義は…」) and inline "
        "definitions (「（以下「X」という。）」), each with its scope. `term` looks one term up. Versioned like the "
        "text: `asof` / `revision` pick the revision."
    ),
    responses={200: {"content": {"application/json": {"example": DEFINITIONS_EXAMPLE}}}},
)
async def law_definitions_route(
    conn: Conn,
    response: Response,
    law_id: LawIdPath,
    term: Term = None,
    asof: AsOf = None,
    revision: RevisionId = None,
    limit: Annotated[int, Query(ge=1, le=500, description="Page size (max 500).")] = 100,
    offset: Annotated[int, Query(ge=0, le=100_000, description="Items to skip.")] = 0,
) -> DefinitionList:
    rev = await pick_revision(conn, law_id, asof, revision)
    rows, total = await list_definitions(conn, rev.id, term=term, limit=limit, offset=offset)
    mark_cacheable(response, "law", immutable=revision is not None)
    return DefinitionList(page=page_info(total, limit, offset, len(rows)), items=[defined_term(r) for r in rows])


@router.get(
    "/definitions",
    summary="Where a term is defined",
    description="Every law (current revision) that defines `term`, with the definition and its scope.",
    responses={200: {"content": {"application/json": {"example": TERM_EXAMPLE}}}},
)
async def find_definitions_route(
    conn: Conn,
    response: Response,
    term: Annotated[
        str,
        Query(
            min_length=1, max_length=60, pattern=NO_NUL, description="The defined term, exactly.", examples=["個人情報"]
        ),
    ],
    limit: Annotated[int, Query(ge=1, le=100, description="Page size (max 100).")] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000, description="Items to skip.")] = 0,
) -> DefinitionList:
    rows, total = await find_definitions(conn, term, limit=limit, offset=offset)
    mark_cacheable(response, "list")
    return DefinitionList(page=page_info(total, limit, offset, len(rows)), items=[defined_term(r) for r in rows])
