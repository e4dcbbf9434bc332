"""Semantic and hybrid searches as the API runs them (core's pipeline with the vector retriever), for tests."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.search import (
    CaseFilter,
    CasePage,
    FusionWeights,
    Page,
    ProvisionFilter,
    SearchMode,
    SearchPipeline,
    SearchRequest,
)
from egov_core.text.query import MAX_QUERY_LENGTH
from egov_vector import Embedder, VectorRetriever


async def provisions(
    engine: AsyncEngine,
    embedder: Embedder,
    query: str,
    *,
    mode: SearchMode = SearchMode.SEMANTIC,
    law_ids: Sequence[str] | None = None,
    law_types: Sequence[str] | None = None,
    categories: Sequence[str] | None = None,
    suppl: bool | None = None,
    limit: int = 20,
    offset: int = 0,
    max_query_length: int = MAX_QUERY_LENGTH,
    weights: FusionWeights | None = None,
) -> Page:
    """One provision search through the pipeline (semantic by default)."""
    pipeline = SearchPipeline(engine, retriever=VectorRetriever(embedder), weights=weights)
    laws = ProvisionFilter(law_ids, law_types, categories, suppl)
    request = SearchRequest(query, mode, provisions=laws, limit=limit, offset=offset, max_query_length=max_query_length)
    return await pipeline.provisions(request)


async def cases(
    engine: AsyncEngine, embedder: Embedder, query: str, *, mode: SearchMode = SearchMode.SEMANTIC, limit: int = 20
) -> CasePage:
    """One court-decision search through the pipeline (semantic by default)."""
    pipeline = SearchPipeline(engine, retriever=VectorRetriever(embedder))
    return await pipeline.cases(SearchRequest(query, mode, cases=CaseFilter(), limit=limit))
