"""BM25 ranking over the n-gram index: a query's words weighted by rarity (binary tf), for provisions and decisions.

For a sentence (or keywords that the Boolean search answers poorly) the query is cut into content words
(:func:`egov_core.search.terms.content_terms`); each word's document frequency over the current units is
read from the n-gram frequency table (a one-n-gram word) or counted through the GIN index, words in more than
a tenth of all units are dropped (unless nothing rarer is left), and units are
scored by the BM25 weight of the words they contain, times the prior weights keyword search ranks with
(law type, 本則 before 附則). A word matches a unit holding its n-grams (no positions): the GIN index
answers that alone, where a phrase would have it read and check the tokens of every unit the word's
n-grams occur in. Needs no model: both editions rank with it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

from egov_core.search.cases import case_hit
from egov_core.search.keyword import unit_hit
from egov_core.search.model import ANY_CASE, ANY_PROVISION, CaseFilter, CaseHit, Hit, ProvisionFilter
from egov_core.store import case_search, translate_errors
from egov_core.store import search as sql
from egov_core.store.database import ReadSource
from egov_core.text.query import term_index_tsquery, term_tokens

__all__ = ["BM25Weights", "search_bm25", "search_cases_bm25"]

#: Words in more than this share of the units are dropped (unless no rarer word is left). Such a word weighs
#: little (idf ~2 against 6-8 for the words that decide) and costs a scan of its whole posting list: on lawqa_jp
#: over the whole corpus 0.1 instead of 0.2 left R@10 / MRR@10 of lexical, ranked and hybrid search unchanged
#: on both dev sets and cut ranked search's slowest question (「…厚生労働大臣…省令…事項…」, 44,627 postings) from
#: ~150-260 ms to under 100.
MAX_DF_SHARE = 0.1
# Measured on lawqa_jp over the whole corpus (ranked search, present gold): 48 words R@10 0.784 at p50 757 ms,
# 16 words 0.745 at 45 ms (in process, on 2 cores under a load of ~20): the rarest words carry the ranking.
#: Words a BM25 ranking weighs at most (the rarest of the query's).
MAX_WORDS = 16
_K1, _B = 1.2, 0.75
# Corpus statistics change only with imports; a short TTL keeps them fresh without a query per search.
_STATS_TTL_S = 300.0
_stats: dict[tuple[int, str], tuple[float, int, float, dict[str, int]]] = {}


async def _statistics(engine: ReadSource, kind: str) -> tuple[int, float, dict[str, int]]:
    """(documents, mean length, document-frequency cache) of ``kind`` (units or cases), cached per engine."""
    key = (id(engine), kind)
    cached = _stats.get(key)
    if cached is not None and time.monotonic() - cached[0] < _STATS_TTL_S:
        return cached[1], cached[2], cached[3]
    async with engine.connect() as conn:
        n, avg = await sql.unit_statistics(conn) if kind == "units" else (await case_search.case_statistics(conn), 1.0)
    _stats[key] = (time.monotonic(), n, avg, {})
    return n, avg, _stats[key][3]


async def _weights(engine: ReadSource, kind: str, terms: Sequence[str]) -> tuple[list[str], list[float], float]:
    """(usable words, their idf, mean length) for ``terms``: words in no document are dropped, and so
    are words in more than MAX_DF_SHARE of them unless every word is."""
    n, avg, cache = await _statistics(engine, kind)
    missing = [t for t in terms if t not in cache]
    if missing:
        queries = [term_index_tsquery(t) or "" for t in missing]
        async with engine.connect() as conn:
            if kind == "units":
                ngrams = [tokens[0] if len(tokens := term_tokens(t)) == 1 else None for t in missing]
                counts = await sql.unit_document_frequencies(conn, queries, ngrams)
            else:
                counts = await case_search.case_document_frequencies(conn, queries)
            for term, df in zip(missing, counts, strict=True):
                cache[term] = df
    usable = [t for t in terms if 0 < cache[t] <= max(1, MAX_DF_SHARE * n)] or [t for t in terms if cache[t] > 0]
    # The rarest words carry the ranking; every further word costs an index scan and its matching rows.
    usable = sorted(usable, key=lambda t: cache[t])[:MAX_WORDS]
    idf = [math.log((n - cache[t] + 0.5) / (cache[t] + 0.5) + 1.0) for t in usable]
    return usable, idf, avg


@dataclass(frozen=True, slots=True)
class BM25Weights:
    """How much some words count beyond their idf (measured on lawqa_jp; see the README's eval table).

    Attributes:
        caption: extra weight of a word found in the unit's 見出し (0: none).
        piece: weight of a 3-character piece of a longer run (「届出書提出外国会社」 → 「外国会」), relative
            to a whole word (1: the same).
    """

    caption: float = 0.0
    piece: float = 1.0


def _piece_weights(words: Sequence[str], piece: float) -> list[float]:
    runs = [w for w in words if len(w) > 4]
    return [piece if len(w) == 3 and any(w in r for r in runs) else 1.0 for w in words]


def _searchable(terms: Sequence[str]) -> list[str]:
    return [t for t in dict.fromkeys(terms) if term_index_tsquery(t)]


async def search_bm25(
    engine: ReadSource,
    terms: Sequence[str],
    *,
    filters: ProvisionFilter = ANY_PROVISION,
    limit: int = 100,
    snippets: bool = True,
    weights: BM25Weights | None = None,
) -> list[Hit]:
    """Units ranked by the BM25 weight of ``terms`` (normalised words) they contain.

    ``snippets=False`` leaves snippets unrendered (the text in ``source_text``), as in keyword search.

    Returns:
        Hits (one per unit), best first; empty when no word occurs in the corpus.
    """
    bm = weights or BM25Weights()
    words = _searchable(terms)
    if not words:
        return []
    with translate_errors():
        usable, idf, avg = await _weights(engine, "units", words)
        if not usable:
            return []
        async with engine.connect() as conn:
            conditions = await sql.provision_conditions(conn, filters, alias="su")
            rows = await sql.bm25_units(
                conn,
                tsqueries=[term_index_tsquery(t) or "" for t in usable],
                weights=[i * p for i, p in zip(idf, _piece_weights(usable, bm.piece), strict=True)],
                conditions=conditions,
                avg_length=avg,
                limit=limit,
                k1=_K1,
                b=_B,
                words=usable,
                caption_weight=bm.caption,
            )
    hits: list[Hit] = []
    seen: set[tuple[str, str]] = set()
    for r in rows:
        if (r.law_id, r.path) not in seen:
            seen.add((r.law_id, r.path))
            hits.append(unit_hit(r, usable, snippets=snippets))
    return hits


async def search_cases_bm25(
    engine: ReadSource, terms: Sequence[str], *, filters: CaseFilter = ANY_CASE, limit: int = 100
) -> list[CaseHit]:
    """Decisions ranked by the idf of ``terms`` they contain (case name, 判示事項, 裁判要旨, full text)."""
    words = _searchable(terms)
    if not words:
        return []
    with translate_errors():
        usable, idf, _ = await _weights(engine, "cases", words)
        if not usable:
            return []
        async with engine.connect() as conn:
            rows = await case_search.bm25_cases(
                conn, tsqueries=[term_index_tsquery(t) or "" for t in usable], weights=idf, filters=filters, limit=limit
            )
    return [case_hit(r, tuple(usable)) for r in rows]
