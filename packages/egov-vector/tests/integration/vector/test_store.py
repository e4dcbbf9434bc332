"""Migrations, backfill, semantic search and the HNSW index on a real PostgreSQL with pgvector."""

from __future__ import annotations

import uuid

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information
import pytest
from egov_vector_testsupport import provisions
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.search import ProvisionFilter
from egov_core.settings import DatabaseSettings, EgovSettings
from egov_core.store import create_engine, migrate
from egov_vector import (
    DeterministicEmbedder,
    SentenceTransformerEmbedder,
    VectorExtensionMissingError,
    VectorRetriever,
    backfill,
    vector_health,
)
from egov_vector.db import ensure_index, index_name, index_options, vector_literal
from egov_vector.db.migrate import migrate_vector, vector_head_revision
from egov_vector.search import autocommit, nearest_chunks, nearest_sql

SHAKUCHI = "403AC0000000090"  # 借地借家法

pytestmark = [pytest.mark.integration, pytest.mark.vector]


async def test_migrations_are_idempotent_and_use_their_own_version_table(vector_engine: AsyncEngine) -> None:
    await migrate_vector(vector_engine)
    async with vector_engine.connect() as conn:
        assert await conn.scalar(text("SELECT version_num FROM alembic_version_vector")) == vector_head_revision()
        core = await conn.scalar(text("SELECT version_num FROM alembic_version"))
        assert core is not None
        assert core != vector_head_revision()


async def test_postgres_without_pgvector_is_a_clear_error() -> None:
    name = f"egov_t_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = SecretStr(f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}")
    engine = create_engine(EgovSettings(database=DatabaseSettings(url=url)))
    try:
        async with engine.connect() as conn:
            has_vector = await conn.scalar(text("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'"))
        if has_vector:
            pytest.skip("this PostgreSQL has pgvector")
        await migrate(engine)
        with pytest.raises(VectorExtensionMissingError, match="no pgvector"):
            await migrate_vector(engine)
    finally:
        await engine.dispose()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def test_round_trip_with_a_real_sentence_transformer(
    vector_engine: AsyncEngine, minilm: SentenceTransformerEmbedder
) -> None:
    summary = await backfill(vector_engine, minilm, kinds=("law",), law_ids=[SHAKUCHI])
    assert summary.laws == 1
    assert summary.embedded == summary.chunks > 60
    assert summary.dimension == 384
    async with vector_engine.connect() as conn:
        stored = await conn.scalar(
            text("SELECT text FROM vector_chunks WHERE model_id = :m AND path = 'MainProvision-Article_32'"),
            {"m": minilm.model_id},
        )
    assert stored is not None
    # The stored text of 第三十二条 is its own nearest neighbour (no citation lifting: the vector alone).
    hits = await VectorRetriever(minilm).nearest_provisions(
        vector_engine, stored, filters=ProvisionFilter([SHAKUCHI]), units=3
    )
    assert hits[0].path == "MainProvision-Article_32"
    assert hits[0].score > 0.99
    assert not hits[0].cited
    assert hits[0].law_title == "借地借家法"
    assert hits[0].caption == "（借賃増減請求権）"
    assert VectorRetriever(minilm).model_id == "sentence-transformers/all-MiniLM-L6-v2"


async def test_hnsw_index_is_used(vector_engine: AsyncEngine, hashing: DeterministicEmbedder) -> None:
    await backfill(vector_engine, hashing, kinds=("law",))
    vector = (await hashing.embed_queries(["建物の借賃の増減"]))[0]
    sql = nearest_sql(hashing, source_kind="law")
    params = {"qv": vector_literal(vector), "k": 5}
    async with vector_engine.begin() as conn:
        # A few hundred rows are cheaper to sort exactly than to search (through a scan or a btree index):
        # with sorting off, the HNSW scan is the only ordered path, which shows the planner can use it.
        await conn.execute(text("SET LOCAL enable_sort = off"))
        plan = "\n".join(r[0] for r in await conn.execute(text("EXPLAIN " + sql), params))
        rows = await nearest_chunks(conn, hashing, vector, source_kind="law", k=5)
    assert f"Index Scan using {index_name(hashing.model_id, 'law')}" in plan, plan
    assert len(rows) == 5


async def test_filters(vector_engine: AsyncEngine, hashing: DeterministicEmbedder) -> None:
    await backfill(vector_engine, hashing, kinds=("law",))
    only = await provisions(vector_engine, hashing, "建物の賃貸借", law_ids=[SHAKUCHI], limit=20)
    assert only.hits
    assert {h.law_id for h in only.hits} == {SHAKUCHI}
    suppl = await provisions(vector_engine, hashing, "施行期日", law_ids=[SHAKUCHI], suppl=True, limit=10)
    assert suppl.hits
    assert all(h.in_suppl and h.path.startswith("SupplProvision") for h in suppl.hits)
    main = await provisions(vector_engine, hashing, "施行期日", law_ids=[SHAKUCHI], suppl=False, limit=10)
    assert main.hits
    assert not any(h.in_suppl for h in main.hits)
    acts = await provisions(vector_engine, hashing, "規則", law_types=["Act"], limit=10)
    assert acts.hits
    assert {h.law_type for h in acts.hits} == {"Act"}
    none = await provisions(vector_engine, hashing, "規則", law_types=["Constitution"], limit=10)
    assert none.hits == ()


async def test_health(vector_engine: AsyncEngine, hashing: DeterministicEmbedder) -> None:
    await backfill(vector_engine, hashing)
    health = await vector_health(vector_engine, hashing)
    assert health["status"] == "ok"
    assert health["model_id"] == hashing.model_id
    assert health["dimension"] == 96
    assert health["chunks"]["law"] > 100
    assert health["chunks"]["case"] > 0
    assert health["index"] == {"law": True, "case": True}
    unknown = await vector_health(vector_engine, DeterministicEmbedder(40))
    assert unknown["status"] == "empty"
    assert unknown["chunks"] == {"law": 0, "case": 0}


async def test_index_rebuilt_when_its_parameters_change(vector_engine: AsyncEngine) -> None:
    small = DeterministicEmbedder(dimension=48)  # a model of its own: the shared index stays as it is
    await backfill(vector_engine, small, kinds=("law",), law_ids=[SHAKUCHI], hnsw_m=8, hnsw_ef_construction=32)
    assert await index_options(vector_engine, small.model_id, "law") == {"m": 8, "ef_construction": 32}
    assert not await ensure_index(vector_engine, small.model_id, 48, "law", m=8, ef_construction=32)
    assert await ensure_index(vector_engine, small.model_id, 48, "law", m=12, ef_construction=40)
    assert await index_options(vector_engine, small.model_id, "law") == {"m": 12, "ef_construction": 40}
    async with vector_engine.connect() as conn:
        valid = await conn.scalar(
            text("SELECT bool_and(i.indisvalid) FROM pg_index i WHERE i.indexrelid = to_regclass(:n)"),
            {"n": index_name(small.model_id, "law")},
        )
        leftover = await conn.scalar(text("SELECT to_regclass(:n)"), {"n": index_name(small.model_id, "law") + "_new"})
    assert valid
    assert leftover is None
    page = await provisions(vector_engine, small, "建物の賃貸借", law_ids=[SHAKUCHI], limit=3)
    assert page.hits


async def test_hnsw_settings_are_per_session_on_autocommit_and_local_in_a_transaction(
    vector_engine: AsyncEngine, hashing: DeterministicEmbedder
) -> None:
    await backfill(vector_engine, hashing, kinds=("law",))
    vector = (await hashing.embed_queries(["建物の借賃の増減"]))[0]
    async with vector_engine.connect() as conn:
        auto = await autocommit(conn)
        await nearest_chunks(auto, hashing, vector, source_kind="law", k=5, ef_search=77)
        assert await auto.scalar(text("SHOW hnsw.ef_search")) == "77"
        await nearest_chunks(auto, hashing, vector, source_kind="law", k=5, ef_search=91, where=["NOT vc.in_suppl"])
        assert await auto.scalar(text("SHOW hnsw.ef_search")) == "91"
        assert await auto.scalar(text("SHOW hnsw.iterative_scan")) == "relaxed_order"
    async with vector_engine.connect() as conn:
        async with conn.begin():
            await nearest_chunks(conn, hashing, vector, source_kind="law", k=5, ef_search=55)
            assert await conn.scalar(text("SHOW hnsw.ef_search")) == "55"
        assert await conn.scalar(text("SHOW hnsw.ef_search")) != "55"
