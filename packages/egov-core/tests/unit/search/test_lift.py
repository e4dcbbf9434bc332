"""lift_cited: cited provisions first, for any hit shape."""

from __future__ import annotations

from dataclasses import dataclass, replace

from egov_core.citations import CitationParts, Resolution, ResolutionStatus
from egov_core.search import lift_cited


@dataclass(frozen=True)
class Hit:
    law_id: str
    path: str
    cited: bool = False


def _res(law_id: str, path: str) -> Resolution:
    return Resolution(ResolutionStatus.RESOLVED, CitationParts(), law_id=law_id, path=path)


def _lift(hits: list[Hit], res: list[Resolution], missing: list[Hit] | None = None) -> list[Hit]:
    return lift_cited(
        hits, res, key=lambda h: (h.law_id, h.path), mark=lambda h: replace(h, cited=True), missing=missing or []
    )


def test_cited_hit_moves_to_the_front() -> None:
    hits = [Hit("A", "MainProvision-Article_1"), Hit("M", "MainProvision-Article_709"), Hit("B", "x")]
    out = _lift(hits, [_res("M", "MainProvision-Article_709-Paragraph_1")])  # a paragraph inside the unit
    assert out == [Hit("M", "MainProvision-Article_709", True), Hit("A", "MainProvision-Article_1"), Hit("B", "x")]


def test_missing_cited_hit_is_added_and_prefix_is_not_a_cover() -> None:
    hits = [Hit("M", "MainProvision-Article_70")]  # Article_70 does not cover Article_709
    extra = [Hit("M", "MainProvision-Article_709")]
    out = _lift(hits, [_res("M", "MainProvision-Article_709")], extra)
    assert out == [Hit("M", "MainProvision-Article_709", True), Hit("M", "MainProvision-Article_70")]


def test_unresolved_citations_change_nothing() -> None:
    hits = [Hit("A", "p")]
    unresolved = Resolution(ResolutionStatus.NOT_FOUND, CitationParts(), reason="unknown_law")
    assert _lift(hits, [unresolved]) == hits
