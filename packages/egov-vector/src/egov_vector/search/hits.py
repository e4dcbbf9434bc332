"""Hit shapes of semantic and hybrid search: keyword search's fields, plus where the vector matched and
how the fusion ranked the hit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from egov_core.errors import InvalidQueryError
from egov_core.search import SearchHit
from egov_core.text.snippets import Snippet, make_snippet

__all__ = [
    "MAX_LIMIT",
    "MAX_OFFSET",
    "CaseVectorHit",
    "FusionDetail",
    "VectorHit",
    "VectorPage",
    "check_page",
    "from_keyword",
    "render_snippets",
]

#: Page bounds, the same as keyword search's.
MAX_LIMIT = 100
MAX_OFFSET = 1_000


def check_page(limit: int, offset: int) -> None:
    """Raise :class:`InvalidQueryError` for a page outside the bounds (vector pages are shallower than keyword's)."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidQueryError(f"limit must be between 1 and {MAX_LIMIT}")
    if not 0 <= offset <= MAX_OFFSET:
        raise InvalidQueryError(f"offset must be between 0 and {MAX_OFFSET}")


@dataclass(frozen=True, slots=True)
class FusionDetail:
    """How reciprocal rank fusion placed a hybrid hit.

    Attributes:
        keyword_rank / semantic_rank: 1-based rank on each side (None: not found there).
        keyword_score / semantic_score: the score on each side.
        rrf_score: ``Σ w / (k + rank)`` over the rankings that placed it.
        cited: the query cited this provision, so it was lifted to the top.
        named_law_rank: 1-based rank among the hits of the laws the query names (「借地借家法の…」), which
            counts as a third ranking; None when it names none or this hit is of another law.
    """

    keyword_rank: int | None
    semantic_rank: int | None
    keyword_score: float | None
    semantic_score: float | None
    rrf_score: float
    cited: bool = False
    named_law_rank: int | None = None


@dataclass(frozen=True, slots=True)
class VectorHit:
    """A provision found by semantic or hybrid search (the fields of keyword search's ``SearchHit`` first).

    Attributes:
        law_id / law_title / law_num / law_type / revision_id / path / seq / in_suppl / caption / title:
            as in keyword search; ``path`` is the retrieval unit (an Article).
        score: cosine similarity (semantic) or RRF score (hybrid); higher is better.
        snippet: text of the best-matching chunk (query terms marked where they occur).
        cited: the query cited this provision (lifted to the top).
        matched_path: the provision the best chunk covers (a Paragraph of a long Article, or ``path``).
        fusion: hybrid search only: ranks and scores from each side.
        source_text: the text the snippet is to be cut from, kept only while the snippet is unrendered.
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
    fusion: FusionDetail | None = None
    source_text: str | None = None

    def as_cited(self) -> VectorHit:
        """This hit flagged as cited by the query."""
        return replace(self, cited=True)


def from_keyword(hit: SearchHit) -> VectorHit:
    """A keyword hit in the vector hit shape."""
    return VectorHit(
        law_id=hit.law_id,
        law_title=hit.law_title,
        law_num=hit.law_num,
        law_type=hit.law_type,
        revision_id=hit.revision_id,
        path=hit.path,
        seq=hit.seq,
        in_suppl=hit.in_suppl,
        caption=hit.caption,
        title=hit.title,
        score=hit.score,
        snippet=hit.snippet,
        cited=hit.cited,
        matched_path=hit.path,
        source_text=hit.source_text,
    )


def render_snippets(hits: Sequence[VectorHit], terms: Sequence[str]) -> tuple[VectorHit, ...]:
    """``hits`` with every unrendered snippet cut from its ``source_text`` around ``terms``.

    Hybrid search fuses a few hundred candidates and returns a page of them; rendering snippets for the
    page alone saves most of its Python time.
    """
    return tuple(
        h if h.source_text is None else replace(h, snippet=make_snippet(h.source_text, terms), source_text=None)
        for h in hits
    )


@dataclass(frozen=True, slots=True)
class VectorPage:
    """A page of semantic or hybrid hits.

    Attributes:
        hits: the page.
        total: distinct units among the candidates looked at (a vector search has no exact total).
        model_id: the embedding model that ranked them.
        terms: normalised query terms used for snippets (and the keyword side of hybrid search).
    """

    hits: tuple[VectorHit, ...]
    total: int
    model_id: str
    terms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CaseVectorHit:
    """A court decision found by semantic or hybrid search (keyword search's ``CaseHit`` fields first).

    Attributes:
        snippet_field: ``gist`` (判示事項), ``case_gist`` (裁判要旨) or ``contents`` (全文) — where the best chunk is.
        matched_part: window number of that chunk within the field.
        fusion: hybrid only.
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
    fusion: FusionDetail | None = None


def lift(hits: list[VectorHit], cited: list[VectorHit]) -> list[VectorHit]:
    """``cited`` first (marked ``cited``; a ranked hit for the same unit is used in its place), then the rest.

    Args:
        hits: ranked hits.
        cited: hits of the provisions the query cites, in citation order (from ``cited_units``).
    """
    by_key = {(h.law_id, h.path): h for h in hits}
    front: list[VectorHit] = []
    for c in cited:
        key = (c.law_id, c.path)
        if any((f.law_id, f.path) == key for f in front):
            continue
        base = by_key.get(key, c)
        fusion = replace(base.fusion, cited=True) if base.fusion is not None else None
        front.append(replace(base, cited=True, fusion=fusion))
    taken = {(f.law_id, f.path) for f in front}
    return [*front, *(h for h in hits if (h.law_id, h.path) not in taken)]
