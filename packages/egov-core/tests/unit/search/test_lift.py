"""lift_cited: cited provisions first (the ranked hit of the same unit kept), then the rest in their order."""

from __future__ import annotations

from egov_core.search import Fusion, Hit, lift_cited
from egov_core.text.snippets import UNRENDERED


def _hit(law_id: str, path: str, *, score: float = 0.0, fusion: Fusion | None = None) -> Hit:
    return Hit(law_id, None, None, None, 1, path, 0, False, None, None, score, UNRENDERED, fusion=fusion)


def test_cited_hit_moves_to_the_front_marked() -> None:
    fused = Fusion(3, None, 1.0, None, 0.1)
    hits = [_hit("A", "a"), _hit("B", "b"), _hit("M", "m", score=0.1, fusion=fused)]
    out = lift_cited(hits, [_hit("M", "m")])
    assert [(h.law_id, h.cited) for h in out] == [("M", True), ("A", False), ("B", False)]
    # The ranked hit is the one kept (its score and fusion details), flagged cited in both places.
    assert out[0].score == 0.1
    assert out[0].fusion is not None
    assert out[0].fusion.cited


def test_missing_cited_hit_is_added_in_citation_order_once() -> None:
    hits = [_hit("M", "MainProvision-Article_70")]
    out = lift_cited(
        hits, [_hit("M", "MainProvision-Article_709"), _hit("X", "x"), _hit("M", "MainProvision-Article_709")]
    )
    assert [(h.path, h.cited) for h in out] == [
        ("MainProvision-Article_709", True),
        ("x", True),
        ("MainProvision-Article_70", False),
    ]


def test_no_citation_changes_nothing() -> None:
    hits = [_hit("A", "p"), _hit("B", "q")]
    assert lift_cited(hits, []) == hits
