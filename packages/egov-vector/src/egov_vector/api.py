"""HTTP routes of the Full edition: semantic and hybrid search over provisions and court decisions.

The only egov_vector module that imports FastAPI; egov_api imports it lazily, and only mounts it when
egov_vector is installed and enabled::

    from egov_vector.api import build_router
    app.include_router(build_router(settings=vector_settings))

By default the routes read the engine from ``request.app.state.egov.engine`` and the embedder from
``request.app.state.egov.extras["vector_embedder"]`` (egov_api's ``AppState``); pass ``get_engine`` /
``get_embedder`` to take them from elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_vector.embedders.base import Embedder
from egov_vector.search import (
    search_cases_hybrid,
    search_cases_semantic,
    search_hybrid,
    search_semantic,
)
from egov_vector.search.hits import CaseVectorHit, FusionDetail, VectorHit
from egov_vector.settings import VectorSettings

__all__ = ["HYBRID_EXAMPLE", "CaseResult", "ProvisionResult", "build_router"]

#: A real answer of ``GET /v1/search/hybrid?q=借地借家法で家賃の増額を請求できるのはどんなときか&limit=2`` over
#: the whole shared corpus (1,300 laws) with multilingual-e5-small.
HYBRID_EXAMPLE: dict[str, Any] = {
    "model_id": "egov/multilingual-e5-small-q4@bf16",
    "total": 186,
    "hits": [
        {
            "law_id": "403AC0000000090",
            "law_title": "借地借家法",
            "law_num": "平成三年法律第九十号",
            "law_type": "Act",
            "path": "MainProvision-Article_32",
            "title": "第三十二条",
            "caption": "（借賃増減請求権）",
            "score": 0.1967,
            "snippet": "は、将来に向かって建物の借賃の額の増減を請求することができる。ただし、一定の期間建物の借賃を増額しない旨の特約がある場合には、その定めに従う。 ２　建物の借賃の増額について当事者間に協議が調わないときは、その請求を受けた者は、増額を正当とす",
            "snippet_html": "は、将来に向かって建物の借賃の額の増減を<em>請求</em>することができる。ただし、一定の期間建物の借賃を<em>増額</em>しない旨の特約がある場合には、その定めに従う。 ２　建物の借賃の<em>増額</em>について当事者間に協議が調わないときは、その<em>請求</em>を受けた者は、<em>増額</em>を正当とす",
            "cited": False,
            "matched_path": "MainProvision-Article_32",
            "fusion": {
                "keyword_rank": 57,
                "semantic_rank": 1,
                "keyword_score": 7.348,
                "semantic_score": 0.9187,
                "rrf_score": 0.1967,
                "cited": False,
                "named_law_rank": 1,
            },
        },
        {
            "law_id": "403AC0000000090",
            "law_title": "借地借家法",
            "law_num": "平成三年法律第九十号",
            "law_type": "Act",
            "path": "MainProvision-Article_11",
            "title": "第十一条",
            "caption": "（地代等増減請求権）",
            "score": 0.1814,
            "snippet": "事者は、将来に向かって地代等の額の増減を請求することができる。ただし、一定の期間地代等を増額しない旨の特約がある場合には、その定めに従う。 ２　地代等の増額について当事者間に協議が調わないときは、その請求を受けた者は、増額を正当とする裁判が",
            "snippet_html": "事者は、将来に向かって地代等の額の増減を<em>請求</em>することができる。ただし、一定の期間地代等を<em>増額</em>しない旨の特約がある場合には、その定めに従う。 ２　地代等の<em>増額</em>について当事者間に協議が調わないときは、その<em>請求</em>を受けた者は、<em>増額</em>を正当とする裁判が",
            "cited": False,
            "matched_path": "MainProvision-Article_11",
            "fusion": {
                "keyword_rank": 58,
                "semantic_rank": 2,
                "keyword_score": 7.325,
                "semantic_score": 0.9112,
                "rrf_score": 0.1814,
                "cited": False,
                "named_law_rank": 2,
            },
        },
    ],
}

LawType = Literal["Constitution", "Act", "CabinetOrder", "ImperialOrder", "MinisterialOrdinance", "Rule", "Misc"]


class Fusion(BaseModel):
    """How reciprocal rank fusion placed a hybrid hit."""

    keyword_rank: int | None = Field(description="1-based rank in keyword search (null: not found there).")
    semantic_rank: int | None = Field(description="1-based rank in semantic search (null: not found there).")
    keyword_score: float | None
    semantic_score: float | None
    rrf_score: float = Field(description="Σ w/(k + rank) over the rankings that placed it.")
    cited: bool = Field(description="The query cites this provision; it was lifted to the top.")
    named_law_rank: int | None = Field(
        default=None,
        description="1-based rank among the hits of the laws the query names (「借地借家法の…」), "
        "a third ranking in the fusion (null: the query names no law, or this hit is of another law).",
    )


class ProvisionHit(BaseModel):
    """One provision (the fields of keyword search, plus the matched paragraph and fusion details)."""

    law_id: str
    law_title: str | None
    law_num: str | None
    law_type: str | None
    path: str
    title: str | None
    caption: str | None
    score: float
    snippet: str
    snippet_html: str
    cited: bool
    matched_path: str | None = Field(description="The provision the best-matching chunk covers.")
    fusion: Fusion | None = None


class ProvisionResult(BaseModel):
    """A page of semantic or hybrid provision hits."""

    model_id: str = Field(description="The embedding model that ranked the hits.")
    total: int = Field(description="Distinct provisions among the candidates considered.")
    hits: list[ProvisionHit]


class CaseHit(BaseModel):
    """One court decision."""

    lawsuit_id: str
    case_number: str | None
    case_name: str | None
    court_name: str | None
    trial_type: str | None
    date: date | None
    score: float
    snippet_field: str = Field(description="gist (判示事項) / case_gist (裁判要旨) / contents (全文).")
    snippet: str
    snippet_html: str
    fusion: Fusion | None = None


class CaseResult(BaseModel):
    """A page of semantic or hybrid case hits."""

    model_id: str
    hits: list[CaseHit]


def _fusion(f: FusionDetail | None) -> Fusion | None:
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
    )


def _provision(h: VectorHit) -> ProvisionHit:
    return ProvisionHit(
        law_id=h.law_id,
        law_title=h.law_title,
        law_num=h.law_num,
        law_type=h.law_type,
        path=h.path,
        title=h.title,
        caption=h.caption,
        score=h.score,
        snippet=h.snippet.text,
        snippet_html=h.snippet.html,
        cited=h.cited,
        matched_path=h.matched_path,
        fusion=_fusion(h.fusion),
    )


def _case(h: CaseVectorHit) -> CaseHit:
    return CaseHit(
        lawsuit_id=h.lawsuit_id,
        case_number=h.case_number,
        case_name=h.case_name,
        court_name=h.court_name,
        trial_type=h.trial_type,
        date=h.date,
        score=h.score,
        snippet_field=h.snippet_field,
        snippet=h.snippet.text,
        snippet_html=h.snippet.html,
        fusion=_fusion(h.fusion),
    )


def _default_engine(request: Request) -> AsyncEngine:
    engine: AsyncEngine = request.app.state.egov.engine
    return engine


def _default_embedder(request: Request) -> Embedder:
    embedder: Embedder = request.app.state.egov.extras["vector_embedder"]
    return embedder


Q = Annotated[
    str,
    Query(
        min_length=1,
        max_length=200,
        description="Free text: a question or a description.",
        examples=["借地借家法で家賃の増額を請求できるのはどんなときか"],
    ),
]
LawIds = Annotated[list[str] | None, Query(max_length=50, description="Restrict to these laws; repeat.")]
LawTypes = Annotated[list[LawType] | None, Query(description="Restrict to law types; repeat.")]
Categories = Annotated[list[str] | None, Query(max_length=20, description="Restrict to e-Gov categories.")]
Suppl = Annotated[bool | None, Query(description="true: only 附則; false: no 附則; unset: both.")]
Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=1_000)]
Courts = Annotated[list[str] | None, Query(max_length=20, description="Restrict to these courts (裁判所名).")]
TrialTypes = Annotated[list[str] | None, Query(max_length=20, description="SupremeCourt, HighCourt, …")]


def build_router(
    *,
    settings: VectorSettings | None = None,
    get_engine: Callable[[Request], AsyncEngine] = _default_engine,
    get_embedder: Callable[[Request], Embedder] = _default_embedder,
) -> APIRouter:
    """The ``/v1/search/semantic``, ``/v1/search/hybrid`` and ``/v1/search/cases/{semantic,hybrid}`` routes.

    Args:
        settings: RRF constant, candidate depth and HNSW ef_search (defaults: :class:`VectorSettings`).
        get_engine / get_embedder: where a request finds the engine and the embedder.
    """
    cfg = settings or VectorSettings()
    router = APIRouter(prefix="/v1/search", tags=["search"])
    tuning: dict[str, Any] = {"candidates": cfg.candidates, "ef_search": cfg.hnsw_ef_search}

    @router.get("/semantic", summary="Semantic search over provisions", response_model=ProvisionResult)
    async def semantic(
        request: Request,
        q: Q,
        law_id: LawIds = None,
        law_type: LawTypes = None,
        category: Categories = None,
        suppl: Suppl = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> ProvisionResult:
        """Provisions of the current revisions nearest in meaning to `q` (one hit per article); a provision the
        query cites (「借地借家法第三十二条」) comes first."""
        embedder = get_embedder(request)
        page = await search_semantic(
            get_engine(request),
            embedder,
            q,
            law_ids=law_id,
            law_types=law_type,
            categories=category,
            suppl=suppl,
            limit=limit,
            offset=offset,
            **tuning,
        )
        return ProvisionResult(model_id=page.model_id, total=page.total, hits=[_provision(h) for h in page.hits])

    @router.get(
        "/hybrid",
        summary="Hybrid (keyword + semantic) search over provisions",
        response_model=ProvisionResult,
        responses={200: {"content": {"application/json": {"example": HYBRID_EXAMPLE}}}},
    )
    async def hybrid(
        request: Request,
        q: Q,
        law_id: LawIds = None,
        law_type: LawTypes = None,
        category: Categories = None,
        suppl: Suppl = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> ProvisionResult:
        """Keyword and semantic results fused by reciprocal rank fusion; every hit carries its rank on each side
        (`fusion`). Cited provisions come first; when the query names a law (「借地借家法で…」) the hits of that law
        are ranked among themselves as a third list (`fusion.named_law_rank`)."""
        page = await search_hybrid(
            get_engine(request),
            get_embedder(request),
            q,
            law_ids=law_id,
            law_types=law_type,
            categories=category,
            suppl=suppl,
            limit=limit,
            offset=offset,
            rrf_k=cfg.rrf_k,
            **tuning,
        )
        return ProvisionResult(model_id=page.model_id, total=page.total, hits=[_provision(h) for h in page.hits])

    @router.get("/cases/semantic", summary="Semantic search over court decisions", response_model=CaseResult)
    async def cases_semantic(
        request: Request,
        q: Q,
        court_name: Courts = None,
        trial_type: TrialTypes = None,
        date_from: date | None = None,
        date_to: date | None = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> CaseResult:
        """Decisions whose 判示事項, 裁判要旨 or full text is nearest in meaning to `q`."""
        embedder = get_embedder(request)
        hits = await search_cases_semantic(
            get_engine(request),
            embedder,
            q,
            court_names=court_name,
            trial_types=trial_type,
            date_from=date_from,
            date_to=date_to,
            limit=limit,
            offset=offset,
            **tuning,
        )
        return CaseResult(model_id=embedder.model_id, hits=[_case(h) for h in hits])

    @router.get("/cases/hybrid", summary="Hybrid search over court decisions", response_model=CaseResult)
    async def cases_hybrid(
        request: Request,
        q: Q,
        court_name: Courts = None,
        trial_type: TrialTypes = None,
        date_from: date | None = None,
        date_to: date | None = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> CaseResult:
        """Keyword and semantic case search fused by reciprocal rank fusion."""
        embedder = get_embedder(request)
        hits = await search_cases_hybrid(
            get_engine(request),
            embedder,
            q,
            court_names=court_name,
            trial_types=trial_type,
            date_from=date_from,
            date_to=date_to,
            limit=limit,
            offset=offset,
            rrf_k=cfg.rrf_k,
            candidates=cfg.candidates,
        )
        return CaseResult(model_id=embedder.model_id, hits=[_case(h) for h in hits])

    return router
