"""BM25 ranking over the n-gram index: a query's content words weighted by rarity (binary tf).

For a sentence (or keywords that the Boolean search answers poorly) the query is cut into content words
(:func:`egov_core.search.terms.content_terms`); each word's document frequency is read from the GIN
index, words in more than a fifth of all units are dropped, and units are scored by the BM25 weight of
the words they contain, times the prior weights keyword search ranks with (law type, 本則 before 附則). A
word matches a unit holding its n-grams (no positions): the GIN index answers
that alone, where a phrase would have it read and check the tokens of every unit the word's n-grams
occur in. Needs no model: both editions rank with it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.search._sql import SUPPL_WEIGHT, TYPE_WEIGHT
from egov_core.search.filters import law_conditions
from egov_core.search.model import ANY_LAW, Hit, LawFilter
from egov_core.store import translate_errors
from egov_core.store.tables import PRIOR_LENGTH_MASK
from egov_core.text.query import term_index_tsquery
from egov_core.text.snippets import UNRENDERED, make_snippet

__all__ = ["search_bm25"]

_MAX_DF_SHARE = 0.2
_K1, _B = 1.2, 0.75
# Corpus statistics change only with imports; a short TTL keeps them fresh without a query per search.
_STATS_TTL_S = 300.0
_stats: dict[int, tuple[float, int, float, dict[str, int]]] = {}


async def _corpus(engine: AsyncEngine) -> tuple[int, float, dict[str, int]]:
    key = id(engine)
    cached = _stats.get(key)
    if cached is not None and time.monotonic() - cached[0] < _STATS_TTL_S:
        return cached[1], cached[2], cached[3]
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                text(
                    f"SELECT count(*), coalesce(avg(su.prior & {PRIOR_LENGTH_MASK}), 1) FROM search_units su "
                    "WHERE su.is_current"
                )
            )
        ).one()
    entry: tuple[float, int, float, dict[str, int]] = (time.monotonic(), int(row[0]), float(row[1]), {})
    _stats[key] = entry
    return entry[1], entry[2], entry[3]


async def _document_frequencies(engine: AsyncEngine, terms: Sequence[str], cache: dict[str, int]) -> dict[str, int]:
    missing = [t for t in terms if t not in cache]
    if missing:
        queries = [term_index_tsquery(t) or "" for t in missing]
        async with engine.connect() as conn:
            rows = await conn.execute(
                text(
                    "SELECT t.i, (SELECT count(*) FROM search_units su WHERE su.tokens @@ CAST(t.q AS tsquery)) "
                    "FROM unnest(CAST(:qs AS text[])) WITH ORDINALITY AS t(q, i) WHERE t.q <> ''"
                ),
                {"qs": queries},
            )
            counts = {int(i): int(n) for i, n in rows}
        for i, term in enumerate(missing, 1):
            cache[term] = counts.get(i, 0)
    return {t: cache[t] for t in terms}


async def search_bm25(
    engine: AsyncEngine,
    terms: Sequence[str],
    *,
    filters: LawFilter = ANY_LAW,
    limit: int = 100,
    snippets: bool = True,
) -> list[Hit]:
    """Units ranked by the BM25 weight of ``terms`` (normalised words) they contain.

    Words found in more than a fifth of all units are left out, unless every word is: then all of them
    count (a question made of common words still gets an answer).
    ``snippets=False`` leaves snippets unrendered (the text in ``source_text``), as in keyword search.

    Returns:
        Hits (one per unit), best first; empty when no word occurs in the corpus.
    """
    terms = [t for t in dict.fromkeys(terms) if term_index_tsquery(t)]
    if not terms:
        return []
    with translate_errors():
        n, avg_len, cache = await _corpus(engine)
        df = await _document_frequencies(engine, terms, cache)
        usable = [t for t in terms if 0 < df[t] <= max(1, _MAX_DF_SHARE * n)] or [t for t in terms if df[t] > 0]
        if not usable:
            return []
        idf = [math.log((n - df[t] + 0.5) / (df[t] + 0.5) + 1.0) for t in usable]
        params: dict[str, Any] = {
            "qs": [term_index_tsquery(t) for t in usable],
            "idfs": idf,
            "limit": limit,
            "avg": avg_len,
        }
        async with engine.connect() as conn:
            where = await law_conditions(conn, filters, alias="su")
            # Scored on the index and fixed-width columns only: the unit's length is the low 28 bits of
            # ``prior`` (so no text is read, nor decompressed, for the thousands of units the terms match);
            # the page's rows are read afterwards.
            sql = f"""
                WITH scored AS (
                    SELECT su.id,
                           sum(t.idf) * {_K1 + 1}
                           / (1 + {_K1} * (1 - {_B} + {_B} * (su.prior & {PRIOR_LENGTH_MASK}) / :avg))
                           * {TYPE_WEIGHT} * {SUPPL_WEIGHT} AS score
                    FROM unnest(CAST(:qs AS text[]), CAST(:idfs AS float8[])) AS t(q, idf)
                    JOIN search_units su ON su.tokens @@ CAST(t.q AS tsquery)
                    WHERE {" AND ".join(where)}
                    GROUP BY su.id
                    ORDER BY score DESC, su.id
                    LIMIT :limit
                )
                SELECT su.law_id, l.title AS law_title, l.law_num, su.law_type, su.revision_id, su.path, su.seq,
                       su.in_suppl, su.caption, su.title, su.text, s.score
                FROM scored s JOIN search_units su ON su.id = s.id JOIN laws l ON l.law_id = su.law_id
                ORDER BY s.score DESC, su.id
            """
            rows = (await conn.execute(text(sql), params)).all()
    hits: list[Hit] = []
    seen: set[tuple[str, str]] = set()
    for r in rows:
        if (r.law_id, r.path) in seen:
            continue
        seen.add((r.law_id, r.path))
        hits.append(
            Hit(
                law_id=r.law_id,
                law_title=r.law_title,
                law_num=r.law_num,
                law_type=r.law_type,
                revision_id=r.revision_id,
                path=r.path,
                seq=r.seq,
                in_suppl=r.in_suppl,
                caption=r.caption,
                title=r.title,
                score=float(r.score),
                snippet=make_snippet(r.text, usable) if snippets else UNRENDERED,
                source_text=None if snippets else r.text,
            )
        )
    return hits
