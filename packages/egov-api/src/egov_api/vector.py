"""The Full edition's routes and start-up, mounted only when ``egov_vector`` is installed and enabled.

Lite never reaches the imports below: ``egov_vector`` (and through it torch) is imported only when it is
installed, and the embedding model is loaded only when the database has pgvector. What the Full edition
holds at run time is one typed :class:`VectorRuntime` (``AppState.vector``).
"""

from __future__ import annotations

import importlib.util
import logging
from dataclasses import dataclass, replace
from typing import Any

from fastapi import FastAPI

from egov_api.routes.search_vector import VectorUnavailableError
from egov_api.state import AppState
from egov_core.errors import EgovError
from egov_core.search import FusionWeights
from egov_core.settings import EgovSettings
from egov_core.store import Database
from egov_core.vector_settings import VectorSettings

log = logging.getLogger("egov.api")


def vector_installed() -> bool:
    """True when the ``egov_vector`` package can be imported (Full edition)."""
    return importlib.util.find_spec("egov_vector") is not None


@dataclass
class VectorRuntime:
    """The Full edition in one process: its settings, the model and retriever once loaded, or why not.

    Attributes:
        settings: the ``vector`` section of the settings root.
        embedder: the loaded embedding model (an ``egov_vector.Embedder``); None until loaded or when it failed.
        retriever: the search pipeline's vector ranking (an ``egov_vector.VectorRetriever``) over ``embedder``.
        error: why semantic search cannot answer (no pgvector, the model failed to load); None when it can.
    """

    settings: VectorSettings
    embedder: Any = None
    retriever: Any = None
    error: str | None = None

    def tuning(self) -> dict[str, Any]:
        """The search pipeline's fusion settings for this edition (RRF k, candidates per ranking, the vector
        side's depth, the citation graph's expansion)."""
        s = self.settings
        weights = FusionWeights(graph=s.graph_weight, graph_sources=s.graph_sources)
        if s.rrf_k is not None:
            weights = replace(weights, k=s.rrf_k)
        tuning: dict[str, Any] = {"weights": weights, "candidates": s.candidates}
        if s.vector_candidates is not None:
            tuning["vector_candidates"] = s.vector_candidates
        return tuning

    def require_retriever(self) -> Any:
        """The retriever, or :class:`VectorUnavailableError` (503) saying why there is none."""
        if self.retriever is None:
            raise VectorUnavailableError(self.error or "semantic search is not ready")
        return self.retriever

    async def health(self, database: Database | None) -> dict[str, Any]:
        """The vector index's state for readiness (``unavailable`` with the reason when it cannot answer)."""
        if self.embedder is None or database is None:
            return {"status": "unavailable", "reason": self.error or "starting"}
        from egov_vector import vector_health

        health: dict[str, Any] = await vector_health(database.engine, self.embedder)
        return health


def served_edition(settings: EgovSettings | None = None) -> tuple[str, str | None]:
    """The edition a server started now would serve: ``("Lite", None)``, or ``("Full", problem)`` where
    ``problem`` says why its embedding model cannot load from this machine (None when it can)."""
    if not vector_installed():
        return "Lite", None
    from egov_vector import missing_model

    vector = (settings or EgovSettings()).vector
    if not vector.enabled:
        return "Lite", None
    return "Full", missing_model(vector)


def mount_vector_routes(app: FastAPI, state: AppState) -> bool:
    """Mount /v1/search/semantic, /v1/search/hybrid (+ cases) when Full is installed and ``vector.enabled``."""
    if not vector_installed() or not state.settings.vector.enabled:
        return False
    from egov_api.routes import search_vector

    state.vector = VectorRuntime(settings=state.settings.vector)
    app.include_router(search_vector.router)
    return True


async def start_vector(state: AppState, *, pgvector: bool) -> None:
    """Load the embedding model once for this process (off the event loop) when the store has pgvector."""
    runtime = state.vector
    if runtime is None:
        return
    if not pgvector:
        runtime.error = "the database has no pgvector extension: semantic search is unavailable"
        return
    from egov_vector import VectorRetriever, abuild_embedder

    try:
        runtime.embedder = await abuild_embedder(runtime.settings, serving=True)
    except EgovError as exc:
        log.warning("embedding model not loaded: %s", exc)
        runtime.error = f"embedding model not loaded: {exc}"
        return
    runtime.retriever = VectorRetriever(
        runtime.embedder, candidates=runtime.settings.candidates, ef_search=runtime.settings.hnsw_ef_search
    )
