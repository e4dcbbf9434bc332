"""Japanese keyword search over provisions and court decisions (stock PostgreSQL: GIN over n-gram tsvectors)."""

from egov_core.search.cases import CaseHit, CasePage, search_cases
from egov_core.search.keyword import RANK_CANDIDATES, SearchHit, SearchPage, search_parsed, search_provisions
from egov_core.search.lift import (
    CitedQuery,
    cited_in_query,
    cited_units,
    directory_for,
    lift_cited,
    search_with_citations,
)

__all__ = [
    "RANK_CANDIDATES",
    "CaseHit",
    "CasePage",
    "CitedQuery",
    "SearchHit",
    "SearchPage",
    "cited_in_query",
    "cited_units",
    "directory_for",
    "lift_cited",
    "search_cases",
    "search_parsed",
    "search_provisions",
    "search_with_citations",
]
