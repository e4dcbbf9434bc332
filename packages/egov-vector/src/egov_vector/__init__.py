"""egov-vector: local embeddings, pgvector HNSW, semantic and hybrid search (Full edition)."""

__version__ = "0.1.0"

__all__ = ["__version__"]
