"""The search model and pipeline of both editions: one request, one hit, one filter compiler, fused rankings.

Rankings: Boolean keyword search and BM25 over the n-gram index (stock PostgreSQL: GIN over n-gram
tsvectors), the provisions a query cites, the laws it names, and — plugged in by the Full edition — a
:class:`Retriever` of nearest chunks; fused by reciprocal rank in :class:`SearchPipeline`.
"""

from egov_core.search.bm25 import BM25Weights, search_bm25, search_cases_bm25
from egov_core.search.cases import search_cases, search_cases_parsed
from egov_core.search.expansion import expand_one_hop
from egov_core.search.fusion import DEFAULT_RRF_K, FusionWeights, favour_named_laws, fuse, rrf
from egov_core.search.keyword import RANK_CANDIDATES, search_parsed, search_provisions
from egov_core.search.lift import CitedQuery, cited_in_query, cited_units, directory_for, lift_cited
from egov_core.search.model import (
    ANY_CASE,
    ANY_PROVISION,
    CaseFilter,
    CaseHit,
    CasePage,
    Fusion,
    Hit,
    Page,
    ProvisionFilter,
    SearchMode,
    render_snippets,
)
from egov_core.search.pipeline import AUTO_MIN_HITS, VECTOR_CANDIDATES, SearchPipeline, SearchRequest
from egov_core.search.retriever import Retriever
from egov_core.search.terms import content_terms, is_sentence, keyword_query_for, ranked_terms, snippet_terms

__all__ = [
    "ANY_CASE",
    "ANY_PROVISION",
    "AUTO_MIN_HITS",
    "DEFAULT_RRF_K",
    "RANK_CANDIDATES",
    "VECTOR_CANDIDATES",
    "BM25Weights",
    "CaseFilter",
    "CaseHit",
    "CasePage",
    "CitedQuery",
    "Fusion",
    "FusionWeights",
    "Hit",
    "Page",
    "ProvisionFilter",
    "Retriever",
    "SearchMode",
    "SearchPipeline",
    "SearchRequest",
    "cited_in_query",
    "cited_units",
    "content_terms",
    "directory_for",
    "expand_one_hop",
    "favour_named_laws",
    "fuse",
    "is_sentence",
    "keyword_query_for",
    "lift_cited",
    "ranked_terms",
    "render_snippets",
    "rrf",
    "search_bm25",
    "search_cases",
    "search_cases_bm25",
    "search_cases_parsed",
    "search_parsed",
    "search_provisions",
    "snippet_terms",
]
