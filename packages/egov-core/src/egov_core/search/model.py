"""The search model: one request, one provision hit, one case hit, one page, for every search in both editions.

Boolean keyword search, BM25 ranking, the provisions a query cites, the laws it names and (Full edition)
vector retrieval all produce :class:`Hit` values; fused searches say on each hit how each ranking
placed it (:class:`Fusion`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Final

from egov_core.store.cases import CaseFilter
from egov_core.store.search import ProvisionFilter
from egov_core.text.snippets import Snippet, make_snippet

__all__ = [
    "ANY_CASE",
    "ANY_PROVISION",
    "CaseFilter",
    "CaseHit",
    "CasePage",
    "Fusion",
    "Hit",
    "Page",
    "ProvisionFilter",
    "SearchMode",
    "render_snippets",
]


class SearchMode(StrEnum):
    """How a search ranked its hits.

    ``boolean``: the query's terms ANDed (phrases, OR, -exclusion), ranked by proximity; ``ranked``: BM25
    over the query's content words fused with the provisions it cites and the laws it names (no model);
    ``semantic`` / ``hybrid`` (Full edition): nearest chunks by embedding, alone or fused with ``ranked``'s
    rankings. ``auto`` (a request only) is ``boolean`` for a keyword query that finds enough, else ``ranked``.
    """

    AUTO = "auto"
    BOOLEAN = "boolean"
    RANKED = "ranked"
    SEMANTIC = "semantic"
    HYBRID = "hybrid"


#: No provision filter: every current provision.
ANY_PROVISION: Final = ProvisionFilter()
#: No case filter: every decision.
ANY_CASE: Final = CaseFilter()


@dataclass(frozen=True, slots=True)
class Fusion:
    """How reciprocal rank fusion placed a hit.

    Attributes:
        keyword_rank / keyword_score: 1-based rank and score in the lexical ranking (Boolean keyword
            search for keywords, BM25 for a sentence); None: not found there.
        semantic_rank / semantic_score: the same in vector retrieval (Full edition).
        rrf_score: ``Σ w / (k + rank)`` over the rankings that placed it.
        cited: the query cites this provision, so it was lifted to the top.
        named_law_rank: 1-based rank among the hits of the laws the query names (「借地借家法の…」), a
            ranking of its own; None when it names none or this hit is of another law.
        graph_rank: 1-based rank in the citation graph's one-hop expansion of the top hits (what they cite,
            the order provisions implementing what they delegate); None: not reached, or the expansion is off.
    """

    keyword_rank: int | None
    semantic_rank: int | None
    keyword_score: float | None
    semantic_score: float | None
    rrf_score: float
    cited: bool = False
    named_law_rank: int | None = None
    graph_rank: int | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    """One provision (search unit: an Article, a paragraph of an article-less law, a 附則 article, a 別表).

    Attributes:
        law_id / law_title / law_num / law_type: the law.
        revision_id: the stored revision (law_revisions.id) the unit belongs to.
        path: the unit's provision path (``MainProvision-Article_709``).
        seq: segment number for units split into several segments (0 otherwise).
        in_suppl: the unit is in a 附則.
        caption: 見出し of the unit (``（不法行為による損害賠償）``), if any.
        title: heading label (``第七百九条``), if any.
        score: relevance (higher is better; comparable within one result page only).
        snippet: the unit's text around the matches, terms marked (``UNRENDERED`` until rendered).
        cited: the query cited this provision (it was lifted to the top).
        matched_path: vector retrieval: the provision the best-matching chunk covers (a paragraph of a
            long article, or ``path``); None otherwise.
        fusion: fused searches only: how each ranking placed the hit.
        source_text: the text a snippet is to be cut from, kept only while the snippet is unrendered.
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
    score: float
    snippet: Snippet
    cited: bool = False
    matched_path: str | None = None
    fusion: Fusion | None = None
    source_text: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        """(law_id, path): the unit's identity across rankings."""
        return self.law_id, self.path

    def rescored(self, score: float, fusion: Fusion | None) -> Hit:
        """This hit with ``score`` and ``fusion`` (what ``dataclasses.replace`` gives, at half its CPU: a fused
        search rescores each of its up to 200 candidates, one to three times)."""
        return Hit(
            self.law_id,
            self.law_title,
            self.law_num,
            self.law_type,
            self.revision_id,
            self.path,
            self.seq,
            self.in_suppl,
            self.caption,
            self.title,
            score,
            self.snippet,
            self.cited,
            self.matched_path,
            fusion,
            self.source_text,
        )

    def as_cited(self) -> Hit:
        """This hit flagged as cited by the query (in its fusion details too)."""
        fusion = replace(self.fusion, cited=True) if self.fusion is not None else None
        return replace(self, cited=True, fusion=fusion)


@dataclass(frozen=True, slots=True)
class Page:
    """A page of provision hits.

    Attributes:
        total: how many units match (all pages); a lower bound or estimate when ``total_exact`` is False,
            the distinct units among the candidates looked at for ranked, semantic and hybrid search.
        hits: this page, best first.
        terms: the normalised query terms that were searched (citation text removed).
        total_exact: False when ``total`` is estimated.
        mode: which search answered (never ``auto``).
        model_id: the embedding model that ranked the hits (semantic / hybrid), else None.
    """

    total: int
    hits: tuple[Hit, ...]
    terms: tuple[str, ...] = ()
    total_exact: bool = True
    mode: SearchMode = SearchMode.BOOLEAN
    model_id: str | None = None


@dataclass(frozen=True, slots=True)
class CaseHit:
    """One court decision.

    Attributes:
        lawsuit_id / case_number / case_name / court_name / trial_type / date: the decision.
        score: relevance (higher is better).
        snippet_field: where the snippet comes from: gist (判示事項) / case_gist (裁判要旨) / case_name / contents.
        snippet: that field around the matches, terms marked.
        matched_part: vector retrieval: window number of the best chunk within the field.
        fusion: fused searches only.
    """

    lawsuit_id: str
    case_number: str | None
    case_name: str | None
    court_name: str | None
    trial_type: str | None
    date: date | None
    score: float
    snippet_field: str
    snippet: Snippet
    matched_part: int = 0
    fusion: Fusion | None = None

    def rescored(self, score: float, fusion: Fusion | None) -> CaseHit:
        """This decision with ``score`` and ``fusion`` (``dataclasses.replace``, at half its CPU)."""
        return CaseHit(
            self.lawsuit_id,
            self.case_number,
            self.case_name,
            self.court_name,
            self.trial_type,
            self.date,
            score,
            self.snippet_field,
            self.snippet,
            self.matched_part,
            fusion,
        )


@dataclass(frozen=True, slots=True)
class CasePage:
    """A page of decisions and the total that match (estimated when ``total_exact`` is False)."""

    total: int
    hits: tuple[CaseHit, ...]
    terms: tuple[str, ...] = ()
    total_exact: bool = True
    mode: SearchMode = SearchMode.BOOLEAN
    model_id: str | None = None


def render_snippets(hits: Sequence[Hit], terms: Sequence[str]) -> tuple[Hit, ...]:
    """``hits`` with every unrendered snippet cut from its ``source_text`` around ``terms``.

    Fused searches rank a few hundred candidates and return a page of them; rendering snippets for the
    page alone saves most of their Python time.
    """
    return tuple(
        h if h.source_text is None else replace(h, snippet=make_snippet(h.source_text, terms), source_text=None)
        for h in hits
    )
