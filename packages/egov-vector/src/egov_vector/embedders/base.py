"""The :class:`Embedder` protocol and helpers shared by its implementations."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

__all__ = ["Embedder", "EmbedderIdentity", "Vectors", "length_sorted_batches", "normalize_rows", "run_batched"]

#: A ``(n, dimension)`` float32 matrix of L2-normalised rows.
Vectors = npt.NDArray[np.float32]


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised vectors (cosine similarity = dot product).

    Attributes:
        model_id: stored with every vector; vectors of different ids are never compared.
        dimension: length of every vector.
    """

    @property
    def model_id(self) -> str:
        """The id stored with every vector this embedder makes."""
        ...

    @property
    def dimension(self) -> int:
        """The length of every vector."""
        ...

    async def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """Embed search queries (with the model's query prefix)."""
        ...

    async def embed_documents(self, texts: Sequence[str]) -> Vectors:
        """Embed documents / chunks (with the model's document prefix)."""
        ...


class EmbedderIdentity:
    """``model_id`` and ``dimension`` of an implementation, read-only (it sets ``_model_id`` and ``_dimension``).

    Each implementation's class docstring says how it names its model and what dimension it has.
    """

    _model_id: str
    _dimension: int

    @property
    def model_id(self) -> str:
        """The id stored with every vector this embedder makes."""
        return self._model_id

    @property
    def dimension(self) -> int:
        """The length of every vector."""
        return self._dimension


def normalize_rows(matrix: npt.NDArray[np.floating]) -> Vectors:
    """``matrix`` as float32 with every row scaled to unit length (zero rows stay zero)."""
    m = np.asarray(matrix, dtype=np.float32)
    if m.ndim == 1:
        m = m.reshape(1, -1)
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: Vectors = (m / norms).astype(np.float32, copy=False)
    return out


def length_sorted_batches(texts: Sequence[str], batch_size: int) -> Iterator[list[int]]:
    """Indices of ``texts`` in batches of similar length (longest first).

    Padding makes a batch cost as much as its longest text times its size, so grouping texts of similar
    length saves most of the wasted work.
    """
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
    for start in range(0, len(order), batch_size):
        yield order[start : start + batch_size]


def run_batched(
    texts: Sequence[str], batch_size: int, dimension: int, encode: Callable[[list[str]], npt.NDArray[np.floating]]
) -> Vectors:
    """Encode ``texts`` with ``encode`` in length-sorted batches; rows come back in input order, normalised."""
    out = np.zeros((len(texts), dimension), dtype=np.float32)
    for batch in length_sorted_batches(texts, batch_size):
        vectors = normalize_rows(encode([texts[i] for i in batch]))
        out[batch] = vectors
    return out
