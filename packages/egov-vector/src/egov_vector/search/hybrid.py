"""Hybrid search: keyword and semantic results fused with reciprocal rank fusion, citations lifted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from egov_core.citations import laws_named
from egov_core.errors import InvalidQueryError
from egov_core.search import cited_in_query, cited_units, directory_for, search_cases, search_parsed
from egov_core.text.query import MAX_QUERY_LENGTH, parse_query
from egov_vector.embedders.base import Embedder
from egov_vector.search.hits import (
    MAX_LIMIT,
    CaseVectorHit,
    FusionDetail,
    VectorHit,
    VectorPage,
    check_page,
    from_keyword,
    lift,
    render_snippets,
)
from egov_vector.search.lexical import content_terms, keyword_query_for, search_lexical
from egov_vector.search.semantic import search_cases_semantic, search_semantic
from egov_vector.settings import DEFAULT_RRF_K

# keyword_query_for lives in lexical (semantic search reads queries the same way); re-exported here.
__all__ = ["keyword_query_for", "rrf", "search_cases_hybrid", "search_hybrid"]


def rrf(ranks: Sequence[int | None], k: int, weights: Sequence[float] | None = None) -> float:
    """Reciprocal rank fusion score ``Σ w / (k + rank)`` over the 1-based ranks present (weights default 1)."""
    ws = weights or [1.0] * len(ranks)
    return sum(w / (k + r) for r, w in zip(ranks, ws, strict=True) if r is not None)


async def search_hybrid(
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
    rrf_k: int = DEFAULT_RRF_K,
    candidates: int = 100,
    ef_search: int = 100,
    keyword_weight: float = 1.0,
    named_law_weight: float = 1.0,
    max_query_length: int = MAX_QUERY_LENGTH,
) -> VectorPage:
    """Keyword + semantic search over current provisions, fused by reciprocal rank, cited provisions first.

    The keyword side is keyword search for a keyword query, and :func:`~egov_vector.search.lexical.search_lexical`
    (rarity-weighted content words) for a sentence. Each side contributes its top ``candidates`` units; a unit's score is ``Σ 1/(rrf_k + rank)`` over the
    sides that found it, and ``fusion`` on every hit says how it got there. Provisions the query cites
    are resolved (egov_core.citations) and put first, marked ``cited``. ``keyword_weight`` scales the
    keyword side's contribution (1: plain RRF). When the query names laws (「借地借家法の…」「薬機法上の…」,
    without citing a provision of them), the fused hits of those laws, in fused order, are a third ranking
    weighted ``named_law_weight`` (0: off): a question about a law prefers that law's provisions to the
    near-identical wording of its 施行令 or of an unrelated law.

    Raises:
        InvalidQueryError: empty or too long query, bad page.
    """
    check_page(limit, offset)
    if not query.strip():
        raise InvalidQueryError("query is empty")
    if len(query) > max_query_length:
        raise InvalidQueryError(f"query is {len(query)} characters; at most {max_query_length} are allowed")
    depth = min(MAX_LIMIT, max(candidates, offset + limit))
    filters: dict[str, Any] = {"law_ids": law_ids, "law_types": law_types, "categories": categories, "suppl": suppl}
    cited = await cited_in_query(query, directory_for(engine))
    rest = cited.remaining if cited.resolutions else query
    keyword_hits: list[VectorHit] = []
    terms: tuple[str, ...] = ()
    keywords = keyword_query_for(rest)
    if keywords != rest.strip():
        # A sentence, not keywords: rank by the rarity-weighted content words it shares with each unit.
        lexical = await search_lexical(engine, rest, limit=depth, snippets=False, **filters)
        keyword_hits = [from_keyword(h) for h in lexical]
        terms = tuple(content_terms(rest))
    else:
        try:
            parsed = parse_query(keywords, max_length=max(max_query_length, 1000))
        except InvalidQueryError:
            parsed = None  # nothing but a citation, or punctuation: the semantic side still answers
        if parsed is not None:
            page = await search_parsed(engine, parsed, limit=depth, snippets=False, **filters)
            keyword_hits = [from_keyword(h) for h in page.hits]
            terms = page.terms
    semantic = await search_semantic(
        engine,
        embedder,
        query,
        limit=depth,
        lift_citations=False,
        candidates=depth * 4,
        ef_search=ef_search,
        max_query_length=max_query_length,
        snippets=False,
        **filters,
    )
    fused: dict[tuple[str, str], tuple[VectorHit, int | None, int | None, float | None, float | None]] = {}
    for rank, h in enumerate(semantic.hits, 1):
        fused[(h.law_id, h.path)] = (h, None, rank, None, h.score)
    for rank, h in enumerate(keyword_hits, 1):
        key = (h.law_id, h.path)
        if key in fused:
            s_hit, _, s_rank, _, s_score = fused[key]
            fused[key] = (s_hit, rank, s_rank, h.score, s_score)
        else:
            fused[key] = (h, rank, None, h.score, None)
    hits = []
    for hit, k_rank, s_rank, k_score, s_score in fused.values():
        score = rrf((k_rank, s_rank), rrf_k, (keyword_weight, 1.0))
        detail = FusionDetail(k_rank, s_rank, k_score, s_score, score)
        hits.append(replace(hit, score=score, fusion=detail))
    hits.sort(key=lambda h: (-h.score, h.law_id, h.path))
    if named_law_weight > 0:
        hits = await _favour_named_laws(engine, query, hits, law_ids, rrf_k, named_law_weight)
    if cited.resolutions and offset == 0:
        lifted = [from_keyword(h) for h in await cited_units(engine, cited.resolutions, terms)]
        lifted = [
            h for h in lifted if (law_ids is None or h.law_id in law_ids) and (suppl is None or h.in_suppl == suppl)
        ]
        hits = lift(hits, lifted)
    # Snippets only for the page (a few of up to 2 x depth candidates), all around the same terms.
    page_hits = render_snippets(hits[offset : offset + limit], terms or semantic.terms)
    return VectorPage(hits=page_hits, total=len(hits), model_id=embedder.model_id, terms=terms)


async def _favour_named_laws(
    engine: Any,
    query: str,
    hits: list[VectorHit],
    law_ids: Sequence[str] | None,
    rrf_k: int,
    weight: float,
) -> list[VectorHit]:
    """``hits`` (sorted by fused score) re-scored with the named laws' ranking as a third RRF term."""
    named = {e.law_id for e in await laws_named(query, directory_for(engine))}
    if law_ids is not None:
        named &= set(law_ids)
    if not named:
        return hits
    out: list[VectorHit] = []
    rank = 0
    for h in hits:
        if h.law_id not in named or h.fusion is None:
            out.append(h)
            continue
        rank += 1
        score = h.score + weight / (rrf_k + rank)
        out.append(replace(h, score=score, fusion=replace(h.fusion, rrf_score=score, named_law_rank=rank)))
    out.sort(key=lambda h: (-h.score, h.law_id, h.path))
    return out


async def search_cases_hybrid(
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
    rrf_k: int = DEFAULT_RRF_K,
    candidates: int = 100,
    max_query_length: int = MAX_QUERY_LENGTH,
) -> list[CaseVectorHit]:
    """Court decisions by keyword + semantic search, fused by reciprocal rank (``fusion`` on every hit).

    Raises:
        InvalidQueryError: empty or too long query, bad page.
    """
    check_page(limit, offset)
    depth = min(MAX_LIMIT, max(candidates, offset + limit))
    filters: dict[str, Any] = {
        "court_names": list(court_names) if court_names is not None else None,
        "trial_types": list(trial_types) if trial_types is not None else None,
        "date_from": date_from,
        "date_to": date_to,
    }
    semantic = await search_cases_semantic(
        engine, embedder, query, limit=depth, max_query_length=max_query_length, **filters
    )
    try:
        keyword = (
            await search_cases(
                engine, keyword_query_for(query), limit=depth, max_query_length=max(max_query_length, 1000), **filters
            )
        ).hits
    except InvalidQueryError:
        keyword = ()
    fused: dict[str, tuple[CaseVectorHit, int | None, int | None, float | None, float | None]] = {}
    for rank, s in enumerate(semantic, 1):
        fused[s.lawsuit_id] = (s, None, rank, None, s.score)
    for rank, h in enumerate(keyword, 1):
        if h.lawsuit_id in fused:
            s, _, s_rank, _, s_score = fused[h.lawsuit_id]
            fused[h.lawsuit_id] = (s, rank, s_rank, h.score, s_score)
        else:
            as_hit = CaseVectorHit(
                h.lawsuit_id,
                h.case_number,
                h.case_name,
                h.court_name,
                h.trial_type,
                h.date,
                h.score,
                h.snippet_field,
                h.snippet,
            )
            fused[h.lawsuit_id] = (as_hit, rank, None, h.score, None)
    out = []
    for hit, k_rank, s_rank, k_score, s_score in fused.values():
        score = rrf((k_rank, s_rank), rrf_k)
        out.append(replace(hit, score=score, fusion=FusionDetail(k_rank, s_rank, k_score, s_score, score)))
    out.sort(key=lambda h: (-h.score, h.lawsuit_id))
    return out[offset : offset + limit]
