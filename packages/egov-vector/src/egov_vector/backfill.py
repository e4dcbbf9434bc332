"""``egov embed``: bring the vectors of one model in line with the store, incrementally and resumably.

For every law's current revision (and every court decision) the wanted chunks are computed; a chunk
whose key and content hash are already stored is kept, one whose content hash is stored anywhere for
the model (an unchanged Article of a new revision) gets that vector copied, and only the rest is
embedded. Rows no longer wanted (old revisions, removed provisions, deleted laws) are removed once a
law's new rows are in. Every batch commits on its own, so a killed run resumes where it stopped.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.store import bump_data_version, translate_errors
from egov_vector import _sources
from egov_vector.chunking import Chunk, SourceKind
from egov_vector.current import CURRENT_CTE, current_pairs, refresh_current
from egov_vector.db.models import ensure_index, register_model, vector_literal
from egov_vector.embedders.base import Embedder
from egov_vector.settings import DEFAULT_HNSW_EF_CONSTRUCTION, DEFAULT_HNSW_M

__all__ = ["DEFAULT_BATCH", "BackfillProgress", "BackfillSummary", "backfill"]

#: Chunks per embed call and per committed transaction of a backfill. The embedder sorts a call's texts
#: by length before batching them, so a bigger call wastes less on padding: multilingual-e5-small in
#: bfloat16 on 2 cores embedded 768 statute chunks at 15.7 / 24.9 / 29.6 chunks/s in calls of 64 / 256 /
#: 768. A killed run loses at most one call's work.
DEFAULT_BATCH = 512


@dataclass
class BackfillProgress:
    """Counters while a backfill runs (passed to the ``progress`` callback after every batch).

    Attributes:
        sources_total / sources_done: laws and decisions to look at / looked at.
        chunks_total: wanted chunks seen so far.
        kept / reused / embedded / deleted: chunks already right / copied by content hash / newly embedded /
            removed.
        embed_seconds: time spent inside the embedder.
        started: ``time.monotonic()`` at the start.
    """

    sources_total: int = 0
    sources_done: int = 0
    chunks_total: int = 0
    kept: int = 0
    reused: int = 0
    embedded: int = 0
    deleted: int = 0
    embed_seconds: float = 0.0
    started: float = field(default_factory=time.monotonic)

    @property
    def chunks_per_s(self) -> float:
        """Embedding throughput (embedded chunks per second of embedder time)."""
        return self.embedded / self.embed_seconds if self.embed_seconds > 0 else 0.0


@dataclass(frozen=True, slots=True)
class BackfillSummary:
    """What a backfill did.

    Attributes:
        model_id / dimension: the embedder's.
        laws / cases: sources looked at.
        chunks: wanted chunks in total.
        kept / reused / embedded / deleted: see :class:`BackfillProgress`.
        seconds: wall time; chunks_per_s: embedded chunks per second of embedder time.
        indexes_created: source kinds whose HNSW index was built by this run.
    """

    model_id: str
    dimension: int
    laws: int
    cases: int
    chunks: int
    kept: int
    reused: int
    embedded: int
    deleted: int
    seconds: float
    chunks_per_s: float
    indexes_created: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Row:
    kind: SourceKind
    source_id: str
    revision_id: int | None
    chunk: Chunk


class _Writer:
    def __init__(self, engine: AsyncEngine, embedder: Embedder, progress: BackfillProgress) -> None:
        self.engine, self.embedder, self.p = engine, embedder, progress
        self.pending: list[_Row] = []
        self.cleanups: list[tuple[SourceKind, str, int | None, list[str]]] = []

    async def existing(self, kind: SourceKind, source_id: str) -> dict[tuple[int | None, str, int], str]:
        column = "law_id" if kind == "law" else "lawsuit_id"
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                text(
                    f"SELECT revision_id, path, part, content_hash FROM vector_chunks "
                    f"WHERE model_id = :m AND source_kind = :k AND {column} = :s"
                ),
                {"m": self.embedder.model_id, "k": kind, "s": source_id},
            )
            return {(r[0], r[1], r[2]): r[3] for r in rows}

    async def add(self, kind: SourceKind, source_id: str, revision_id: int | None, chunks: list[Chunk]) -> None:
        have = await self.existing(kind, source_id)
        self.p.chunks_total += len(chunks)
        for c in chunks:
            if have.get((revision_id, c.path, c.part)) == c.content_hash:
                self.p.kept += 1
            else:
                self.pending.append(_Row(kind, source_id, revision_id, c))
        wanted = [f"{c.path}#{c.part}" for c in chunks]
        stale = len(have) > sum(1 for c in chunks if (revision_id, c.path, c.part) in have)
        if stale:
            self.cleanups.append((kind, source_id, revision_id, wanted))

    async def flush(self, limit: int | None = None) -> None:
        """Write the first ``limit`` pending rows (all when None); stale rows go once nothing is pending."""
        cut = len(self.pending) if limit is None else limit
        rows, self.pending = self.pending[:cut], self.pending[cut:]
        cleanups: list[tuple[SourceKind, str, int | None, list[str]]] = []
        if not self.pending:
            cleanups, self.cleanups = self.cleanups, []
        model = self.embedder.model_id
        vectors: dict[str, str] = {}
        if rows:
            hashes = sorted({r.chunk.content_hash for r in rows})
            async with self.engine.connect() as conn:
                found = await conn.execute(
                    text(
                        "SELECT DISTINCT ON (content_hash) content_hash, embedding::text FROM vector_chunks "
                        "WHERE model_id = :m AND content_hash = ANY(:h)"
                    ),
                    {"m": model, "h": hashes},
                )
                vectors = {str(h): str(v) for h, v in found}
            todo: dict[str, str] = {}
            for r in rows:
                if r.chunk.content_hash not in vectors:
                    todo.setdefault(r.chunk.content_hash, r.chunk.text)
            self.p.reused += sum(1 for r in rows if r.chunk.content_hash in vectors)
            if todo:
                t0 = time.monotonic()
                embedded = await self.embedder.embed_documents(list(todo.values()))
                self.p.embed_seconds += time.monotonic() - t0
                for h, v in zip(todo, embedded, strict=True):
                    vectors[h] = vector_literal(v)
                self.p.embedded += sum(1 for r in rows if r.chunk.content_hash in todo)
        async with self.engine.begin() as conn:
            for kind, statement in (("law", _UPSERT), ("case", _UPSERT_CASE)):
                params = [_params(model, r, vectors[r.chunk.content_hash]) for r in rows if r.kind == kind]
                if params:
                    await conn.execute(text(statement), params)
            for kind, source_id, revision_id, wanted in cleanups:
                column = "law_id" if kind == "law" else "lawsuit_id"
                result = await conn.execute(
                    text(
                        f"DELETE FROM vector_chunks WHERE model_id = :m AND source_kind = :k AND {column} = :s "
                        "AND NOT (revision_id IS NOT DISTINCT FROM :r AND (path || '#' || part) = ANY(:w))"
                    ),
                    {"m": model, "k": kind, "s": source_id, "r": revision_id, "w": wanted},
                )
                self.p.deleted += result.rowcount


_UPSERT_COLUMNS = (
    "model_id, source_kind, law_id, revision_id, lawsuit_id, unit_path, path, part, in_suppl, title, caption, "
    "content_hash, text, body_start, embedding"
)
_UPSERT_VALUES = (
    ":model_id, :source_kind, :law_id, :revision_id, :lawsuit_id, :unit_path, :path, :part, :in_suppl, :title, "
    ":caption, :content_hash, :text, :body_start, CAST(:embedding AS vector)"
)
_UPSERT = f"""
INSERT INTO vector_chunks ({_UPSERT_COLUMNS}) VALUES ({_UPSERT_VALUES})
ON CONFLICT (model_id, revision_id, path, part) WHERE source_kind = 'law'
DO UPDATE SET content_hash = EXCLUDED.content_hash, text = EXCLUDED.text, body_start = EXCLUDED.body_start,
    embedding = EXCLUDED.embedding, unit_path = EXCLUDED.unit_path, in_suppl = EXCLUDED.in_suppl,
    title = EXCLUDED.title, caption = EXCLUDED.caption, embedded_at = now()
"""
_UPSERT_CASE = _UPSERT.replace(
    "(model_id, revision_id, path, part) WHERE source_kind = 'law'",
    "(model_id, lawsuit_id, path, part) WHERE source_kind = 'case'",
)


def _params(model: str, r: _Row, embedding: str) -> dict[str, object]:
    c = r.chunk
    return {
        "model_id": model,
        "source_kind": r.kind,
        "law_id": r.source_id if r.kind == "law" else None,
        "revision_id": r.revision_id,
        "lawsuit_id": r.source_id if r.kind == "case" else None,
        "unit_path": c.unit_path,
        "path": c.path,
        "part": c.part,
        "in_suppl": c.in_suppl,
        "title": c.title,
        "caption": c.caption,
        "content_hash": c.content_hash,
        "text": c.text,
        "body_start": c.body_start,
        "embedding": embedding,
    }


async def backfill(
    engine: AsyncEngine,
    embedder: Embedder,
    *,
    kinds: Collection[str] = ("law", "case"),
    law_ids: Collection[str] | None = None,
    lawsuit_ids: Collection[str] | None = None,
    batch_size: int = DEFAULT_BATCH,
    max_chars: int = 800,
    include_suppl: bool = True,
    build_index: bool = True,
    hnsw_m: int = DEFAULT_HNSW_M,
    hnsw_ef_construction: int = DEFAULT_HNSW_EF_CONSTRUCTION,
    progress: Callable[[BackfillProgress], None] | None = None,
) -> BackfillSummary:
    """Embed what is new or changed for ``embedder``'s model; remove what is no longer wanted.

    Args:
        engine: the store (migrated with egov-core's and egov-vector's migrations).
        embedder: the model to fill vectors for.
        kinds: ``law`` and/or ``case``.
        law_ids / lawsuit_ids: only these sources (None: all). Rows of other sources are left alone.
        batch_size: chunks per embed call and per committed transaction.
        max_chars: chunk size (see :func:`~egov_vector.chunking.chunk_law`).
        include_suppl: embed 附則 chunks too (False: they are not wanted, and removed if present).
        build_index: create the model's HNSW indexes at the end if missing.
        hnsw_m / hnsw_ef_construction: index parameters (an index built with others is rebuilt).
        progress: called with the running counters after every batch.

    Returns:
        What was kept, copied, embedded and deleted, and the embedding throughput.

    Raises:
        ModelMismatchError: the model id is registered with another dimension.
        StorageError: the database failed (everything committed so far stays; run again to resume).
    """
    unknown = set(kinds) - {"law", "case"}
    if unknown:
        raise ValueError(f"unknown source kinds {sorted(unknown)}: expected 'law' and/or 'case'")
    p = BackfillProgress()
    writer = _Writer(engine, embedder, p)
    model = embedder.model_id
    created: list[str] = []
    with translate_errors():
        async with engine.begin() as conn:
            await register_model(conn, model, embedder.dimension)
        async with engine.connect() as conn:
            laws = await _sources.current_laws(conn, law_ids) if "law" in kinds else []
            cases = await _sources.list_cases(conn, lawsuit_ids) if "case" in kinds else []
        p.sources_total = len(laws) + len(cases)
        for law in laws:
            async with engine.connect() as conn:
                chunks = await _sources.law_chunks(conn, law, max_chars)
            if not include_suppl:
                chunks = [c for c in chunks if not c.in_suppl]
            await writer.add("law", law.law_id, law.revision_id, chunks)
            p.sources_done += 1
            while len(writer.pending) >= batch_size:
                await writer.flush(batch_size)
                if progress is not None:
                    progress(p)
        for lawsuit_id in cases:
            async with engine.connect() as conn:
                chunks = await _sources.case_chunks(conn, lawsuit_id, max_chars)
            await writer.add("case", lawsuit_id, None, chunks)
            p.sources_done += 1
            while len(writer.pending) >= batch_size:
                await writer.flush(batch_size)
                if progress is not None:
                    progress(p)
        await writer.flush()
        if "law" in kinds and law_ids is None:
            # Laws deleted or left without a current revision: nothing above visited them.
            # (The current revisions are the ones read through core's read port above.)
            async with engine.begin() as conn:
                gone = await conn.execute(
                    text(
                        f"WITH {CURRENT_CTE} DELETE FROM vector_chunks vc WHERE vc.model_id = :m "
                        "AND vc.source_kind = 'law' AND NOT EXISTS "
                        "(SELECT 1 FROM cur WHERE cur.law_id = vc.law_id AND cur.revision_id = vc.revision_id)"
                    ),
                    {"m": model, **current_pairs(laws)},
                )
                p.deleted += gone.rowcount
        if progress is not None:
            progress(p)
        # Chunks of every model: a law's current revision may have changed since they were written.
        refreshed = await refresh_current(engine)
        if p.embedded or p.reused or p.deleted or refreshed:
            # Fresh statistics (model, source kind, is_current): the planner picks HNSW or an exact scan
            # from them, and autovacuum may not have looked at a table that just doubled.
            async with engine.begin() as conn:
                await conn.execute(text("ANALYZE vector_chunks"))
        if build_index:
            source_kinds: tuple[SourceKind, ...] = ("law", "case")
            for kind in source_kinds:
                if kind in kinds and await ensure_index(
                    engine, model, embedder.dimension, kind, m=hnsw_m, ef_construction=hnsw_ef_construction
                ):
                    created.append(kind)
        if p.embedded or p.reused or p.deleted or refreshed:
            # Semantic and hybrid answers are cached and served by replicas under data_version: without a
            # bump, a cached answer (or a replica that has not replayed the run) would outlive the vectors it
            # was computed from. Once per run, not per batch: a long run would otherwise flush every cache
            # every few seconds.
            async with engine.begin() as conn:
                await bump_data_version(conn)
    return BackfillSummary(
        model_id=model,
        dimension=embedder.dimension,
        laws=len(laws),
        cases=len(cases),
        chunks=p.chunks_total,
        kept=p.kept,
        reused=p.reused,
        embedded=p.embedded,
        deleted=p.deleted,
        seconds=time.monotonic() - p.started,
        chunks_per_s=p.chunks_per_s,
        indexes_created=tuple(created),
    )
