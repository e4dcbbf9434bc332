"""Semantic search: nearest chunks by cosine distance (pgvector HNSW), reported per retrieval unit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from egov_core.errors import InvalidQueryError
from egov_core.search import cited_in_query, cited_units, directory_for
from egov_core.store import translate_errors
from egov_core.text.query import MAX_QUERY_LENGTH, parse_query
from egov_core.text.snippets import UNRENDERED, make_snippet
from egov_vector.db.models import sql_literal, vector_literal
from egov_vector.embedders.base import Embedder
from egov_vector.search.hits import (
    CaseVectorHit,
    VectorHit,
    VectorPage,
    check_page,
    from_keyword,
    lift,
    render_snippets,
)
from egov_vector.search.lexical import content_terms, keyword_query_for

__all__ = ["autocommit", "nearest_chunks", "nearest_sql", "query_terms", "search_cases_semantic", "search_semantic"]

#: Chunks fetched per requested hit: several chunks of one long Article collapse into one hit.
_OVERFETCH = 4
_MAX_CANDIDATES = 1000
_HNSW_INFO_KEY = "egov_vector.hnsw"


def query_terms(query: str, max_query_length: int = MAX_QUERY_LENGTH) -> tuple[str, ...]:
    """Normalised terms of ``query`` for snippets: its content words when it is a sentence (as hybrid
    search's keyword side reads it), else its keyword terms; none when it does not parse."""
    if keyword_query_for(query) != query.strip():
        return tuple(content_terms(query))
    try:
        return parse_query(query, max_length=max_query_length).positive_terms
    except InvalidQueryError:
        return ()


def nearest_sql(
    embedder: Embedder,
    *,
    source_kind: str,
    where: Sequence[str] = (),
    joins: str = "",
    columns: str = "",
    outer_joins: str = "",
) -> str:
    """The k-nearest-chunks statement (bind ``:qv``, the query vector as text, and ``:k``).

    The model id and dimension are inlined, not bound: the per-model partial HNSW index only matches a
    query whose condition is that same constant. Law chunks are restricted to current revisions by
    ``vc.is_current``. ``joins`` take part in the scan (their tables may be filtered in ``where``);
    ``outer_joins`` only supply ``columns`` for the rows found. Keep joins out of the scan where a column
    of ``vector_chunks`` can filter instead: the planner misjudges a join's selectivity and then sorts
    every vector exactly rather than walking the HNSW graph.
    """
    dim = int(embedder.dimension)
    distance = f"vc.embedding::vector({dim}) <=> CAST(:qv AS vector({dim}))"
    conditions = [f"vc.model_id = {sql_literal(embedder.model_id)}", f"vc.source_kind = {sql_literal(source_kind)}"]
    if source_kind == "law":
        conditions.append("vc.is_current")
    return f"""
        WITH nn AS MATERIALIZED (
            SELECT vc.id, {distance} AS distance
            FROM vector_chunks vc {joins}
            WHERE {" AND ".join([*conditions, *where])}
            ORDER BY {distance}
            LIMIT :k
        )
        SELECT nn.distance, vc.law_id, vc.revision_id, vc.lawsuit_id, vc.unit_path, vc.path, vc.part, vc.in_suppl,
               vc.title, vc.caption, vc.text, vc.body_start{columns}
        FROM nn JOIN vector_chunks vc ON vc.id = nn.id {joins} {outer_joins}
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
    joins: str = "",
    columns: str = "",
    outer_joins: str = "",
    params: dict[str, Any] | None = None,
    ef_search: int = 100,
) -> list[Any]:
    """The ``k`` chunks nearest to ``vector`` for ``embedder``'s model (HNSW when the planner picks it).

    Filters run inside the index scan with pgvector's iterative scan, so a selective filter still fills
    the page. On an ``AUTOCOMMIT`` connection (what semantic search uses) the ``hnsw.*`` settings are set
    for the session, once per pooled connection and value, and the search is then one round trip; in a
    transaction they are set with ``set_config(..., true)`` (``SET LOCAL``), which ends with it.
    """
    sql = nearest_sql(
        embedder, source_kind=source_kind, where=where, joins=joins, columns=columns, outer_joins=outer_joins
    )
    bound = {**(params or {}), "qv": vector_literal(vector), "k": k}
    # HNSW returns at most ef_search rows per scan: never fewer than asked for.
    # Law chunks are always filtered (is_current): a scan keeps going past rows the filter drops.
    filtered = bool(where) or source_kind == "law"
    await _hnsw_settings(conn, min(1000, max(int(ef_search), k)), "relaxed_order" if filtered else "off")
    return list((await conn.execute(text(sql), bound)).all())


async def autocommit(conn: AsyncConnection) -> AsyncConnection:
    """``conn`` switched to ``AUTOCOMMIT``: a lone read needs no BEGIN / COMMIT round trips."""
    return await conn.execution_options(isolation_level="AUTOCOMMIT")


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


async def _law_filters(
    conn: AsyncConnection,
    law_ids: Sequence[str] | None,
    law_types: Sequence[str] | None,
    categories: Sequence[str] | None,
    suppl: bool | None,
) -> list[str]:
    """Conditions on ``vector_chunks`` alone for the law filters (law type and category read from ``laws``).

    The laws a type or category filter selects are looked up first and written into the statement as
    constants, not bound: the planner estimates ``law_id = ANY(ARRAY[…])`` from the column's statistics,
    so a narrow filter (one law, the Constitution) is searched exactly through the law index and a wide
    one (every Act) through HNSW. (A bound list would do the same until a prepared statement's generic
    plan, which cannot see the list, took over.)
    """
    where: list[str] = []
    wanted: set[str] | None = set(law_ids) if law_ids is not None else None
    if law_types is not None or categories is not None:
        conditions = ["current_revision_id IS NOT NULL"]
        lookup: dict[str, Any] = {}
        if law_types is not None:
            conditions.append("law_type = ANY(:law_types)")
            lookup["law_types"] = list(law_types)
        if categories is not None:
            conditions.append("category = ANY(:categories)")
            lookup["categories"] = list(categories)
        rows = await conn.execute(text(f"SELECT law_id FROM laws WHERE {' AND '.join(conditions)}"), lookup)
        matching = {r[0] for r in rows}
        wanted = matching if wanted is None else wanted & matching
    if wanted is not None:
        where.append(f"vc.law_id = ANY(ARRAY[{', '.join(sql_literal(i) for i in sorted(wanted))}]::text[])")
    if suppl is not None:
        where.append("vc.in_suppl" if suppl else "NOT vc.in_suppl")
    return where


async def search_semantic(
    engine: Any,
    embedder: Embedder,
    query: str,
    *,
    law_ids: Sequence[str] | None = None,
    law_types: Sequence[str] | None = None,
    categories: Sequence[str] | None = None,
    suppl: bool | None = None,
    limit: int = 20,
    offset: int = 0,
    lift_citations: bool = True,
    candidates: int = 100,
    ef_search: int = 100,
    max_query_length: int = MAX_QUERY_LENGTH,
    snippets: bool = True,
) -> VectorPage:
    """Provisions of the current revisions nearest in meaning to ``query``, one hit per Article.

    Args:
        engine: the store (an ``AsyncEngine``).
        embedder: the model whose vectors are searched (run ``egov embed`` for it first).
        query: free text (a question, a description) — no keyword syntax.
        law_ids / law_types / categories / suppl: the filters of keyword search.
        limit / offset: the page (offset ≤ 1,000).
        lift_citations: put provisions the query cites (「借地借家法第三十二条」) first.
        candidates: chunks looked at, at least; ef_search: HNSW search breadth.
        snippets: False leaves snippets unrendered, the best chunk's text in ``source_text`` (hybrid search
            renders the page's own).

    Raises:
        InvalidQueryError: empty or too long query, bad page.
        StorageError: the database failed.
    """
    check_page(limit, offset)
    if not query.strip():
        raise InvalidQueryError("query is empty")
    if len(query) > max_query_length:
        raise InvalidQueryError(f"query is {len(query)} characters; at most {max_query_length} are allowed")
    cited = await cited_in_query(query, directory_for(engine)) if lift_citations else None
    terms = query_terms(cited.remaining if cited and cited.resolutions else query, max_query_length)
    vector = (await embedder.embed_queries([query]))[0]
    k = min(_MAX_CANDIDATES, max(candidates, (offset + limit) * _OVERFETCH))
    with translate_errors():
        async with engine.connect() as conn:
            auto = await autocommit(conn)
            where = await _law_filters(auto, law_ids, law_types, categories, suppl)
            rows = await nearest_chunks(
                auto,
                embedder,
                vector,
                source_kind="law",
                k=k,
                where=where,
                outer_joins="JOIN laws l ON l.law_id = vc.law_id",
                columns=", l.title AS law_title, l.law_num, l.law_type",
                ef_search=ef_search,
            )
        hits: list[VectorHit] = []
        seen: set[tuple[str, str]] = set()
        for r in rows:
            if (r.law_id, r.unit_path) in seen:
                continue
            seen.add((r.law_id, r.unit_path))
            hits.append(
                VectorHit(
                    law_id=r.law_id,
                    law_title=r.law_title,
                    law_num=r.law_num,
                    law_type=r.law_type,
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
        total = len(hits)
        if cited is not None and cited.resolutions and offset == 0:
            lifted = [from_keyword(h) for h in await cited_units(engine, cited.resolutions, terms)]
            lifted = [h for h in lifted if _passes(h, law_ids, law_types, suppl)]
            hits = lift(hits, lifted)
            total = len(hits)
    page = hits[offset : offset + limit]
    # Snippets for the page only: up to four candidates per hit asked for were read.
    return VectorPage(
        hits=render_snippets(page, terms) if snippets else tuple(page),
        total=total,
        model_id=embedder.model_id,
        terms=terms,
    )


def _passes(hit: VectorHit, law_ids: Sequence[str] | None, law_types: Sequence[str] | None, suppl: bool | None) -> bool:
    return (
        (law_ids is None or hit.law_id in law_ids)
        and (law_types is None or hit.law_type in law_types)
        and (suppl is None or hit.in_suppl == suppl)
    )


async def search_cases_semantic(
    engine: Any,
    embedder: Embedder,
    query: str,
    *,
    court_names: Sequence[str] | None = None,
    trial_types: Sequence[str] | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int = 20,
    offset: int = 0,
    candidates: int = 100,
    ef_search: int = 100,
    max_query_length: int = MAX_QUERY_LENGTH,
) -> list[CaseVectorHit]:
    """Court decisions nearest in meaning to ``query`` (best chunk of 判示事項 / 裁判要旨 / 全文 per decision).

    Args:
        court_names / trial_types / date_from / date_to: the filters of keyword case search.

    Raises:
        InvalidQueryError: empty or too long query, bad page.
    """
    check_page(limit, offset)
    if not query.strip() or len(query) > max_query_length:
        raise InvalidQueryError(f"query must be 1 to {max_query_length} characters")
    terms = query_terms(query, max_query_length)
    vector = (await embedder.embed_queries([query]))[0]
    where: list[str] = []
    params: dict[str, Any] = {}
    for column, name, values in (("c.court_name", "courts", court_names), ("c.trial_type", "trial_types", trial_types)):
        if values is not None:
            where.append(f"{column} = ANY(:{name})")
            params[name] = list(values)
    if date_from is not None:
        where.append("c.date >= :date_from")
        params["date_from"] = date_from
    if date_to is not None:
        where.append("c.date <= :date_to")
        params["date_to"] = date_to
    k = min(_MAX_CANDIDATES, max(candidates, (offset + limit) * _OVERFETCH * 2))
    columns = ", c.case_number, c.case_name, c.court_name, c.trial_type, c.date"
    with translate_errors():
        async with engine.connect() as conn:
            rows = await nearest_chunks(
                await autocommit(conn),
                embedder,
                vector,
                source_kind="case",
                k=k,
                where=where,
                joins="JOIN cases c ON c.lawsuit_id = vc.lawsuit_id",
                columns=columns,
                params=params,
                ef_search=ef_search,
            )
    best: dict[str, Any] = {}
    for r in rows:
        best.setdefault(r.lawsuit_id, r)  # rows come nearest first: the first chunk of a decision is its best
    return [
        CaseVectorHit(
            lawsuit_id=r.lawsuit_id,
            case_number=r.case_number,
            case_name=r.case_name,
            court_name=r.court_name,
            trial_type=r.trial_type,
            date=r.date,
            score=1.0 - float(r.distance),
            snippet_field=r.unit_path,
            snippet=make_snippet(r.text[r.body_start :], terms),
            matched_part=r.part,
        )
        for r in list(best.values())[offset : offset + limit]
    ]
