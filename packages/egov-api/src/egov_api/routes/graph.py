"""The statute citation graph: a provision's references, what cites it (statutes and decisions), a law's degree."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Response

from egov_api.routes._common import (
    AsOf,
    LawIdPath,
    RevisionId,
    mark_cacheable,
    pick_revision,
    provision_url,
    stored_path,
)
from egov_api.schemas.common import PROBLEM_RESPONSES, page_info
from egov_api.schemas.graph import Citation, CitationList, CitedByList, CitingSource, LawGraph
from egov_api.schemas.graph_examples import CITATIONS_EXAMPLE, CITED_BY_EXAMPLE, LAW_GRAPH_EXAMPLE
from egov_api.state import Conn
from egov_core.store import cited_by, get_law, law_degree, outgoing_edges

router = APIRouter(prefix="/v1/laws", tags=["graph"], responses=PROBLEM_RESPONSES)

ProvisionPath = Annotated[
    str, Path(max_length=300, description="elm-compatible provision path.", examples=["Article_3"])
]
Kind = Annotated[
    Literal["cites", "delegates"] | None,
    Query(description="Only references of this kind: cites, or delegates (政令 / 省令で定める …)."),
]
Limit = Annotated[int, Query(ge=1, le=500, description="Page size (max 500).")]
Offset = Annotated[int, Query(ge=0, le=100_000, description="Items to skip.")]


@router.get(
    "/{law_id}/provisions/{path}/citations",
    summary="What a provision cites",
    description=(
        "Every reference in the text of the provision and the provisions inside it, in document order, as the "
        "citation graph stored it at import time: 「第○条」「前条」「前項」「同項」「○○法第○条」「同法」, ranges, lists, "
        "附則 references, each resolved in its own context (or kept with a `reason`), and delegations "
        "(「政令で定める」 → the law's 施行令 where stored, and its provision taking the delegation up where one "
        "cites this one). `asof` / `revision` pick the revision."
    ),
    responses={200: {"content": {"application/json": {"example": CITATIONS_EXAMPLE}}}},
)
async def provision_citations_route(
    conn: Conn,
    response: Response,
    law_id: LawIdPath,
    path: ProvisionPath,
    kind: Kind = None,
    asof: AsOf = None,
    revision: RevisionId = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> CitationList:
    rev = await pick_revision(conn, law_id, asof, revision)
    stored = await stored_path(conn, law_id, rev, path)
    rows, total = await outgoing_edges(conn, rev.id, stored, kind=kind, limit=limit, offset=offset)
    items = [
        Citation.model_validate(
            {
                **asdict(r),
                "url": provision_url(r.target_law_id, r.target_path) if r.target_law_id and r.target_path else None,
            }
        )
        for r in rows
    ]
    mark_cacheable(response, "law", immutable=revision is not None)
    return CitationList(
        law_id=law_id,
        law_revision_id=rev.law_revision_id,
        path=stored,
        page=page_info(total, limit, offset, len(items)),
        items=items,
    )


@router.get(
    "/{law_id}/provisions/{path}/cited-by",
    summary="What cites a provision",
    description=(
        "Provisions of every law's current revision whose text refers to this provision (or one inside it), then "
        "court decisions whose 参照法条 cite it. `kind` keeps cites or delegates, `source` statutes or decisions."
    ),
    responses={200: {"content": {"application/json": {"example": CITED_BY_EXAMPLE}}}},
)
async def provision_cited_by_route(
    conn: Conn,
    response: Response,
    law_id: LawIdPath,
    path: ProvisionPath,
    kind: Kind = None,
    source: Annotated[
        Literal["statute", "decision"] | None, Query(description="Only statutes, or only court decisions.")
    ] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> CitedByList:
    rev = await pick_revision(conn, law_id, None, None)
    stored = await stored_path(conn, law_id, rev, path)
    rows, total = await cited_by(conn, law_id, stored, kind=kind, source=source, limit=limit, offset=offset)
    items = [
        CitingSource.model_validate(
            {
                **asdict(r),
                "url": provision_url(r.law_id, r.path)
                if r.law_id and r.path
                else f"/v1/cases/{quote(r.lawsuit_id or '')}",
            }
        )
        for r in rows
    ]
    mark_cacheable(response, "law")
    return CitedByList(law_id=law_id, path=stored, page=page_info(total, limit, offset, len(items)), items=items)


@router.get(
    "/{law_id}/graph",
    summary="A law's citation degree",
    description=(
        "How many references the law's text makes (resolved, to how many other laws, how many delegations) and "
        "how often other laws' current texts and court decisions cite it. `asof` / `revision` pick the revision "
        "whose outgoing references are counted; incoming ones are always today's."
    ),
    responses={200: {"content": {"application/json": {"example": LAW_GRAPH_EXAMPLE}}}},
)
async def law_graph_route(
    conn: Conn, response: Response, law_id: LawIdPath, asof: AsOf = None, revision: RevisionId = None
) -> LawGraph:
    await get_law(conn, law_id)
    rev = await pick_revision(conn, law_id, asof, revision)
    degree = await law_degree(conn, law_id, rev.id)
    mark_cacheable(response, "law", immutable=revision is not None)
    return LawGraph(law_id=law_id, law_revision_id=rev.law_revision_id, **asdict(degree))
