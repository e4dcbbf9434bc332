"""A dependency-free embedder for tests: hashed character n-grams, so similar texts get similar vectors."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence

import numpy as np

from egov_core.text import normalize
from egov_vector.embedders.base import EmbedderIdentity, Vectors, normalize_rows

__all__ = ["DeterministicEmbedder"]

_MAX_CACHED = 1_000_000


class DeterministicEmbedder(EmbedderIdentity):
    """Feature hashing of character 1–3-grams of the normalised text into ``dimension`` buckets.

    Signed hashing (the sign from another hash bit) keeps unrelated texts near orthogonal; counts are
    damped with ``1 + log(count)`` so repeated boilerplate does not dominate. The same text always gives
    the same vector on every machine (blake2b, not Python's salted ``hash``). Queries and documents are
    embedded alike. Not a semantic model: it ranks by shared character n-grams. Its model id is
    ``egov/deterministic-ngram-v1-<dimension>``.

    Args:
        dimension: vector length.
        ngram_sizes: which n-gram lengths to hash.
    """

    def __init__(self, dimension: int = 256, *, ngram_sizes: tuple[int, ...] = (1, 2, 3)) -> None:
        if dimension < 2:
            raise ValueError("dimension must be at least 2")
        self._dimension = dimension
        self._ngram_sizes = ngram_sizes
        self._model_id = f"egov/deterministic-ngram-v1-{dimension}"
        # Statute text reuses a small vocabulary of n-grams: caching their buckets makes hashing ~5x faster.
        self._buckets: dict[str, tuple[int, float]] = {}

    def embed_sync(self, texts: Sequence[str]) -> Vectors:
        """Embed ``texts`` in the calling thread (it is cheap)."""
        out = np.zeros((len(texts), self._dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            counts: dict[str, int] = {}
            t = "".join(normalize(text).split())
            for n in self._ngram_sizes:
                for i in range(len(t) - n + 1):
                    gram = t[i : i + n]
                    counts[gram] = counts.get(gram, 0) + 1
            for gram, count in counts.items():
                bucket, sign = self._bucket(gram)
                out[row, bucket] += sign * (1.0 + math.log(count))
        return normalize_rows(out)

    def _bucket(self, gram: str) -> tuple[int, float]:
        found = self._buckets.get(gram)
        if found is None:
            h = int.from_bytes(hashlib.blake2b(gram.encode("utf-8"), digest_size=8).digest(), "little")
            found = (h % self._dimension, 1.0 if (h >> 63) & 1 else -1.0)
            if len(self._buckets) >= _MAX_CACHED:
                self._buckets.clear()
            self._buckets[gram] = found
        return found

    async def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """Embed queries (no prefix: the hashing sees the same n-grams either way)."""
        return self.embed_sync(texts)

    async def embed_documents(self, texts: Sequence[str]) -> Vectors:
        """Embed documents."""
        return self.embed_sync(texts)
