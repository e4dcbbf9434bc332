"""The Full edition's search routes: semantic and hybrid, over provisions and court decisions.

Mounted by :func:`egov_api.vector.mount_vector_routes` only when egov-vector is installed and enabled; the
same pipeline, hit models and envelope as keyword search, with egov-vector's retriever plugged in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from egov_api.routes._common import mark_cacheable, query_text
from egov_api.routes.search import (
    Categories,
    Court,
    LawIds,
    LawTypeFilter,
    Limit,
    Suppl,
    TrialTypes,
    case_result,
    pipeline,
    provision_result,
)
from egov_api.schemas.common import PROBLEM_RESPONSES
from egov_api.schemas.search import CaseSearchResult, ProvisionSearchResult
from egov_api.schemas.search_examples import HYBRID_EXAMPLE
from egov_api.state import AppState, State
from egov_core import search as core
from egov_core.errors import EgovError

router = APIRouter(prefix="/v1/search", tags=["search"], responses=PROBLEM_RESPONSES)


class VectorUnavailableError(EgovError):
    """Semantic search is installed but cannot answer (no pgvector, or the model failed to load)."""

    code = "vector-unavailable"


Q = Annotated[
    str,
    query_text(
        "Free text: a question or a description (keywords work too).",
        "借地借家法で家賃の増額を請求できるのはどんなときか",
    ),
]
Offset = Annotated[int, Query(ge=0, le=1_000)]


@dataclass(frozen=True, slots=True)
class _Asked:
    """What a semantic or hybrid search asks: the query, its filter and the page."""

    q: str
    limit: int
    offset: int
    provisions: core.ProvisionFilter | None = None
    cases: core.CaseFilter | None = None

    def request(self, mode: core.SearchMode) -> core.SearchRequest:
        kw: dict[str, Any] = {"provisions": self.provisions} if self.provisions is not None else {"cases": self.cases}
        return core.SearchRequest(self.q, mode, limit=self.limit, offset=self.offset, **kw)


def _provision_query(
    q: Q,
    law_id: LawIds = None,
    law_type: LawTypeFilter = None,
    category: Categories = None,
    suppl: Suppl = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> _Asked:
    # One parameter list for both provision routes (a dependency's parameters are the route's, in this order).
    return _Asked(q, limit, offset, provisions=core.ProvisionFilter(law_id, law_type, category, suppl))


def _case_query(
    q: Q,
    court: Court = None,
    trial_type: TrialTypes = None,
    date_from: date | None = None,
    date_to: date | None = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> _Asked:
    return _Asked(q, limit, offset, cases=core.CaseFilter(court, tuple(trial_type or ()), date_from, date_to))


ProvisionQuery = Annotated[_Asked, Depends(_provision_query)]
CaseQuery = Annotated[_Asked, Depends(_case_query)]


def _ready(state: AppState) -> None:
    if state.vector is None:
        raise VectorUnavailableError("semantic search is not enabled")
    state.vector.require_retriever()


async def _provisions(state: State, response: Response, mode: core.SearchMode, asked: _Asked) -> ProvisionSearchResult:
    _ready(state)
    page = await pipeline(state).provisions(asked.request(mode))
    mark_cacheable(response, "search")
    return provision_result(asked.q, page, asked.limit, asked.offset)


async def _cases(state: State, response: Response, mode: core.SearchMode, asked: _Asked) -> CaseSearchResult:
    _ready(state)
    page = await pipeline(state).cases(asked.request(mode))
    mark_cacheable(response, "search")
    return case_result(asked.q, page, asked.limit, asked.offset)


@router.get("/semantic", summary="Semantic search over provisions")
async def semantic(state: State, response: Response, asked: ProvisionQuery) -> ProvisionSearchResult:
    """Provisions of the current revisions nearest in meaning to `q` (one hit per article); a provision the
    query cites (「借地借家法第三十二条」) comes first."""
    return await _provisions(state, response, core.SearchMode.SEMANTIC, asked)


@router.get(
    "/hybrid",
    summary="Hybrid (keyword + semantic) search over provisions",
    responses={200: {"content": {"application/json": {"example": HYBRID_EXAMPLE}}}},
)
async def hybrid(state: State, response: Response, asked: ProvisionQuery) -> ProvisionSearchResult:
    """Keyword (BM25 for a sentence) and semantic results fused by reciprocal rank fusion; every hit carries
    its rank in each ranking (`fusion`). Cited provisions come first; when the query names a law
    (「借地借家法で…」) the hits of that law are ranked among themselves as a further ranking
    (`fusion.named_law_rank`)."""
    return await _provisions(state, response, core.SearchMode.HYBRID, asked)


@router.get("/cases/semantic", summary="Semantic search over court decisions", tags=["cases"])
async def cases_semantic(state: State, response: Response, asked: CaseQuery) -> CaseSearchResult:
    """Decisions whose 判示事項, 裁判要旨 or full text is nearest in meaning to `q`."""
    return await _cases(state, response, core.SearchMode.SEMANTIC, asked)


@router.get("/cases/hybrid", summary="Hybrid search over court decisions", tags=["cases"])
async def cases_hybrid(state: State, response: Response, asked: CaseQuery) -> CaseSearchResult:
    """Keyword and semantic case search fused by reciprocal rank fusion."""
    return await _cases(state, response, core.SearchMode.HYBRID, asked)
