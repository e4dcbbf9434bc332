"""The Full edition's routes and start-up, mounted only when ``egov_vector`` is installed and enabled.

Lite never reaches the imports below: ``egov_vector`` (and through it torch) is imported only when it is
installed, and the embedding model is loaded only when the database has pgvector.
"""

from __future__ import annotations

import importlib.util
import logging
from typing import Any

from fastapi import FastAPI

from egov_api.state import AppState
from egov_core.errors import EgovError
from egov_core.search import FusionWeights

log = logging.getLogger("egov.api")


def vector_installed() -> bool:
    """True when the ``egov_vector`` package can be imported (Full edition)."""
    return importlib.util.find_spec("egov_vector") is not None


def served_edition() -> tuple[str, str | None]:
    """The edition a server started now would serve: ``("Lite", None)``, or ``("Full", problem)`` where
    ``problem`` says why its embedding model cannot load from this machine (None when it can)."""
    if not vector_installed():
        return "Lite", None
    from egov_vector import load_vector_settings, missing_model

    settings = load_vector_settings()
    if not settings.enabled:
        return "Lite", None
    return "Full", missing_model(settings)


def mount_vector_routes(app: FastAPI, state: AppState) -> bool:
    """Mount /v1/search/semantic, /v1/search/hybrid (+ cases) when Full is installed and enabled."""
    if not vector_installed():
        return False
    from egov_api.routes import search_vector
    from egov_vector import load_vector_settings

    settings = load_vector_settings()
    if not settings.enabled:
        return False
    state.extras["vector_settings"] = settings
    # Hybrid and semantic search fuse with the Full edition's tuning (ranked search uses the same k).
    state.extras["search_tuning"] = {"weights": FusionWeights(k=settings.rrf_k), "candidates": settings.candidates}
    app.include_router(search_vector.router)
    return True


async def start_vector(state: AppState, *, pgvector: bool) -> None:
    """Load the embedding model once for this process (off the event loop) when the store has pgvector."""
    settings = state.extras.get("vector_settings")
    if settings is None:
        return
    if not pgvector:
        state.extras["vector_error"] = "the database has no pgvector extension: semantic search is unavailable"
        return
    from egov_vector import VectorRetriever, abuild_embedder, vector_health

    try:
        embedder = await abuild_embedder(settings)
    except EgovError as exc:
        log.warning("embedding model not loaded: %s", exc)
        state.extras["vector_error"] = f"embedding model not loaded: {exc}"
        return
    state.extras["vector_embedder"] = embedder
    state.extras["vector_retriever"] = VectorRetriever(
        embedder, candidates=settings.candidates, ef_search=settings.hnsw_ef_search
    )
    engine = state.engine
    assert engine is not None

    async def health() -> dict[str, Any]:
        return await vector_health(engine, embedder)

    state.extras["vector_health"] = health
