"""The one search pipeline: a :class:`SearchRequest` in, a page out, for every search route of both editions.

Rankings of one query, fused by reciprocal rank (:mod:`egov_core.search.fusion`):

- lexical: Boolean keyword search (:mod:`~egov_core.search.keyword`) for keywords, BM25 over content words
  (:mod:`~egov_core.search.bm25`) for a sentence;
- the provisions the query cites (:mod:`~egov_core.search.lift`), always first;
- the laws the query names, as a ranking of their hits;
- Full edition: vector retrieval, from a :class:`~egov_core.search.retriever.Retriever`.

Modes: ``boolean`` is the Boolean search alone (exact syntax, citations lifted); ``ranked`` fuses the
rankings that need no model; ``auto`` answers a keyword query that finds enough with ``boolean`` and
anything else with ``ranked``; ``semantic`` and ``hybrid`` need a retriever.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.citations import LawDirectory, find_law_names, laws_named
from egov_core.errors import InvalidQueryError
from egov_core.search._sql import check_page, connection
from egov_core.search.bm25 import BM25Weights, search_bm25, search_cases_bm25
from egov_core.search.cases import search_cases_parsed
from egov_core.search.expansion import expand_one_hop
from egov_core.search.fusion import FusionWeights, case_key, favour_named_laws, fuse, hit_key
from egov_core.search.keyword import search_parsed
from egov_core.search.lift import CitedQuery, cited_in_query, cited_units, directory_for, lift_cited
from egov_core.search.model import (
    ANY_CASE,
    ANY_PROVISION,
    CaseFilter,
    CaseHit,
    CasePage,
    Hit,
    Page,
    ProvisionFilter,
    SearchMode,
    render_snippets,
)
from egov_core.search.retriever import Retriever
from egov_core.search.terms import is_sentence, keyword_query_for, ranked_terms, snippet_terms
from egov_core.store.database import ReadSource
from egov_core.text.query import MAX_QUERY_LENGTH, ParsedQuery, parse_query

__all__ = ["AUTO_MIN_HITS", "SearchPipeline", "SearchRequest"]

#: ``auto`` answers with ``ranked`` when a keyword query's Boolean search finds fewer hits than this.
AUTO_MIN_HITS = 3
#: Hits each ranking contributes to a fusion, at most.
MAX_CANDIDATES = 100
#: Units vector retrieval contributes to a hybrid fusion (at least the page); each costs ~4 chunks of HNSW
#: walk (ef_search follows, at least 100). With RRF's k of 10 a unit below the vector side's 20th adds at most
#: 1/30 to a fused score, which seldom moves a fused top 10: on lawqa_jp over the whole corpus (the n-gram
#: stand-in embedder; e5 is not embedded over it yet) hybrid R@10 / MRR@10 were the same at 20 and 40 units
#: (0.779 / 0.778, decisions 0.533 / 0.506), and hybrid took 82 instead of 99 ms p50 (paired, load ~5).
VECTOR_CANDIDATES = 20
#: Deepest offset of a fused search (its candidates are ranked in memory).
MAX_FUSED_OFFSET = 1_000
# Sentences longer than the Boolean limit are still read for content words, up to this many characters.
_SENTENCE_QUERY_LIMIT = 4000


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """One search.

    Attributes:
        query: what the client typed: keywords in the Boolean syntax, or a sentence.
        mode: which search answers (``auto``: Boolean for keywords that find enough, else ranked).
        provisions: filter of a provision search.
        cases: filter of a court-decision search.
        limit / offset: the page.
        max_query_length: longest accepted query.
    """

    query: str
    mode: SearchMode = SearchMode.AUTO
    provisions: ProvisionFilter = ANY_PROVISION
    cases: CaseFilter = ANY_CASE
    limit: int = 20
    offset: int = 0
    max_query_length: int = MAX_QUERY_LENGTH


class SearchPipeline:
    """Every search over one store: provisions and decisions, in every mode.

    Args:
        engine: the store's primary (every search reads it unless ``reads`` is given).
        reads: where every search reads (keyword search, BM25, the cited provisions, vector retrieval), e.g.
            ``Database.reads`` (a read replica when one is up and current); default ``engine``.
        directory: law lookup for citations and law names (default: one per read source).
        retriever: vector retrieval (Full edition); without it ``semantic`` and ``hybrid`` are refused.
        weights: RRF constant and ranking weights.
        bm25: extra weights of BM25 words (caption, pieces of long runs).
        candidates: hits each ranking contributes to a fusion.
        vector_candidates: units vector retrieval contributes to a hybrid fusion (at most ``candidates``).
    """

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        reads: ReadSource | None = None,
        directory: LawDirectory | None = None,
        retriever: Retriever | None = None,
        weights: FusionWeights | None = None,
        bm25: BM25Weights | None = None,
        candidates: int = MAX_CANDIDATES,
        vector_candidates: int = VECTOR_CANDIDATES,
    ) -> None:
        self.bm25 = bm25 or BM25Weights()
        self.engine = engine
        self.reads: ReadSource = reads or engine
        self.directory = directory or directory_for(self.reads)
        self.retriever = retriever
        self.weights = weights or FusionWeights()
        self.candidates = max(1, min(MAX_CANDIDATES, candidates))
        self.vector_candidates = max(1, min(self.candidates, vector_candidates))

    # -- provisions ---------------------------------------------------------------------------------

    async def provisions(self, request: SearchRequest) -> Page:
        """A page of provisions for ``request`` (``page.mode`` says which search answered).

        Raises:
            InvalidQueryError: empty, too long or malformed query, bad page, or a mode this edition lacks.
        """
        _check(request)
        mode = request.mode
        if mode is SearchMode.SEMANTIC:
            return await self._semantic(request)
        if mode is SearchMode.HYBRID:
            return await self._fused(request, self._need_retriever())
        if mode is SearchMode.RANKED:
            return await self._fused(request, None)
        cited = await cited_in_query(request.query, self.directory)
        rest = cited.remaining if cited.resolutions else request.query
        if mode is SearchMode.AUTO and is_sentence(rest):
            return await self._fused(request, None, cited)
        page = await self._boolean(request, cited)
        if (
            mode is SearchMode.AUTO
            and request.offset == 0
            and page.total < AUTO_MIN_HITS
            and (page.terms or not cited.resolutions)
        ):
            ranked = await self._fused(request, None, cited)
            if len(ranked.hits) > len(page.hits):
                return ranked
        return page

    async def _boolean(self, request: SearchRequest, cited: CitedQuery) -> Page:
        """Boolean keyword search; the provisions the query cites first on the first page."""
        check_page(request.limit, request.offset)
        parsed: ParsedQuery | None
        if not cited.resolutions:
            parsed = parse_query(request.query, max_length=request.max_query_length)
        else:
            try:
                parsed = parse_query(cited.remaining, max_length=request.max_query_length)
            except InvalidQueryError:
                parsed = None  # the query was only the citation
        terms = parsed.positive_terms if parsed else ()
        # One connection for the rest, taken only now: the directory above takes its own, and holding one
        # while waiting for another deadlocks the pool under load.
        async with connection(self.reads) as conn:
            first = request.offset == 0 and cited.resolutions
            lifted = await cited_units(conn, cited.resolutions, terms, filters=request.provisions) if first else []
            if parsed is None:
                return Page(total=len(lifted), hits=tuple(lifted[: request.limit]), mode=SearchMode.BOOLEAN)
            page = await search_parsed(
                conn, parsed, filters=request.provisions, limit=request.limit, offset=request.offset
            )
        hits = lift_cited(page.hits, lifted)
        extra = len(hits) - len(page.hits)  # cited provisions that the keyword query itself did not find
        return replace(page, total=page.total + extra, hits=tuple(hits[: request.limit]))

    async def _semantic(self, request: SearchRequest) -> Page:
        """Vector retrieval alone; the provisions the query cites first."""
        retriever = self._need_retriever()
        _check_fused_page(request)
        cited = await cited_in_query(request.query, self.directory)
        terms = snippet_terms(cited.remaining if cited.resolutions else request.query)
        hits = await retriever.nearest_provisions(
            self.reads, request.query, filters=request.provisions, units=request.offset + request.limit
        )
        if cited.resolutions and request.offset == 0:
            hits = lift_cited(hits, await cited_units(self.reads, cited.resolutions, terms, filters=request.provisions))
        page = hits[request.offset : request.offset + request.limit]
        return Page(
            total=len(hits),
            hits=render_snippets(page, terms),
            terms=terms,
            total_exact=False,
            mode=SearchMode.SEMANTIC,
            model_id=retriever.model_id,
        )

    async def _fused(
        self, request: SearchRequest, retriever: Retriever | None, cited: CitedQuery | None = None
    ) -> Page:
        """Lexical ranking (+ vector retrieval) fused by RRF, the named laws' ranking, citations first."""
        _check_fused_page(request)
        depth = min(MAX_CANDIDATES, max(self.candidates, request.offset + request.limit))
        vector_side: asyncio.Task[list[Hit]] | None = None
        if retriever is not None:
            # Vector retrieval needs the query only: it starts first, on a connection of its own, and the
            # database walks the HNSW graph while this reads the citations and ranks BM25.
            units = min(depth, max(self.vector_candidates, request.offset + request.limit))
            vector_side = asyncio.ensure_future(
                retriever.nearest_provisions(self.reads, request.query, filters=request.provisions, units=units)
            )
        try:
            if cited is None:
                cited = await cited_in_query(request.query, self.directory)
            rest = cited.remaining if cited.resolutions else request.query
            lexical, terms = await self._lexical(rest, request, depth, boolean_keywords=retriever is not None)
            semantic = await vector_side if vector_side is not None else []
        finally:
            if vector_side is not None and not vector_side.done():
                vector_side.cancel()  # the lexical side failed: nothing waits for the vector side
            elif vector_side is not None and not vector_side.cancelled():
                vector_side.exception()  # seen: the error raised is the lexical side's, if any
        hits = fuse(lexical, semantic, self.weights, hit_key)
        if self.weights.named_law > 0 and hits:
            named = {e.law_id for e in await laws_named(request.query, self.directory)}
            if request.provisions.law_ids is not None:
                named &= set(request.provisions.law_ids)
            hits = favour_named_laws(hits, named, self.weights)
        if self.weights.graph > 0 and hits:
            hits = await expand_one_hop(self.reads, hits, self.weights, filters=request.provisions, terms=terms)
        if retriever is not None and self.weights.rerank > 0 and hits:
            hits = await self._rerank(retriever, request.query, hits)
        if cited.resolutions and request.offset == 0 and self.weights.citations > 0:
            hits = lift_cited(hits, await cited_units(self.reads, cited.resolutions, terms, filters=request.provisions))
        # Snippets only for the page (a few of up to 2 x depth candidates), all around the same terms.
        page = render_snippets(hits[request.offset : request.offset + request.limit], terms or snippet_terms(rest))
        return Page(
            total=len(hits),
            hits=page,
            terms=terms,
            total_exact=False,
            mode=SearchMode.HYBRID if retriever is not None else SearchMode.RANKED,
            model_id=retriever.model_id if retriever is not None else None,
        )

    async def _rerank(self, retriever: Retriever, query: str, hits: list[Hit]) -> list[Hit]:
        """The fused top ``rerank_depth`` re-scored with their rank by similarity to the query as one more
        RRF term (units the lexical side alone found get a semantic score this way)."""
        depth = self.weights.rerank_depth
        top = hits[:depth]
        sims = await retriever.similarities(self.reads, query, [h.key for h in top])
        order = sorted((k for k in sims), key=lambda k: -sims[k])
        rank = {k: i for i, k in enumerate(order, 1)}
        rescored = []
        for h in top:
            r = rank.get(h.key)
            if r is None or h.fusion is None:
                rescored.append(h)
                continue
            score = h.score + self.weights.rerank / (self.weights.k + r)
            rescored.append(h.rescored(score, replace(h.fusion, rrf_score=score)))
        rescored.sort(key=lambda h: (-h.score, hit_key(h)))
        return [*rescored, *hits[depth:]]

    async def _lexical(
        self, rest: str, request: SearchRequest, depth: int, *, boolean_keywords: bool
    ) -> tuple[list[Hit], tuple[str, ...]]:
        """The lexical ranking of ``rest`` (the query without its citations) and the terms it searched.

        A sentence is ranked by BM25 over its content words. Keywords are too in ``ranked`` mode; hybrid
        search (``boolean_keywords``) ranks them by the Boolean search.
        """
        if boolean_keywords and not is_sentence(rest):
            try:
                parsed = parse_query(keyword_query_for(rest), max_length=max(request.max_query_length, 1000))
            except InvalidQueryError:
                return [], ()  # nothing but a citation, or punctuation: the semantic side still answers
            page = await search_parsed(self.reads, parsed, filters=request.provisions, limit=depth, snippets=False)
            return list(page.hits), page.terms
        words = ranked_terms(await self._without_law_names(rest)) or ranked_terms(rest)
        hits = await search_bm25(
            self.reads, words, filters=request.provisions, limit=depth, snippets=False, weights=self.bm25
        )
        return hits, tuple(words)

    async def _without_law_names(self, text: str) -> str:
        """``text`` with the law names it mentions blanked out.

        A law's own provisions seldom spell its name, while other laws citing it and 附則 do: as a BM25
        word the name would favour exactly the wrong units. The named-law ranking carries it instead.
        """
        chars = list(text)
        for m in find_law_names(text, names=await self.directory.name_table()):
            chars[m.start : m.end] = [" "] * (m.end - m.start)
        return "".join(chars)

    # -- court decisions ----------------------------------------------------------------------------

    async def cases(self, request: SearchRequest) -> CasePage:
        """A page of court decisions for ``request`` (``page.mode`` says which search answered).

        Raises:
            InvalidQueryError: empty, too long or malformed query, bad page, or a mode this edition lacks.
        """
        _check(request)
        mode = request.mode
        if mode is SearchMode.SEMANTIC:
            retriever = self._need_retriever()
            _check_fused_page(request)
            hits = await self._nearest_cases(retriever, request, request.offset + request.limit)
            return CasePage(
                total=len(hits),
                hits=tuple(hits[request.offset : request.offset + request.limit]),
                terms=snippet_terms(request.query),
                total_exact=False,
                mode=SearchMode.SEMANTIC,
                model_id=retriever.model_id,
            )
        if mode is SearchMode.HYBRID:
            return await self._cases_fused(request, self._need_retriever())
        if mode is SearchMode.RANKED or (mode is SearchMode.AUTO and is_sentence(request.query)):
            return await self._cases_fused(request, None)
        parsed = parse_query(request.query, max_length=request.max_query_length)
        boolean = await search_cases_parsed(
            self.reads, parsed, filters=request.cases, limit=request.limit, offset=request.offset
        )
        if mode is SearchMode.AUTO and request.offset == 0 and boolean.total < AUTO_MIN_HITS:
            ranked = await self._cases_fused(request, None)
            if len(ranked.hits) > len(boolean.hits):
                return ranked
        return boolean

    async def _nearest_cases(self, retriever: Retriever, request: SearchRequest, decisions: int) -> list[CaseHit]:
        return await retriever.nearest_cases(
            self.reads, request.query, filters=request.cases, decisions=decisions, terms=snippet_terms(request.query)
        )

    async def _cases_fused(self, request: SearchRequest, retriever: Retriever | None) -> CasePage:
        """BM25 over the query's words (Boolean search for keywords in hybrid), + vector retrieval, by RRF."""
        _check_fused_page(request)
        depth = min(MAX_CANDIDATES, max(self.candidates, request.offset + request.limit))
        semantic = await self._nearest_cases(retriever, request, depth) if retriever is not None else []
        keyword: Sequence[CaseHit] = ()
        terms: tuple[str, ...] = ()
        if retriever is not None and not is_sentence(request.query):
            try:
                parsed = parse_query(request.query, max_length=max(request.max_query_length, 1000))
            except InvalidQueryError:
                parsed = None
            if parsed is not None:
                found = await search_cases_parsed(self.reads, parsed, filters=request.cases, limit=depth)
                keyword, terms = found.hits, found.terms
        else:
            words = ranked_terms(request.query)
            keyword, terms = (
                await search_cases_bm25(self.reads, words, filters=request.cases, limit=depth),
                tuple(words),
            )
        hits = fuse(keyword, semantic, self.weights, case_key)
        return CasePage(
            total=len(hits),
            hits=tuple(hits[request.offset : request.offset + request.limit]),
            terms=terms,
            total_exact=False,
            mode=SearchMode.HYBRID if retriever is not None else SearchMode.RANKED,
            model_id=retriever.model_id if retriever is not None else None,
        )

    def _need_retriever(self) -> Retriever:
        if self.retriever is None:
            raise InvalidQueryError("semantic and hybrid search need the Full edition (egov-vector)")
        return self.retriever


def _check(request: SearchRequest) -> None:
    if not request.query.strip():
        raise InvalidQueryError("query is empty")
    if len(request.query) > request.max_query_length:
        raise InvalidQueryError(
            f"query is {len(request.query)} characters; at most {request.max_query_length} are allowed"
        )


def _check_fused_page(request: SearchRequest) -> None:
    check_page(request.limit, request.offset)
    if request.offset > MAX_FUSED_OFFSET:
        raise InvalidQueryError(
            f"offset must be between 0 and {MAX_FUSED_OFFSET} for ranked, semantic and hybrid search"
        )
