"""The production default's architecture (cl-nagoya/ruri-v3-*: ModernBERT, 「検索クエリ: 」/「検索文書: 」) through
the sentence-transformers backend and the Full image's bake check, with a tiny ModernBERT built here
(ruri-v3 itself needs the model hub, which this machine cannot reach)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from egov_vector import SentenceTransformerEmbedder, VectorSettings, build_embedder

IMAGES = Path(__file__).resolve().parents[5] / "images"

pytestmark = [pytest.mark.integration, pytest.mark.vector]


async def test_ruri_prefixes_reach_the_model(tiny_modernbert: Path) -> None:
    embedder = build_embedder(
        VectorSettings(model="cl-nagoya/ruri-v3-30m", model_path=str(tiny_modernbert), offline=True, num_threads=1)
    )
    assert isinstance(embedder, SentenceTransformerEmbedder)
    assert type(embedder._model[0].auto_model).__name__ == "ModernBertModel"
    assert embedder.model_id == "cl-nagoya/ruri-v3-30m"
    assert (embedder.dimension, embedder.prefixes) == (32, ("検索クエリ: ", "検索文書: "))
    text = "建物の借賃が不相当となったとき"
    own = embedder._model.encode(
        ["検索クエリ: " + text, "検索文書: " + text, text], normalize_embeddings=True, convert_to_numpy=True
    )
    query, document = (await embedder.embed_queries([text]))[0], (await embedder.embed_documents([text]))[0]
    np.testing.assert_allclose(query, own[0], atol=1e-5)
    np.testing.assert_allclose(document, own[1], atol=1e-5)
    assert float(query @ own[2]) < 0.9999  # the prefix changed the vector: it is really there


async def test_modernbert_runs_in_bfloat16(tiny_modernbert: Path) -> None:
    embedder = SentenceTransformerEmbedder(
        "cl-nagoya/ruri-v3-30m", model_path=str(tiny_modernbert), offline=True, dtype="bfloat16"
    )
    assert embedder.model_id == "cl-nagoya/ruri-v3-30m@bf16"
    vectors = await embedder.embed_documents(["借地権の存続期間", "建物の賃貸借"])
    assert vectors.shape == (2, 32)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)


def test_the_full_images_bake_check_loads_it_offline(
    tiny_modernbert: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # check() switches the hub off for the process; the environment is restored afterwards.
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    sys.path.insert(0, str(IMAGES))
    try:
        from bake_model import check, fetch
    finally:
        sys.path.remove(str(IMAGES))
    dest = tmp_path / "embed"
    assert fetch("cl-nagoya/ruri-v3-30m", "main", dest, str(tiny_modernbert), "") == f"directory {tiny_modernbert}"
    assert check(dest) == 32
