"""sentence-transformers backend (torch): the Full edition's production embedder.

torch and sentence-transformers are imported only when a model is loaded, never at module import, so
``import egov_vector`` stays cheap and works without them.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, get_args

import numpy as np
import numpy.typing as npt

from egov_vector.embedders.base import EmbedderIdentity, Vectors, run_batched
from egov_vector.embedders.model_files import unreadable_files
from egov_vector.embedders.prefixes import resolve_prefixes
from egov_vector.errors import INSTALL_HINT, EmbedderUnavailableError
from egov_vector.settings import Dtype

__all__ = ["DTYPES", "SentenceTransformerEmbedder", "clear_model_cache", "fastest_dtype"]

_log = logging.getLogger(__name__)

#: torch dtypes a model can run in (the settings' ``Dtype``). bfloat16 is ~2.5x faster than float32 on CPUs
#: with AVX-512 BF16 or AMX (measured here: multilingual-e5-small, 12.2 -> 29.7 chunks/s on 2 cores; cosine
#: to float32 >= 0.998) and slower on CPUs without them (an AVX2-only AMD EPYC: 0.8 -> 0.1 texts/s, 8x slower;
#: cosine to float32 0.99997 there).
DTYPES: tuple[str, ...] = get_args(Dtype)
# CPU flags (Linux /proc/cpuinfo) under which torch runs bfloat16 matrix products natively.
_BF16_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})


def fastest_dtype(cpuinfo: Path = Path("/proc/cpuinfo")) -> str:
    """``bfloat16`` on a CPU with native bfloat16 matrix products (AVX-512 BF16 or AMX), else ``float32``.

    For benchmarks and evaluations that embed a whole corpus: the two give vectors with a cosine of ~0.9999
    but stored under different model ids, and the wrong choice costs up to 8x. Unknown CPUs get float32.
    """
    try:
        flags = {f for line in cpuinfo.read_text().splitlines() if line.startswith("flags") for f in line.split()}
    except OSError:
        return "float32"
    return "bfloat16" if flags & _BF16_FLAGS else "float32"


# One loaded model per (source, device, max length, dtype) per process: loading takes seconds and hundreds of MB.
_MODELS: dict[tuple[str, str, int | None, str], tuple[Any, threading.Lock]] = {}
_MODELS_LOCK = threading.Lock()


def _import_sentence_transformers(offline: bool) -> Any:
    if offline:
        # Read by huggingface_hub at import: set before the first import so nothing tries the network.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import sentence_transformers
        import torch  # noqa: F401 - fail here with the install hint rather than deep inside a load
    except ImportError as error:
        raise EmbedderUnavailableError(
            f"the sentence-transformers backend needs torch and sentence-transformers: {INSTALL_HINT} ({error})"
        ) from error
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # the per-load weight progress bar is noise in servers and CLIs
    except ImportError:  # pragma: no cover - transformers comes with sentence-transformers
        pass
    return sentence_transformers


def _load(
    source: str, device: str, max_seq_length: int | None, offline: bool, threads: int, dtype: str
) -> tuple[Any, Any]:
    key = (source, device, max_seq_length, dtype)
    with _MODELS_LOCK:
        cached = _MODELS.get(key)
        if cached is not None:
            return cached
        if Path(source).is_dir() and (unreadable := unreadable_files(Path(source))):
            # Say so: the loader itself reports a file it may not read as missing.
            raise EmbedderUnavailableError(
                f"cannot read the embedding model in {source} as uid {os.getuid()}: {', '.join(unreadable)}; "
                "make it readable by the server's user (chmod -R a+rX)"
            )
        st = _import_sentence_transformers(offline)
        import torch

        # Intra-op threads only: encode calls are serialised per model, so more threads than cores thrash.
        torch.set_num_threads(threads)
        try:
            model = st.SentenceTransformer(source, device=device, local_files_only=offline)
        except OSError as error:
            raise EmbedderUnavailableError(
                f"could not load the embedding model {source!r}"
                + (" offline: bake it into the image or set EGOV_VECTOR__MODEL_PATH" if offline else "")
                + f" ({error})"
            ) from error
        if max_seq_length is not None:
            model.max_seq_length = max_seq_length
        if dtype != "float32":
            model = model.to(getattr(torch, dtype))
        model.eval()
        loaded = (model, threading.Lock())
        _MODELS[key] = loaded
        _log.info("loaded embedding model %s on %s (%s, %d threads)", source, device, dtype, threads)
        return loaded


def clear_model_cache() -> None:
    """Forget every loaded model (tests; frees memory once no embedder holds them)."""
    with _MODELS_LOCK:
        _MODELS.clear()


class SentenceTransformerEmbedder(EmbedderIdentity):
    """An :class:`~egov_vector.embedders.base.Embedder` over a sentence-transformers model.

    The model is loaded (once per process) when the embedder is built; build it with
    ``await asyncio.to_thread(SentenceTransformerEmbedder, ...)`` from async code.

    Args:
        model: model id stored with the vectors (a Hugging Face name such as ``cl-nagoya/ruri-v3-30m``).
        model_path: load from this local directory instead (a baked or packaged model).
        prefix_preset / query_prefix / document_prefix: see :func:`~egov_vector.embedders.prefixes.resolve_prefixes`.
        batch_size: texts per forward pass (batches are length-sorted).
        num_threads: torch threads.
        device: torch device (``cpu``).
        max_seq_length: token limit (None: the model's).
        offline: never contact the Hugging Face hub.
        dtype: ``float32`` or ``bfloat16`` (see :data:`DTYPES`); bfloat16 vectors are stored under
            ``<model>@bf16``, so they never mix with float32 ones.

    Raises:
        EmbedderUnavailableError: torch / sentence-transformers missing, or the model cannot be loaded.
        ValueError: unknown dtype.
    """

    def __init__(
        self,
        model: str,
        *,
        model_path: str | None = None,
        prefix_preset: str = "auto",
        query_prefix: str | None = None,
        document_prefix: str | None = None,
        batch_size: int = 32,
        num_threads: int = 1,
        device: str = "cpu",
        max_seq_length: int | None = None,
        offline: bool = False,
        dtype: str = "float32",
    ) -> None:
        if dtype not in DTYPES:
            raise ValueError(f"unknown dtype {dtype!r}; expected one of {DTYPES}")
        self._model_id = model if dtype == "float32" else f"{model}@bf16"
        self._batch_size = batch_size
        self._query_prefix, self._document_prefix = resolve_prefixes(
            model, prefix_preset, query_prefix=query_prefix, document_prefix=document_prefix
        )
        self._model, self._lock = _load(model_path or model, device, max_seq_length, offline, num_threads, dtype)
        getter = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self._dimension = int(getter())

    @property
    def prefixes(self) -> tuple[str, str]:
        """The (query, document) prefixes in use."""
        return self._query_prefix, self._document_prefix

    def _encode(self, texts: list[str]) -> npt.NDArray[np.floating]:
        with self._lock:
            out = self._model.encode(
                texts,
                batch_size=len(texts),
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        return np.asarray(out, dtype=np.float32)

    def embed_sync(self, texts: Sequence[str], *, query: bool) -> Vectors:
        """Embed ``texts`` in the calling thread (blocking)."""
        prefix = self._query_prefix if query else self._document_prefix
        return run_batched([prefix + t for t in texts], self._batch_size, self._dimension, self._encode)

    async def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """Embed queries off the event loop."""
        return await asyncio.to_thread(self.embed_sync, list(texts), query=True)

    async def embed_documents(self, texts: Sequence[str]) -> Vectors:
        """Embed documents off the event loop."""
        return await asyncio.to_thread(self.embed_sync, list(texts), query=False)
