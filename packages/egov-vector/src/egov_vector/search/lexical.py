"""Lexical retrieval for natural-language queries: content words weighted by rarity (BM25 with binary tf).

Keyword search ANDs phrase terms, which is right for keywords and matches nothing for a question. For
the keyword side of hybrid search a question is cut into content words (kanji / katakana runs, and the
overlapping 3-character pieces of long runs, since 「届出書提出外国会社」 is written in pieces in the
statute), each word's document frequency is read from the GIN index, words in more than a fifth of
all units are dropped, and units are scored by the BM25 weight of the words they contain. A word
matches a unit holding its n-grams (no positions): the GIN index answers that alone, where a phrase
would have it read and check the tokens of every unit the word's n-grams occur in.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.search import SearchHit
from egov_core.store import translate_errors
from egov_core.store.tables import PRIOR_LENGTH_MASK
from egov_core.text import normalize
from egov_core.text.query import MAX_TERMS, term_index_tsquery
from egov_core.text.snippets import UNRENDERED, make_snippet

__all__ = ["content_terms", "keyword_query_for", "search_lexical"]

# Content words of a Japanese sentence are runs of kanji or katakana; particles and endings are hiragana.
_RUN = re.compile(r"[\u4e00-\u9fff々〆ヵヶ]{2,}|[\u30a1-\u30fcー]{2,}|[a-z0-9]{3,}")
_MAX_TERMS = 48
_MAX_DF_SHARE = 0.2
_K1, _B = 1.2, 0.75
# Corpus statistics change only with imports; a short TTL keeps them fresh without a query per search.
_STATS_TTL_S = 300.0
_stats: dict[int, tuple[float, int, float, dict[str, int]]] = {}


def content_terms(query: str) -> list[str]:
    """Content words of ``query`` (normalised), then 3-character pieces of runs longer than 4, first-seen order."""
    runs = [r.removeprefix("第").removesuffix("第") for r in _RUN.findall(normalize(query))]
    words: list[str] = [r for r in runs if len(r) >= 2]
    for r in runs:
        if len(r) > 4:
            words.extend(r[i : i + 3] for i in range(len(r) - 2))
    return list(dict.fromkeys(words))[:_MAX_TERMS]


# Runs that occur in nearly every provision and would only dilute an OR query.
_STOP = frozenset(
    {"場合", "規定", "当該", "以下", "同条", "同項", "同号", "次条", "前条", "前項", "各号", "教", "正", "定"}
)
_SYNTAX = re.compile(r'["「」|]|\bOR\b|^-')


def keyword_query_for(query: str) -> str:
    """The keyword query used for the keyword side of hybrid search.

    A query written as keywords (spaces, quotes, ``OR``, or short) is used as it is. A sentence
    (「借地借家法に基づき家賃の増額を請求できるのはどのような場合か」) would be one phrase that matches
    nothing, so it becomes an ``OR`` of its content words (kanji and katakana runs), longest first.
    """
    stripped = query.strip()
    tokens = stripped.split()
    if _SYNTAX.search(stripped) or len(stripped) <= 12 or (len(tokens) <= 6 and all(len(t) <= 12 for t in tokens)):
        return stripped
    words: list[str] = []
    for w in _RUN.findall(normalize(stripped)):
        w = w.removeprefix("第").removesuffix("第")
        if len(w) >= 2 and w not in _STOP and w not in words:
            words.append(w)
    words.sort(key=len, reverse=True)
    return " OR ".join(words[:MAX_TERMS]) if words else stripped


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


async def search_lexical(
    engine: AsyncEngine,
    query: str,
    *,
    law_ids: Sequence[str] | None = None,
    law_types: Sequence[str] | None = None,
    categories: Sequence[str] | None = None,
    suppl: bool | None = None,
    limit: int = 100,
    snippets: bool = True,
) -> list[SearchHit]:
    """Units of the current revisions ranked by the BM25 weight of the query's content words they contain.

    ``snippets=False`` leaves snippets unrendered (the text in ``source_text``), as in keyword search.

    Returns:
        Hits in keyword search's shape (one per unit), best first; empty when the query has no usable word.
    """
    terms = content_terms(query)
    if not terms:
        return []
    with translate_errors():
        n, avg_len, cache = await _corpus(engine)
        df = await _document_frequencies(engine, terms, cache)
        usable = [t for t in terms if 0 < df[t] <= max(1, _MAX_DF_SHARE * n)]
        if not usable:
            return []
        idf = [math.log((n - df[t] + 0.5) / (df[t] + 0.5) + 1.0) for t in usable]
        where: list[str] = ["su.is_current"]  # kept by triggers; a join with laws per matched row cost more
        params: dict[str, Any] = {
            "qs": [term_index_tsquery(t) for t in usable],
            "idfs": idf,
            "limit": limit,
            "avg": avg_len,
        }
        for column, name, values in (
            ("su.law_id", "law_ids", law_ids),
            ("su.law_type", "law_types", law_types),
            (
                "coalesce(su.category, (SELECT c.category FROM laws c WHERE c.law_id = su.law_id))",
                "categories",
                categories,
            ),
        ):
            if values is not None:
                where.append(f"{column} = ANY(:{name})")
                params[name] = list(values)
        if suppl is not None:
            where.append("su.in_suppl" if suppl else "NOT su.in_suppl")
        # Scored on the index and fixed-width columns only: the unit's length is the low 28 bits of
        # ``prior`` (so no text is read, nor decompressed, for the thousands of units the terms match);
        # the page's rows are read afterwards.
        sql = f"""
            WITH scored AS (
                SELECT su.id,
                       sum(t.idf) * {_K1 + 1}
                       / (1 + {_K1} * (1 - {_B} + {_B} * (su.prior & {PRIOR_LENGTH_MASK}) / :avg)) AS score
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
        async with engine.connect() as conn:
            rows = (await conn.execute(text(sql), params)).all()
    hits: list[SearchHit] = []
    seen: set[tuple[str, str]] = set()
    for r in rows:
        if (r.law_id, r.path) in seen:
            continue
        seen.add((r.law_id, r.path))
        hits.append(
            SearchHit(
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
