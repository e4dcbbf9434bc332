"""Keyword search over provisions and court decisions."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from egov_api.routes._common import NO_NUL, AsOf, FreeText, mark_cacheable, provision_url
from egov_api.routes.cases import case_url
from egov_api.schemas.common import PROBLEM_RESPONSES, page_info
from egov_api.schemas.search import CaseHit, CaseSearchResult, Highlight, ProvisionHit, ProvisionSearchResult
from egov_api.state import Conn, State
from egov_core.search import search_cases, search_with_citations
from egov_core.store import court_names_containing, revisions_in_force

router = APIRouter(prefix="/v1/search", tags=["search"], responses=PROBLEM_RESPONSES)

Q = Annotated[
    str,
    Query(
        min_length=1,
        max_length=200,
        pattern=NO_NUL,
        description=(
            'Terms separated by spaces (AND), "quoted phrase", OR (or |) between terms, -exclusion. '
            "Japanese-aware: 1- and 2-character terms (税, 債権) work; full-width/half-width and old-style "
            "kanji are normalised. A citation in the query (「民法709条」) lifts that provision to the top."
        ),
        examples=["故意又は過失"],
    ),
]
LawTypes = Literal["Constitution", "Act", "CabinetOrder", "ImperialOrder", "MinisterialOrdinance", "Rule", "Misc"]


def provision_hit(hit: Any, asof: date | None = None) -> ProvisionHit:
    """API view of a core search hit (its URL reads the same revision the search did)."""
    url = provision_url(hit.law_id, hit.path)
    if asof is not None:
        url += f"?asof={asof.isoformat()}"
    return ProvisionHit(
        law_id=hit.law_id,
        law_title=hit.law_title,
        law_num=hit.law_num,
        law_type=hit.law_type,
        path=hit.path,
        title=hit.title,
        caption=hit.caption,
        score=float(hit.score),
        snippet=hit.snippet.text,
        snippet_html=hit.snippet.html,
        highlights=[Highlight(start=s, end=e) for s, e in hit.snippet.highlights],
        cited=bool(hit.cited),
        url=url,
    )


@router.get(
    "",
    summary="Keyword search over provisions",
    description=(
        "Ranked provisions (articles, paragraphs of article-less laws, 附則 articles, 別表) of the current revisions "
        "(or those in force on `asof`) containing the query terms, each with law, path, caption and a snippet "
        "with the matches marked (offsets and <em>)."
    ),
)
async def search_provisions_route(
    state: State,
    response: Response,
    q: Q,
    law_id: Annotated[
        list[FreeText] | None, Query(max_length=50, description="Restrict to these laws; repeat.")
    ] = None,
    law_type: Annotated[list[LawTypes] | None, Query(description="Restrict to law types; repeat.")] = None,
    category: Annotated[
        list[FreeText] | None, Query(max_length=20, description="Restrict to e-Gov categories.")
    ] = None,
    suppl: Annotated[
        bool | None, Query(description="true: only 附則; false: only the main provision and appendices; unset: both.")
    ] = None,
    asof: AsOf = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> ProvisionSearchResult:
    # No request-scoped connection here: the search and the citation directory take their own, and a
    # request holding one while waiting for another deadlocks the pool under load.
    database = state.database
    assert database is not None
    revision_ids = None
    if asof is not None:
        async with database.read() as conn:
            revision_ids = await revisions_in_force(conn, asof, law_id)
    page = await search_with_citations(
        database.read_engine,
        q,
        directory=state.extras.get("directory"),
        limit=limit,
        offset=offset,
        law_ids=law_id,
        law_types=law_type,
        categories=category,
        suppl=suppl,
        revision_ids=revision_ids,
    )
    mark_cacheable(response, "search")
    return ProvisionSearchResult(
        query=q,
        page=page_info(page.total, limit, offset, len(page.hits)),
        items=[provision_hit(h, asof) for h in page.hits],
    )


@router.get(
    "/cases",
    summary="Keyword search over court decisions",
    description="Decisions whose case name, 判示事項, 裁判要旨 or full text contain the terms; filters as in /v1/cases.",
    tags=["cases"],
)
async def search_cases_route(
    conn: Conn,
    response: Response,
    q: Q,
    court: Annotated[str | None, Query(max_length=100, pattern=NO_NUL)] = None,
    trial_type: Annotated[list[FreeText] | None, Query(max_length=10)] = None,
    date_from: Annotated[date | None, Query()] = None,
    date_to: Annotated[date | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> CaseSearchResult:
    courts = None
    if court:
        courts = await court_names_containing(conn, court) or [court]
    page = await search_cases(
        conn,
        q,
        court_names=courts,
        trial_types=trial_type,
        date_from=date_from,
        date_to=date_to,
        limit=limit,
        offset=offset,
    )
    mark_cacheable(response, "search")
    return CaseSearchResult(
        query=q,
        page=page_info(page.total, limit, offset, len(page.hits)),
        items=[
            CaseHit(
                lawsuit_id=h.lawsuit_id,
                case_number=h.case_number,
                case_name=h.case_name,
                court_name=h.court_name,
                date=h.date.isoformat() if h.date else None,
                score=float(h.score),
                snippet=h.snippet.text,
                snippet_html=h.snippet.html,
                highlights=[Highlight(start=s, end=e) for s, e in h.snippet.highlights],
                url=case_url(h.lawsuit_id),
            )
            for h in page.hits
        ],
    )
