"""Reciprocal rank fusion of the rankings of one query, and the ranking of the laws it names.

Rankings (lexical: Boolean keyword search or BM25; semantic: vector retrieval) are fused by RRF, each hit
carrying how each placed it (:class:`~egov_core.search.model.Fusion`). The laws a query names without
citing a provision of them (「借地借家法で…」「薬機法上の…」) are a further ranking: their hits, in fused
order, each get ``w / (k + rank)`` more, so a question about a law prefers that law's provisions to the
near-identical wording of its 施行令 or of an unrelated law.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from egov_core.search.model import CaseHit, Fusion, Hit

__all__ = ["DEFAULT_RRF_K", "FusionWeights", "case_key", "favour_named_laws", "fuse", "hit_key", "rrf"]

# The k of reciprocal rank fusion. Cormack et al.'s 60 was set for fusing TREC runs of 1,000 documents;
# fusing two lists of 100 candidates, a smaller k lets a side's confident top hits count. Measured on
# lawqa_jp over the whole shared corpus (multilingual-e5-small, 71 questions with gold in the text):
# hybrid R@10 0.789 / 0.803 / 0.822 / 0.833 / 0.833 at k 60 / 30 / 20 / 10 / 5, MRR@10 0.785 -> 0.792; k 5-20
# is a plateau, 10 sits in its middle (semantic alone: 0.819 / 0.780).
#: The constant k of reciprocal rank fusion (``1 / (k + rank)``).
DEFAULT_RRF_K = 10


@dataclass(frozen=True, slots=True)
class FusionWeights:
    """RRF constant and the weight of each ranking (1: plain RRF; 0: the ranking is off).

    Attributes:
        k: RRF's constant.
        keyword: the lexical ranking (Boolean keyword or BM25).
        semantic: vector retrieval.
        named_law: the ranking of the hits of the laws the query names.
        citations: > 0: the provisions the query cites are lifted to the top (0: they are not).
        rerank: the Full edition's re-ranking of the fused top ``rerank_depth`` by the similarity of each
            unit's best chunk to the query, as one more ranking (0: off).
        graph: the citation graph's one-hop expansion of the fused top ``graph_sources`` as one more ranking
            (:mod:`egov_core.search.expansion`; 0: off).
    """

    k: int = DEFAULT_RRF_K
    keyword: float = 1.0
    semantic: float = 1.0
    named_law: float = 1.0
    citations: float = 1.0
    rerank: float = 0.0
    rerank_depth: int = 20
    graph: float = 0.0
    graph_sources: int = 10


def rrf(ranks: Sequence[int | None], k: int, weights: Sequence[float] | None = None) -> float:
    """Reciprocal rank fusion score ``Σ w / (k + rank)`` over the 1-based ranks present (weights default 1)."""
    ws = weights or [1.0] * len(ranks)
    return sum(w / (k + r) for r, w in zip(ranks, ws, strict=True) if r is not None)


T = TypeVar("T", Hit, CaseHit)


def hit_key(hit: Hit) -> str:
    """A provision hit's identity across rankings, as one sortable string."""
    return f"{hit.law_id}\x1f{hit.path}"


def case_key(hit: CaseHit) -> str:
    """A decision hit's identity across rankings."""
    return hit.lawsuit_id


def fuse(keyword: Sequence[T], semantic: Sequence[T], weights: FusionWeights, key: Callable[[T], str]) -> list[T]:
    """The union of two rankings scored by RRF, best first (ties by ``key``), ``fusion`` on every hit.

    A hit found by both keeps the semantic side's version (its snippet is the best-matching chunk); a
    ranking that lists one key twice counts its better rank.
    """
    fused: dict[str, tuple[T, int | None, int | None, float | None, float | None]] = {}
    for rank, h in enumerate(semantic, 1):
        fused.setdefault(key(h), (h, None, rank, None, h.score))
    for rank, h in enumerate(keyword, 1):
        k = key(h)
        if k in fused:
            s_hit, k_rank, s_rank, _, s_score = fused[k]
            if k_rank is None:
                fused[k] = (s_hit, rank, s_rank, h.score, s_score)
        else:
            fused[k] = (h, rank, None, h.score, None)
    hits: list[T] = []
    for hit, k_rank, s_rank, k_score, s_score in fused.values():
        score = rrf((k_rank, s_rank), weights.k, (weights.keyword, weights.semantic))
        hits.append(hit.rescored(score, Fusion(k_rank, s_rank, k_score, s_score, score)))
    hits.sort(key=lambda h: (-h.score, key(h)))
    return hits


def favour_named_laws(hits: Sequence[Hit], named: set[str], weights: FusionWeights) -> list[Hit]:
    """``hits`` (fused, best first) re-scored with the named laws' hits, in their order, as one more ranking."""
    if not named or weights.named_law <= 0:
        return list(hits)
    out: list[Hit] = []
    rank = 0
    for h in hits:
        if h.law_id not in named or h.fusion is None:
            out.append(h)
            continue
        rank += 1
        score = h.score + weights.named_law / (weights.k + rank)
        out.append(h.rescored(score, replace(h.fusion, rrf_score=score, named_law_rank=rank)))
    out.sort(key=lambda h: (-h.score, hit_key(h)))
    return out
