"""Search SQL over ``search_units``: the one filter compiler, BM25, cited units (Boolean pages: store.keyword).

Stock PostgreSQL only (GIN over n-gram tsvectors, see :mod:`egov_core.text.query`). Ranking, fusion and
snippets are :mod:`egov_core.search`'s; this module reads rows.

Reading a row's tsvector (decompressing it) is what costs, so every statement asks the GIN index a
question it answers exactly without reading tokens (n-grams ANDed, no positions) and reads tokens for a
bounded window only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from egov_core.errors import InvalidQueryError
from egov_core.store.tables import PRIOR_LENGTH_MASK

__all__ = [
    "ProvisionFilter",
    "UnitRow",
    "bm25_units",
    "by_ordinal",
    "cited_unit",
    "conjunction",
    "provision_conditions",
    "sql_literal",
    "unit_document_frequencies",
    "unit_statistics",
]

# Prior weights of a unit: law type, and main provision vs 附則 (a question about a law is about its 本則, and an
# Act governs where its 施行令 repeats it). The numbers order results sensibly; they are not tuned.
_TYPE_WEIGHT = (
    "CASE su.law_type WHEN 'Constitution' THEN 1.3 WHEN 'Act' THEN 1.0 WHEN 'CabinetOrder' THEN 0.8 "
    "WHEN 'ImperialOrder' THEN 0.7 WHEN 'MinisterialOrdinance' THEN 0.7 WHEN 'Rule' THEN 0.6 ELSE 0.5 END"
)
_SUPPL_WEIGHT = "CASE WHEN su.in_suppl THEN 0.4 ELSE 1.0 END"
_UNIT_COLUMNS = (
    "su.law_id, l.title AS law_title, l.law_num, su.law_type, su.revision_id, su.path, su.seq, su.in_suppl, "
    "su.caption, su.title, su.text"
)


@dataclass(frozen=True, slots=True)
class ProvisionFilter:
    """Which provisions a search may return (every field None: all current provisions).

    Attributes:
        law_ids: only these laws.
        law_types: only laws of these e-Gov law types (``Act``, ``CabinetOrder`` …).
        categories: only laws in these e-Gov categories (the law's own ``category``, the same for every
            search and every edition).
        suppl: True: only 附則; False: no 附則; None: both.
        revision_ids: these stored revisions instead of the current ones (as-of searches).
    """

    law_ids: Sequence[str] | None = None
    law_types: Sequence[str] | None = None
    categories: Sequence[str] | None = None
    suppl: bool | None = None
    revision_ids: Sequence[int] | None = None


class UnitRow(NamedTuple):
    """One search unit as a search reads it (``score`` is the statement's own).

    A named tuple, as a row is: a search builds one per hit, and a frozen dataclass of these 12 fields cost 1.3
    CPU-µs to build against 0.3 (its ``__init__`` sets each field through ``object.__setattr__``).
    """

    law_id: str
    law_title: str | None
    law_num: str | None
    law_type: str | None
    revision_id: int
    path: str
    seq: int
    in_suppl: bool
    caption: str | None
    title: str | None
    text: str
    score: float


def sql_literal(value: str) -> str:
    """``value`` as a SQL string literal (standard_conforming_strings: only quotes are doubled)."""
    if "\x00" in value:
        raise InvalidQueryError("a filter value contains a NUL character")
    return "'" + value.replace("'", "''") + "'"


async def _laws_selected(conn: AsyncConnection, f: ProvisionFilter) -> set[str] | None:
    """The law ids ``f`` allows (None: every law)."""
    wanted: set[str] | None = set(f.law_ids) if f.law_ids is not None else None
    if f.law_types is None and f.categories is None:
        return wanted
    conditions: list[str] = []
    params: dict[str, Any] = {}
    if f.law_types is not None:
        conditions.append("law_type = ANY(:law_types)")
        params["law_types"] = list(f.law_types)
    if f.categories is not None:
        conditions.append("category = ANY(:categories)")
        params["categories"] = list(f.categories)
    if wanted is not None:
        conditions.append("law_id = ANY(:law_ids)")
        params["law_ids"] = sorted(wanted)
    rows = await conn.execute(text(f"SELECT law_id FROM laws WHERE {' AND '.join(conditions)}"), params)
    return {r[0] for r in rows}


async def provision_conditions(
    conn: AsyncConnection, f: ProvisionFilter, *, alias: str, current: bool = True
) -> list[str]:
    """The one filter compiler: SQL conditions on ``alias`` (a ``search_units`` or ``vector_chunks`` row).

    ``category`` means the law's e-Gov category (``laws.category``) for every search. Law types and
    categories are first resolved to the laws they select, and every law filter is then written into
    the statement as constant law ids: the planner estimates ``law_id = ANY(ARRAY[…])`` from the column's
    statistics, so a narrow filter (one law, the Constitution) is searched through the law index and a
    wide one (every Act) through the n-gram or HNSW index. (A bound list would do the same until a
    prepared statement's generic plan, which cannot see the list, took over.) The columns named
    (``law_id``, ``in_suppl``, ``revision_id``, ``is_current``) are in both tables.

    Args:
        conn: where law types and categories are looked up (only when the filter has them).
        f: the filter.
        alias: the table alias the conditions name.
        current: restrict to current revisions when ``f.revision_ids`` is None (``is_current``, kept
            by triggers: cheaper than joining ``laws``).
    """
    where: list[str] = []
    if f.revision_ids is not None:
        where.append(f"{alias}.revision_id = ANY(ARRAY[{', '.join(str(int(r)) for r in f.revision_ids)}]::bigint[])")
    elif current:
        where.append(f"{alias}.is_current")
    laws = await _laws_selected(conn, f)
    if laws is not None:
        where.append(f"{alias}.law_id = ANY(ARRAY[{', '.join(sql_literal(i) for i in sorted(laws))}]::text[])")
    if f.suppl is not None:
        where.append(f"{alias}.in_suppl" if f.suppl else f"NOT {alias}.in_suppl")
    return where


def conjunction(conditions: Sequence[str]) -> str:
    """``conditions`` as ``AND`` clauses to append to a ``WHERE`` (empty when there are none)."""
    return "".join(f" AND {c}" for c in conditions)


def _unit(r: Any) -> UnitRow:
    return UnitRow(
        r.law_id,
        r.law_title,
        r.law_num,
        r.law_type,
        r.revision_id,
        r.path,
        r.seq,
        r.in_suppl,
        r.caption,
        r.title,
        r.text,
        float(r.score or 0.0),
    )


async def unit_statistics(conn: AsyncConnection) -> tuple[int, float]:
    """(current units, their mean length in characters): BM25's corpus statistics."""
    row = (
        await conn.execute(
            text(
                f"SELECT count(*), coalesce(avg(su.prior & {PRIOR_LENGTH_MASK}), 1) FROM search_units su "
                "WHERE su.is_current"
            )
        )
    ).one()
    return int(row[0]), float(row[1])


async def unit_document_frequencies(
    conn: AsyncConnection, tsqueries: Sequence[str], ngrams: Sequence[str | None]
) -> list[int]:
    """How many current units match each tsquery: BM25's document frequencies, over the units
    :func:`unit_statistics` counts (a unit of an older revision is no document of today's corpus).

    ``ngrams[i]``: the one n-gram ``tsqueries[i]`` asks for, when it asks for one; its count is then read from
    the n-gram frequency table (migration 0008) instead of visiting every unit holding it.
    """
    rows = await conn.execute(
        text(
            "SELECT t.i, CASE WHEN t.ngram IS NOT NULL "
            "THEN coalesce((SELECT d.ndoc FROM search_token_df d WHERE d.token = t.ngram), 0) "
            "ELSE (SELECT count(*) FROM search_units x WHERE x.is_current AND x.tokens @@ CAST(t.q AS tsquery)) END "
            "FROM unnest(CAST(:qs AS text[]), CAST(:ngrams AS text[])) WITH ORDINALITY AS t(q, ngram, i) "
            "WHERE t.q <> ''"
        ),
        {"qs": list(tsqueries), "ngrams": list(ngrams)},
    )
    return by_ordinal(rows, len(tsqueries))


def by_ordinal(rows: Any, n: int) -> list[int]:
    """``(ordinal, count)`` rows of an ``unnest(...) WITH ORDINALITY`` statement as a list of ``n`` counts (0 where
    a row is missing: an empty tsquery is skipped)."""
    counts = {int(i): int(c) for i, c in rows}
    return [counts.get(i, 0) for i in range(1, n + 1)]


async def bm25_units(
    conn: AsyncConnection,
    *,
    tsqueries: Sequence[str],
    weights: Sequence[float],
    conditions: Sequence[str],
    avg_length: float,
    limit: int,
    k1: float,
    b: float,
    words: Sequence[str] = (),
    caption_weight: float = 0.0,
) -> list[UnitRow]:
    """Units ranked by ``Σ weight`` of the tsqueries they match, BM25-normalised by length, times the priors.

    Scored on the index and short columns only: the unit's length is the low 28 bits of ``prior`` (so no
    text is read, nor decompressed, for the thousands of units the words match); the page's rows are read
    afterwards. With ``caption_weight``, a word (``words``, one per tsquery) that is in the unit's 見出し
    counts that much more again: a caption names what the article is about.
    """
    caption = (
        f" + {float(caption_weight)} * sum(CASE WHEN strpos(su.caption, t.word) > 0 THEN t.w ELSE 0 END)"
        if caption_weight and words
        else ""
    )
    sql = f"""
        WITH scored AS (
            SELECT su.id,
                   (sum(t.w) * {k1 + 1}
                   / (1 + {k1} * (1 - {b} + {b} * (su.prior & {PRIOR_LENGTH_MASK}) / :avg)){caption})
                   * {_TYPE_WEIGHT} * {_SUPPL_WEIGHT} AS score
            FROM unnest(CAST(:qs AS text[]), CAST(:ws AS float8[]), CAST(:words AS text[])) AS t(q, w, word)
            JOIN search_units su ON su.tokens @@ CAST(t.q AS tsquery)
            WHERE TRUE{conjunction(conditions)}
            GROUP BY su.id
            ORDER BY score DESC, su.id
            LIMIT :limit
        )
        SELECT {_UNIT_COLUMNS}, s.score
        FROM scored s JOIN search_units su ON su.id = s.id JOIN laws l ON l.law_id = su.law_id
        ORDER BY s.score DESC, su.id
    """
    params = {
        "qs": list(tsqueries),
        "ws": list(weights),
        "words": list(words) or [""] * len(tsqueries),
        "avg": avg_length,
        "limit": limit,
    }
    return [_unit(r) for r in await conn.execute(text(sql), params)]


async def cited_unit(conn: AsyncConnection, law_id: str, path: str, conditions: Sequence[str]) -> UnitRow | None:
    """The search unit holding provision ``path`` of ``law_id`` (the unit itself or one containing it)."""
    row = (
        await conn.execute(
            text(
                f"SELECT {_UNIT_COLUMNS}, 0.0 AS score FROM search_units su JOIN laws l ON l.law_id = su.law_id "
                "WHERE su.law_id = :law_id AND (su.path = :path OR :path LIKE su.path || '-%')"
                f"{conjunction(conditions)} ORDER BY length(su.path) DESC, su.seq LIMIT 1"
            ),
            {"law_id": law_id, "path": path},
        )
    ).first()
    return _unit(row) if row is not None else None
