"""Search over provisions and court decisions: Boolean keywords, or ranked for a question (both editions)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from urllib.parse import unquote

from fastapi import APIRouter, Query, Request, Response
from pydantic_core import to_json

from egov_api.routes._common import CACHE_KIND_HEADER, NO_NUL, AsOf, FreeText, mark_cacheable, provision_url, query_text
from egov_api.routes._shortcut import ShortcutRoute, json_response, shortcut
from egov_api.routes.cases import case_url
from egov_api.routes.definitions import defined_term
from egov_api.schemas.common import PROBLEM_RESPONSES, page_info
from egov_api.schemas.search import (
    CaseHit,
    CaseSearchResult,
    Fusion,
    Highlight,
    ProvisionHit,
    ProvisionSearchResult,
    search_page_info,
)
from egov_api.state import AppState, State, get_state
from egov_core import search as core
from egov_core.store import definitions_in_scope, revisions_in_force

router = APIRouter(prefix="/v1/search", tags=["search"], responses=PROBLEM_RESPONSES, route_class=ShortcutRoute)

Q = Annotated[
    str,
    query_text(
        'Keywords: terms separated by spaces (AND), "quoted phrase", OR (or |) between terms, -exclusion; '
        "or a question in a sentence (「借地借家法で家賃の増額を請求できるのはどんなときか」). Japanese-aware: "
        "1- and 2-character terms (税, 債権) work; full-width/half-width and old-style kanji are normalised. "
        "A citation in the query (「民法709条」) lifts that provision to the top.",
        "故意又は過失",
    ),
]
LawTypes = Literal["Constitution", "Act", "CabinetOrder", "ImperialOrder", "MinisterialOrdinance", "Rule", "Misc"]
LawIds = Annotated[list[FreeText] | None, Query(max_length=50, description="Restrict to these laws; repeat.")]
LawTypeFilter = Annotated[list[LawTypes] | None, Query(description="Restrict to law types; repeat.")]
Categories = Annotated[
    list[FreeText] | None,
    Query(max_length=20, description="Restrict to laws of these e-Gov categories (the law's category); repeat."),
]
Suppl = Annotated[
    bool | None, Query(description="true: only 附則; false: only the main provision and appendices; unset: both.")
]
Limit = Annotated[int, Query(ge=1, le=100)]
Court = Annotated[str | None, Query(max_length=100, pattern=NO_NUL, description="Court name, or part of one.")]
TrialTypes = Annotated[list[FreeText] | None, Query(max_length=10, description="SupremeCourt, HighCourt, …")]
Mode = Annotated[
    Literal["auto", "boolean", "ranked"],
    Query(
        description=(
            "boolean: the terms ANDed (exact syntax); ranked: BM25 over the query's content words (for provisions "
            "fused with the provisions it cites and the laws it names), for questions; auto: boolean for keywords "
            f"that find at least {core.AUTO_MIN_HITS} results, ranked for a sentence or when keywords find fewer."
        )
    ),
]


def fusion_view(f: core.Fusion | None) -> Fusion | None:
    """API view of a hit's fusion details."""
    if f is None:
        return None
    return Fusion(
        keyword_rank=f.keyword_rank,
        semantic_rank=f.semantic_rank,
        keyword_score=f.keyword_score,
        semantic_score=f.semantic_score,
        rrf_score=f.rrf_score,
        cited=f.cited,
        named_law_rank=f.named_law_rank,
        graph_rank=f.graph_rank,
    )


def provision_hit(hit: core.Hit, asof: date | None = None) -> ProvisionHit:
    """API view of a provision hit (its URL reads the same revision the search did)."""
    url = provision_url(hit.law_id, hit.path)
    if asof is not None:
        url += f"?asof={asof.isoformat()}"
    return ProvisionHit(
        law_id=hit.law_id,
        law_title=hit.law_title or "",
        law_num=hit.law_num,
        law_type=hit.law_type,
        path=hit.path,
        title=hit.title,
        caption=hit.caption,
        score=float(hit.score),
        snippet=hit.snippet.text,
        snippet_html=hit.snippet.html,
        highlights=[Highlight(start=s, end=e) for s, e in hit.snippet.highlights],
        cited=hit.cited,
        url=url,
        matched_path=hit.matched_path,
        fusion=fusion_view(hit.fusion),
    )


def provision_result(
    q: str, page: core.Page, limit: int, offset: int, asof: date | None = None
) -> ProvisionSearchResult:
    """The response envelope of every provision search."""
    return ProvisionSearchResult(
        query=q,
        mode=page.mode.value,
        model_id=page.model_id,
        page=search_page_info(page.total, page.total_exact, limit, offset, len(page.hits)),
        items=[provision_hit(h, asof) for h in page.hits],
    )


def _fusion_json(f: core.Fusion | None) -> dict[str, object] | None:
    if f is None:
        return None
    return {
        "keyword_rank": f.keyword_rank,
        "semantic_rank": f.semantic_rank,
        "keyword_score": None if f.keyword_score is None else float(f.keyword_score),
        "semantic_score": None if f.semantic_score is None else float(f.semantic_score),
        "rrf_score": float(f.rrf_score),
        "cited": f.cited,
        "named_law_rank": f.named_law_rank,
        "graph_rank": f.graph_rank,
    }


def provision_result_json(q: str, page: core.Page, limit: int, offset: int, asof: date | None = None) -> bytes:
    """``provision_result(...).model_dump_json()`` as UTF-8, the same bytes, built without the models.

    Validating the 20 hits and their highlights into pydantic models, only to serialise them again, cost ~150 of
    a search's CPU-µs (~200 against ~60 for these plain values through pydantic's own serialiser): the values
    are ours and already of the declared types. The keys are :class:`ProvisionSearchResult`'s fields in order
    (``definitions`` left null, as no ``expand`` asked for them); a test compares both for generated pages.
    """
    suffix = f"?asof={asof.isoformat()}" if asof is not None else ""
    items = []
    for hit in page.hits:
        snippet = hit.snippet
        items.append(
            {
                "law_id": hit.law_id,
                "law_title": hit.law_title or "",
                "law_num": hit.law_num,
                "law_type": hit.law_type,
                "path": hit.path,
                "title": hit.title,
                "caption": hit.caption,
                "score": float(hit.score),
                "snippet": snippet.text,
                "snippet_html": snippet.html,
                "highlights": [{"start": s, "end": e} for s, e in snippet.highlights],
                "cited": hit.cited,
                "url": provision_url(hit.law_id, hit.path) + suffix,
                "matched_path": hit.matched_path,
                "fusion": _fusion_json(hit.fusion),
                "definitions": None,
            }
        )
    info = page_info(page.total, limit, offset, len(page.hits))
    page_json = {"total": info.total, "limit": info.limit, "offset": info.offset, "next_offset": info.next_offset}
    result = {
        "query": q,
        "mode": page.mode.value,
        "model_id": page.model_id,
        "page": page_json | {"total_exact": page.total_exact},
        "items": items,
    }
    # The models' own JSON settings: non-finite floats as null (ser_json_inf_nan's default).
    return to_json(result, inf_nan_mode="null")


def case_result(q: str, page: core.CasePage, limit: int, offset: int) -> CaseSearchResult:
    """The response envelope of every court-decision search."""
    return CaseSearchResult(
        query=q,
        mode=page.mode.value,
        model_id=page.model_id,
        page=search_page_info(page.total, page.total_exact, limit, offset, len(page.hits)),
        items=[
            CaseHit(
                lawsuit_id=h.lawsuit_id,
                case_number=h.case_number,
                case_name=h.case_name,
                court_name=h.court_name,
                trial_type=h.trial_type,
                date=h.date.isoformat() if h.date else None,
                score=float(h.score),
                snippet_field=h.snippet_field,
                snippet=h.snippet.text,
                snippet_html=h.snippet.html,
                highlights=[Highlight(start=s, end=e) for s, e in h.snippet.highlights],
                url=case_url(h.lawsuit_id),
                fusion=fusion_view(h.fusion),
            )
            for h in page.hits
        ],
    )


def pipeline(state: AppState) -> core.SearchPipeline:
    """The search pipeline: keyword search, BM25, cited provisions and the Full edition's vector retrieval all
    read through ``Database.reads`` (a read replica when one is up and current, else the primary)."""
    database = state.database
    assert database is not None
    return core.SearchPipeline(
        database.read_engine,
        reads=database.reads,
        directory=state.directory,
        retriever=state.vector.retriever if state.vector is not None else None,
        **(state.vector.tuning() if state.vector is not None else {}),
    )


#: The search route's own cache-kind header (``mark_cacheable(response, "search")``), for its shortcut.
_CACHE_SEARCH = {CACHE_KIND_HEADER.encode("ascii"): b"search"}


async def _search_shortcut(request: Request) -> Response | None:
    """``GET /v1/search?q=…`` with ``q`` alone and valid as declared (1–200 characters, no U+0000): the endpoint's
    own search with every default, without FastAPI solving ten query parameters (see
    :mod:`egov_api.routes._shortcut`); anything else (another parameter, ``q`` twice) runs the endpoint."""
    raw = request.scope["query_string"]
    if not raw.startswith(b"q=") or b"&" in raw or b";" in raw:
        return None
    # What Starlette's query_params.get("q") reads for a lone q (parse_qsl: "+" is a space, then percent-decoding
    # as UTF-8 with replacement), without building its multi-dict: ~20 CPU-µs a search.
    q = unquote(raw[2:].decode("latin-1").replace("+", " "))
    if not 1 <= len(q) <= 200 or "\x00" in q:
        return None
    request_ = core.SearchRequest(q, core.SearchMode.AUTO, provisions=core.ProvisionFilter(), limit=20, offset=0)
    page = await pipeline(get_state(request)).provisions(request_)
    return json_response(provision_result_json(q, page, 20, 0), _CACHE_SEARCH)


@router.get(
    "",
    summary="Search provisions: Boolean keywords, or ranked for a question",
    description=(
        "Provisions (articles, paragraphs of article-less laws, 附則 articles, 別表) of the current revisions (or "
        "those in force on `asof`), each with law, path, caption and a snippet with the matches marked (offsets "
        "and <em>). Keywords are searched exactly (`mode=boolean`); a question in a sentence, or keywords that "
        "find too little, is ranked by BM25 over its content words fused with the provisions it cites and the "
        "laws it names (`mode=ranked`, `fusion` on every hit). `mode` in the response says which answered."
    ),
)
@shortcut(_search_shortcut)
async def search_provisions_route(
    state: State,
    response: Response,
    q: Q,
    law_id: LawIds = None,
    law_type: LawTypeFilter = None,
    category: Categories = None,
    suppl: Suppl = None,
    asof: AsOf = None,
    mode: Mode = "auto",
    limit: Limit = 20,
    offset: Annotated[int, Query(ge=0, le=10_000, description="At most 1,000 for ranked search.")] = 0,
    expand: Annotated[
        list[Literal["definitions"]] | None,
        Query(description="`definitions`: add to each hit the defined terms it uses (one lookup per hit)."),
    ] = None,
) -> ProvisionSearchResult:
    # No request-scoped connection here: the search and the citation directory take their own, and a
    # request holding one while waiting for another deadlocks the pool under load.
    database = state.database
    assert database is not None
    revision_ids = None
    if asof is not None:
        async with database.read() as conn:
            revision_ids = await revisions_in_force(conn, asof, law_id)
    laws = core.ProvisionFilter(law_id, law_type, category, suppl, revision_ids)
    request = core.SearchRequest(q, core.SearchMode(mode), provisions=laws, limit=limit, offset=offset)
    page = await pipeline(state).provisions(request)
    mark_cacheable(response, "search")
    result = provision_result(q, page, limit, offset, asof)
    if expand and "definitions" in expand:
        async with database.read() as conn:
            items = [
                item.model_copy(
                    update={
                        "definitions": [
                            defined_term(d) for d in await definitions_in_scope(conn, hit.revision_id, hit.path)
                        ]
                    }
                )
                for item, hit in zip(result.items, page.hits, strict=True)
            ]
        result = result.model_copy(update={"items": items})
    return result


@router.get(
    "/cases",
    summary="Search court decisions: Boolean keywords, or ranked for a question",
    description=(
        "Decisions whose case name, 判示事項, 裁判要旨 or full text contain the terms (`mode=boolean`), or, for a "
        "question in a sentence or keywords that find too little, ranked by BM25 over its content words "
        "(`mode=ranked`); filters as in /v1/cases."
    ),
    tags=["cases"],
)
async def search_cases_route(
    state: State,
    response: Response,
    q: Q,
    court: Court = None,
    trial_type: TrialTypes = None,
    date_from: Annotated[date | None, Query()] = None,
    date_to: Annotated[date | None, Query()] = None,
    mode: Mode = "auto",
    limit: Limit = 20,
    offset: Annotated[int, Query(ge=0, le=10_000, description="At most 1,000 for ranked search.")] = 0,
) -> CaseSearchResult:
    cases = core.CaseFilter(court, tuple(trial_type or ()), date_from, date_to)
    request = core.SearchRequest(q, core.SearchMode(mode), cases=cases, limit=limit, offset=offset)
    page = await pipeline(state).cases(request)
    mark_cacheable(response, "search")
    return case_result(q, page, limit, offset)
