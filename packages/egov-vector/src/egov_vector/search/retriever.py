"""Vector retrieval: the query embedded (cached), nearest chunks by cosine distance (pgvector HNSW).

:class:`VectorRetriever` is what the Full edition plugs into egov-core's search pipeline
(:class:`egov_core.search.Retriever`): it reports one hit per retrieval unit (provisions) or decision,
and filters through core's filter compiler, so every filter means what it means in keyword search.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import numpy as np
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from egov_core.search import CaseFilter, CaseHit, Hit, ProvisionFilter
from egov_core.store import CORE_READS, CoreReads, ReadSource, translate_errors
from egov_core.text.snippets import UNRENDERED, make_snippet
from egov_vector.db.models import sql_literal, vector_literal
from egov_vector.embedders.base import Embedder

__all__ = ["QUERY_CACHE_SIZE", "VectorRetriever", "autocommit", "nearest_chunks", "nearest_sql"]

#: Chunks fetched per requested hit: several chunks of one long Article collapse into one hit.
_OVERFETCH = 4
_MAX_CANDIDATES = 1000
_HNSW_INFO_KEY = "egov_vector.hnsw"
#: Query embeddings kept per retriever (a repeated query, or a hybrid page after a semantic one, is not
#: embedded again: on a CPU the embedding is most of a vector search's time).
QUERY_CACHE_SIZE = 1024


def nearest_sql(embedder: Embedder, *, source_kind: str, where: Sequence[str] = (), columns: str = "") -> str:
    """The k-nearest-chunks statement (bind ``:qv``, the query vector as text, and ``:k``).

    The model id and dimension are inlined, not bound: the per-model partial HNSW index only matches a
    query whose condition is that same constant. Law chunks are restricted to current revisions by
    ``vc.is_current``. ``where`` holds conditions on ``vector_chunks`` (alias ``vc``), filtered inside the
    scan; ``columns`` adds ``vector_chunks`` columns to the rows found. The statement reads no other table:
    core's filters come through the read port as conditions on ``vc``'s own columns (a join in the scan
    hid its selectivity from the planner, which then sorted every vector exactly rather than walking the
    HNSW graph), and what hits show of their law or decision is read for the rows found.
    """
    dim = int(embedder.dimension)
    distance = f"vc.embedding::vector({dim}) <=> CAST(:qv AS vector({dim}))"
    conditions = [f"vc.model_id = {sql_literal(embedder.model_id)}", f"vc.source_kind = {sql_literal(source_kind)}"]
    if source_kind == "law":
        conditions.append("vc.is_current")
    return f"""
        WITH nn AS MATERIALIZED (
            SELECT vc.id, {distance} AS distance
            FROM vector_chunks vc
            WHERE {" AND ".join([*conditions, *where])}
            ORDER BY {distance}
            LIMIT :k
        )
        SELECT nn.distance, vc.law_id, vc.revision_id, vc.lawsuit_id, vc.unit_path, vc.path, vc.part, vc.in_suppl,
               vc.title, vc.caption, vc.text, vc.body_start{columns}
        FROM nn JOIN vector_chunks vc ON vc.id = nn.id
        ORDER BY nn.distance, vc.id
    """


async def nearest_chunks(
    conn: AsyncConnection,
    embedder: Embedder,
    vector: np.ndarray[Any, Any],
    *,
    source_kind: str,
    k: int,
    where: Sequence[str] = (),
    columns: str = "",
    params: dict[str, Any] | None = None,
    ef_search: int = 100,
) -> list[Any]:
    """The ``k`` chunks nearest to ``vector`` for ``embedder``'s model (HNSW when the planner picks it).

    Filters run inside the index scan with pgvector's iterative scan, so a selective filter still fills
    the page. On an ``AUTOCOMMIT`` connection (what semantic search uses) the ``hnsw.*`` settings are set
    for the session, once per pooled connection and value, and the search is then one round trip; in a
    transaction they are set with ``set_config(..., true)`` (``SET LOCAL``), which ends with it.
    """
    sql = nearest_sql(embedder, source_kind=source_kind, where=where, columns=columns)
    bound = {**(params or {}), "qv": vector_literal(vector), "k": k}
    # HNSW returns at most ef_search rows per scan: never fewer than asked for.
    # Law chunks are always filtered (is_current): a scan keeps going past rows the filter drops.
    filtered = bool(where) or source_kind == "law"
    await _hnsw_settings(conn, min(1000, max(int(ef_search), k)), "relaxed_order" if filtered else "off")
    return list((await conn.execute(text(sql), bound)).all())


async def autocommit(conn: AsyncConnection) -> AsyncConnection:
    """``conn`` switched to ``AUTOCOMMIT``: a lone read needs no BEGIN / COMMIT round trips."""
    return await conn.execution_options(isolation_level="AUTOCOMMIT")


@asynccontextmanager
async def _reading(source: ReadSource) -> AsyncIterator[AsyncConnection]:
    """A connection from ``source`` for one retrieval, with errors translated.

    ``Database.reads`` hands out connections whose isolation is already chosen: ``AUTOCOMMIT`` on the primary
    and on a replica, ``REPEATABLE READ`` behind a transaction pooler (one transaction per read, which has
    begun with its data_version check and must not be switched). A plain engine's connection is switched to
    ``AUTOCOMMIT`` here, as every retrieval did before it read through a read source.
    """
    with translate_errors():
        async with source.connect() as conn:
            chosen = (
                conn.sync_connection is not None and "isolation_level" in conn.sync_connection.get_execution_options()
            )
            yield conn if chosen else await autocommit(conn)


async def _hnsw_settings(conn: AsyncConnection, ef_search: int, iterative_scan: str) -> None:
    wanted = (ef_search, iterative_scan)
    values = {"ef": str(ef_search), "it": iterative_scan}
    if (
        conn.sync_connection is None
        or conn.sync_connection.get_execution_options().get("isolation_level") != "AUTOCOMMIT"
    ):
        statement = "SELECT set_config('hnsw.ef_search', :ef, true), set_config('hnsw.iterative_scan', :it, true)"
        await conn.execute(text(statement), values)
        return
    # Session-level values outlive the checkout; the pool record's ``info`` (cleared when the connection
    # is replaced) remembers them, so only a change costs a round trip. Only HNSW scans read them.
    raw = await conn.get_raw_connection()
    if raw.info.get(_HNSW_INFO_KEY) != wanted:
        statement = "SELECT set_config('hnsw.ef_search', :ef, false), set_config('hnsw.iterative_scan', :it, false)"
        await conn.execute(text(statement), values)
        raw.info[_HNSW_INFO_KEY] = wanted


class VectorRetriever:
    """Nearest provisions and decisions for one embedding model (egov-core's ``Retriever``).

    Args:
        embedder: the model whose vectors are searched (run ``egov embed`` for it first).
        candidates: chunks looked at per search, at least.
        ef_search: HNSW search breadth.
        cache_size: query embeddings kept (least recently used dropped first).
        reads: core's read port (filters and what hits show of their law or decision).
    """

    def __init__(
        self,
        embedder: Embedder,
        *,
        candidates: int = 100,
        ef_search: int = 100,
        cache_size: int = QUERY_CACHE_SIZE,
        reads: CoreReads = CORE_READS,
    ) -> None:
        self.embedder = embedder
        self.reads = reads
        self.candidates = candidates
        self.ef_search = ef_search
        self._cache: OrderedDict[str, np.ndarray[Any, Any]] = OrderedDict()
        self._cache_size = cache_size

    @property
    def model_id(self) -> str:
        """The embedding model's id."""
        return self.embedder.model_id

    async def embed_query(self, query: str) -> np.ndarray[Any, Any]:
        """``query``'s vector, from the cache when it was embedded recently."""
        cached = self._cache.get(query)
        if cached is not None:
            self._cache.move_to_end(query)
            return cached
        vector: np.ndarray[Any, Any] = np.asarray((await self.embedder.embed_queries([query]))[0])
        self._cache[query] = vector
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return vector

    async def nearest_provisions(
        self, source: ReadSource, query: str, *, filters: ProvisionFilter, units: int
    ) -> list[Hit]:
        """Up to ``units`` retrieval units (Articles) of the current revisions nearest to ``query``.

        ``source`` is where it reads: ``Database.reads`` (a replica when one is up and current, as for keyword
        search), or an engine.

        Raises:
            StorageError: the database failed.
        """
        vector = await self.embed_query(query)
        k = min(_MAX_CANDIDATES, max(self.candidates, units * _OVERFETCH))
        async with _reading(source) as conn:
            where = await self.reads.provision_filter(conn, filters, alias="vc")
            rows = await nearest_chunks(
                conn, self.embedder, vector, source_kind="law", k=k, where=where, ef_search=self.ef_search
            )
            laws = await self.reads.law_heads(conn, {r.law_id for r in rows})
        hits: list[Hit] = []
        seen: set[tuple[str, str]] = set()
        for r in rows:
            law = laws.get(r.law_id)
            if law is None or (r.law_id, r.unit_path) in seen:  # a law removed since: not a hit
                continue
            seen.add((r.law_id, r.unit_path))
            hits.append(
                Hit(
                    law_id=r.law_id,
                    law_title=law.title,
                    law_num=law.law_num,
                    law_type=law.law_type,
                    revision_id=r.revision_id,
                    path=r.unit_path,
                    seq=0,
                    in_suppl=r.in_suppl,
                    caption=r.caption,
                    title=r.title,
                    score=1.0 - float(r.distance),
                    snippet=UNRENDERED,
                    matched_path=r.path,
                    source_text=r.text[r.body_start :],
                )
            )
        return hits

    async def similarities(
        self, source: ReadSource, query: str, keys: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], float]:
        """Cosine similarity of ``query`` to the best current chunk of each unit in ``keys`` (read exactly, by
        law id and unit path: a few dozen rows, no index walk)."""
        if not keys:
            return {}
        vector = await self.embed_query(query)
        dim = int(self.embedder.dimension)
        sql = f"""
            SELECT vc.law_id, vc.unit_path,
                   max(1 - (vc.embedding::vector({dim}) <=> CAST(:qv AS vector({dim})))) AS similarity
            FROM vector_chunks vc
            JOIN unnest(CAST(:law_ids AS text[]), CAST(:paths AS text[])) AS k(law_id, unit_path)
              ON vc.law_id = k.law_id AND vc.unit_path = k.unit_path
            WHERE vc.model_id = {sql_literal(self.embedder.model_id)} AND vc.source_kind = 'law' AND vc.is_current
            GROUP BY vc.law_id, vc.unit_path
        """
        params = {"qv": vector_literal(vector), "law_ids": [k[0] for k in keys], "paths": [k[1] for k in keys]}
        async with _reading(source) as conn:
            rows = await conn.execute(text(sql), params)
            return {(r.law_id, r.unit_path): float(r.similarity) for r in rows}

    async def nearest_cases(
        self, source: ReadSource, query: str, *, filters: CaseFilter, decisions: int, terms: Sequence[str]
    ) -> list[CaseHit]:
        """Up to ``decisions`` decisions nearest to ``query`` (best chunk of 判示事項 / 裁判要旨 / 全文 each).

        Raises:
            StorageError: the database failed.
        """
        vector = await self.embed_query(query)
        where, params = self.reads.case_filter(filters, alias="vc")
        k = min(_MAX_CANDIDATES, max(self.candidates, decisions * _OVERFETCH * 2))
        async with _reading(source) as conn:
            rows = await nearest_chunks(
                conn,
                self.embedder,
                vector,
                source_kind="case",
                k=k,
                where=where,
                params=params,
                ef_search=self.ef_search,
            )
            best: dict[str, Any] = {}
            for r in rows:
                best.setdefault(r.lawsuit_id, r)  # rows come nearest first: a decision's first chunk is its best
            found = list(best.values())[:decisions]
            cases = await self.reads.case_heads(conn, [r.lawsuit_id for r in found])
        return [
            CaseHit(
                lawsuit_id=r.lawsuit_id,
                case_number=c.case_number,
                case_name=c.case_name,
                court_name=c.court_name,
                trial_type=c.trial_type,
                date=c.date,
                score=1.0 - float(r.distance),
                snippet_field=r.unit_path,
                snippet=make_snippet(r.text[r.body_start :], terms),
                matched_part=r.part,
            )
            for r in found
            if (c := cases.get(r.lawsuit_id)) is not None  # a decision removed since: not a hit
        ]
