"""The stored rows honour the shared contract: tokens, unit segmentation and the lossless tree."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.ingest import MAX_UNIT_CHARS, _prepare, ingest_laws, iter_law_sources
from egov_core.ingest._prepare import tree_json
from egov_core.ingest._tsvector import tsvector_binary_py
from egov_core.parsing import parse_law
from egov_core.text import tsvector_literal

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("tokens", ["default", "pure-python"])
async def test_stored_tokens_equal_the_shared_tsvector_literal(
    engine: AsyncEngine, laws_dir: Path, tokens: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The binary tsvector the import sends (compiled where built) and its pure-Python fallback both store
    # exactly what the text literal would.
    if tokens == "pure-python":
        monkeypatch.setattr(_prepare, "tsvector_binary", tsvector_binary_py)
    await ingest_laws(engine, [laws_dir], workers=0)
    async with engine.connect() as conn:
        rows = (await conn.execute(text("SELECT id, text FROM search_units ORDER BY id"))).all()
        ids = [r[0] for r in rows]
        literals = [tsvector_literal(r[1]) for r in rows]
        differing = (
            await conn.execute(
                text(
                    "SELECT count(*) FROM unnest(CAST(:ids AS bigint[]), CAST(:lits AS text[])) AS x(id, lit) "
                    "JOIN search_units u ON u.id = x.id WHERE u.tokens <> x.lit::tsvector"
                ),
                {"ids": ids, "lits": literals},
            )
        ).scalar_one()
        longest = (await conn.execute(text("SELECT max(length(text)) FROM search_units"))).scalar_one()
    assert len(rows) > 100
    assert differing == 0
    assert longest <= MAX_UNIT_CHARS


def test_tree_is_the_egov_v2_law_full_text_shape(laws_dir: Path) -> None:
    for item in iter_law_sources([laws_dir]):
        law = parse_law(item.read(), source=item.name, law_id=item.law_id, law_revision_id=item.law_revision_id)
        assert tree_json(law.root) == orjson.dumps(law.root.to_json()), item.name
        assert orjson.loads(tree_json(law.root))["tag"] == "Law"
