"""The Full edition's fusion settings reach the search pipeline: RRF k, the vector side's depth and the citation
graph's expansion (on in the Full edition by default: 0.5 from the top 3)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import create_async_engine

from egov_api.vector import VectorRuntime
from egov_core.search import VECTOR_CANDIDATES, FusionWeights, SearchPipeline
from egov_core.vector_settings import VectorSettings


def _pipeline(settings: VectorSettings) -> SearchPipeline:
    # Never connects: the pipeline only keeps the engine.
    return SearchPipeline(
        create_async_engine("postgresql+asyncpg://nobody@localhost/none"), **VectorRuntime(settings).tuning()
    )


def test_defaults_are_the_search_models_with_the_graph_expansion() -> None:
    pipeline = _pipeline(VectorSettings())
    assert pipeline.weights == FusionWeights(graph=0.5, graph_sources=3)
    assert pipeline.vector_candidates == VECTOR_CANDIDATES
    assert _pipeline(VectorSettings(graph_weight=0)).weights.graph == 0.0  # and it can be switched off


def test_configured_values_reach_the_pipeline() -> None:
    pipeline = _pipeline(VectorSettings(rrf_k=5, vector_candidates=20, graph_weight=1.0, graph_sources=7))
    assert (pipeline.weights.k, pipeline.weights.graph, pipeline.weights.graph_sources) == (5, 1.0, 7)
    assert pipeline.vector_candidates == 20
    # The vector side never asks for more than a ranking contributes.
    assert _pipeline(VectorSettings(candidates=30, vector_candidates=500)).vector_candidates == 30
