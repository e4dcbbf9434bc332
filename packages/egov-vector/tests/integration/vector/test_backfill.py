"""Incremental, resumable backfill: nothing twice, only changed chunks after a new revision."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.ingest import ingest_laws
from egov_core.store import get_data_version
from egov_vector import DeterministicEmbedder, ModelMismatchError, backfill
from egov_vector.chunking import chunk_law

RULE = "419M60400000005"  # a 規則 with two revisions in the fixtures
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

pytestmark = [pytest.mark.integration, pytest.mark.vector]


async def _rows(engine: AsyncEngine, model_id: str, law_id: str) -> list[tuple[int, str, int, str]]:
    async with engine.connect() as conn:
        result = await conn.execute(
            text(
                "SELECT revision_id, path, part, content_hash FROM vector_chunks "
                "WHERE model_id = :m AND law_id = :l ORDER BY path, part"
            ),
            {"m": model_id, "l": law_id},
        )
        return [(int(r[0]), str(r[1]), int(r[2]), str(r[3])) for r in result]


async def _current(engine: AsyncEngine, law_id: str) -> int:
    async with engine.connect() as conn:
        value = await conn.scalar(text("SELECT current_revision_id FROM laws WHERE law_id = :l"), {"l": law_id})
    assert value is not None
    return int(value)


async def test_second_run_embeds_nothing_and_a_new_revision_only_its_changes(vector_engine: AsyncEngine) -> None:
    embedder = DeterministicEmbedder(72)
    version = await get_data_version(vector_engine)
    first = await backfill(vector_engine, embedder, batch_size=32)
    assert first.embedded + first.reused == first.chunks > 100
    assert first.indexes_created == ("law", "case")
    # New vectors change semantic answers: cached ones (keyed by data_version) must not outlive them.
    assert await get_data_version(vector_engine) == version + 1

    again = await backfill(vector_engine, embedder)
    assert (again.embedded, again.reused, again.deleted) == (0, 0, 0)
    assert again.kept == first.chunks
    assert await get_data_version(vector_engine) == version + 1  # nothing changed: caches stay warm

    old_revision = await _current(vector_engine, RULE)
    before = await _rows(vector_engine, embedder.model_id, RULE)
    assert before
    assert {r[0] for r in before} == {old_revision}

    newer = FIXTURES / "revisions" / f"{RULE}_20190701_501M60400000003.xml"
    await ingest_laws(vector_engine, [newer], workers=1)
    new_revision = await _current(vector_engine, RULE)
    assert new_revision != old_revision

    changed = await backfill(vector_engine, embedder, kinds=("law",), law_ids=[RULE])
    after = await _rows(vector_engine, embedder.model_id, RULE)
    assert {r[0] for r in after} == {new_revision}  # the old revision's rows are gone
    unchanged = {r[3] for r in before} & {r[3] for r in after}
    assert unchanged, "the two revisions share articles"
    assert changed.reused == len([r for r in after if r[3] in unchanged])
    assert changed.embedded == len(after) - changed.reused > 0
    assert changed.deleted == len(before)
    assert changed.kept == 0


async def test_chunks_match_the_pure_chunker(vector_engine: AsyncEngine) -> None:
    embedder = DeterministicEmbedder(80)
    await backfill(vector_engine, embedder, kinds=("law",), law_ids=["403AC0000000090"])
    from egov_core.parsing import parse_law

    path = FIXTURES / "laws" / "403AC0000000090.xml"
    law = parse_law(path.read_bytes(), source=path.name, law_id="403AC0000000090")
    expected = {(c.path, c.part, c.content_hash) for c in chunk_law(law.metadata.title, law.provisions)}
    stored = {(r[1], r[2], r[3]) for r in await _rows(vector_engine, embedder.model_id, "403AC0000000090")}
    assert stored == expected


async def test_a_model_id_keeps_its_dimension(vector_engine: AsyncEngine) -> None:
    class Impostor(DeterministicEmbedder):
        @property
        def model_id(self) -> str:
            return "egov/deterministic-ngram-v1-72"

    with pytest.raises(ModelMismatchError, match="dimension 72"):
        await backfill(vector_engine, Impostor(48), kinds=("law",), law_ids=[RULE])


async def test_backfill_resumes_after_an_interruption(vector_engine: AsyncEngine) -> None:
    embedder = DeterministicEmbedder(88)

    class StopBackfillError(Exception):
        pass

    calls = 0

    def stop_after_two_batches(_: object) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise StopBackfillError

    with pytest.raises(StopBackfillError):
        await backfill(vector_engine, embedder, kinds=("law",), batch_size=16, progress=stop_after_two_batches)
    async with vector_engine.connect() as conn:
        done = await conn.scalar(
            text("SELECT count(*) FROM vector_chunks WHERE model_id = :m"), {"m": embedder.model_id}
        )
    assert done == 32  # two committed batches survive
    resumed = await backfill(vector_engine, embedder, kinds=("law",))
    assert resumed.kept == 32
    assert resumed.embedded + resumed.reused == resumed.chunks - 32
