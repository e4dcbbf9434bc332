"""Japanese text handling: normalisation, the character n-gram search tokens, queries and snippets."""

from egov_core.text.ngrams import MAX_POSITION, tsvector_literal
from egov_core.text.normalize import normalize
from egov_core.text.query import ParsedQuery, QueryTerm, parse_query, term_index_tsquery, term_tsquery
from egov_core.text.snippets import Snippet, find_term_spans, make_snippet, normalize_with_offsets

__all__ = [
    "MAX_POSITION",
    "ParsedQuery",
    "QueryTerm",
    "Snippet",
    "find_term_spans",
    "make_snippet",
    "normalize",
    "normalize_with_offsets",
    "parse_query",
    "term_index_tsquery",
    "term_tsquery",
    "tsvector_literal",
]
