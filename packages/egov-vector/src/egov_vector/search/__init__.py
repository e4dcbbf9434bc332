"""Vector retrieval for egov-core's search pipeline (pgvector HNSW)."""

from egov_vector.search.retriever import QUERY_CACHE_SIZE, VectorRetriever, autocommit, nearest_chunks, nearest_sql

__all__ = ["QUERY_CACHE_SIZE", "VectorRetriever", "autocommit", "nearest_chunks", "nearest_sql"]
