"""Semantic (pgvector) and hybrid (reciprocal rank fusion with keyword search) search."""

from egov_vector.search.hits import CaseVectorHit, FusionDetail, VectorHit, VectorPage
from egov_vector.search.hybrid import keyword_query_for, rrf, search_cases_hybrid, search_hybrid
from egov_vector.search.lexical import content_terms, search_lexical
from egov_vector.search.semantic import nearest_chunks, nearest_sql, search_cases_semantic, search_semantic

__all__ = [
    "CaseVectorHit",
    "FusionDetail",
    "VectorHit",
    "VectorPage",
    "content_terms",
    "keyword_query_for",
    "nearest_chunks",
    "nearest_sql",
    "rrf",
    "search_cases_hybrid",
    "search_cases_semantic",
    "search_hybrid",
    "search_lexical",
    "search_semantic",
]
