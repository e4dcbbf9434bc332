"""Provision paths in e-Gov 法令API v2 ``elm`` syntax.

A path is a ``-``-joined list of segments; a segment is an element name, optionally ``_`` + its ``Num``
(枝番 joined by ``_``: 第十二条の二 is ``Article_12_2``) and optionally ``[n]`` (1-based position among
same-name siblings, for elements without ``Num``, or a tie-breaker when a ``Num`` repeats)::

    MainProvision-Article_709-Paragraph_1-Item_2
    MainProvision-Part_1-Chapter_2-Section_3
    SupplProvision[1]-Article_3
    AppdxTable[1]

e-Gov's ``Num`` may also hold ranges (``11:13``) and kana (``イ:ホ``); anything but ``-``, ``[``, ``]`` and
white space is accepted as a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from egov_core.domain.provision import APPENDIX_KINDS, DIVISION_KINDS
from egov_core.errors import InvalidProvisionPathError

__all__ = ["PathSegment", "article_num", "canonical_path", "format_path", "parse_path", "path_candidates"]

_SEGMENT = re.compile(r"^([A-Za-z][A-Za-z0-9]*)(?:_([^\-\[\]\s]+))?(?:\[([0-9]+)\])?$")

#: Elements that sit at the top of a path (directly under LawBody); anything else starts under MainProvision.
_TOP_LEVEL = frozenset(
    {
        "MainProvision",
        "SupplProvision",
        "EnactStatement",
        "TOC",
        "Preamble",
        *APPENDIX_KINDS,
        "LawNum",
        "LawTitle",
    }
)
#: Top-level elements that occur once and are addressed without an index.
_SINGLETONS = frozenset({"MainProvision", "TOC", "Preamble"})
#: Top-level elements that are addressed by position (``SupplProvision[1]``), never by ``_n``.
_POSITIONAL = _TOP_LEVEL - _SINGLETONS

_KNOWN_TAGS = _TOP_LEVEL | {
    *DIVISION_KINDS,
    "Article",
    "Paragraph",
    "Item",
    *(f"Subitem{i}" for i in range(1, 11)),
}
_CANONICAL_TAG = {t.lower(): t for t in _KNOWN_TAGS}


@dataclass(frozen=True, slots=True)
class PathSegment:
    """One segment of a provision path.

    Attributes:
        tag: element name (``Article``).
        num: the ``Num`` as e-Gov writes it (``709``, ``12_2``), if the segment has one.
        index: 1-based position among same-name siblings (``[1]``), if the segment has one.
    """

    tag: str
    num: str | None = None
    index: int | None = None

    def __str__(self) -> str:
        out = self.tag
        if self.num is not None:
            out += f"_{self.num}"
        if self.index is not None:
            out += f"[{self.index}]"
        return out


def parse_path(s: str) -> tuple[PathSegment, ...]:
    """Split a path into its segments, exactly as written (no shorthand expansion).

    Raises:
        InvalidProvisionPathError: empty path, empty segment, or a segment that is not ``Tag[_Num][[n]]``.
    """
    if not s or not s.strip():
        raise InvalidProvisionPathError("empty provision path")
    segments: list[PathSegment] = []
    for raw in s.strip().split("-"):
        m = _SEGMENT.match(raw)
        if m is None:
            raise InvalidProvisionPathError(f"invalid provision path segment {raw!r} in {s!r}")
        index = int(m[3]) if m[3] is not None else None
        if index == 0:
            raise InvalidProvisionPathError(f"positions are 1-based: {raw!r} in {s!r}")
        segments.append(PathSegment(m[1], m[2], index))
    return tuple(segments)


def format_path(segments: tuple[PathSegment, ...] | list[PathSegment]) -> str:
    """Join segments into a path (the inverse of :func:`parse_path`)."""
    return "-".join(str(seg) for seg in segments)


def _canonical_segment(seg: PathSegment, *, top: bool) -> PathSegment:
    tag = _CANONICAL_TAG.get(seg.tag.lower(), seg.tag)
    if top and tag in _SINGLETONS and seg.num in (None, "1") and seg.index in (None, 1):
        return PathSegment(tag)
    if top and tag in _POSITIONAL and seg.num is not None and seg.num.isdigit() and seg.index is None:
        return PathSegment(tag, None, int(seg.num))  # SupplProvision_1 -> SupplProvision[1]
    if top and tag in _POSITIONAL and seg.num is None and seg.index is None:
        return PathSegment(tag, None, 1)
    return PathSegment(tag, seg.num, seg.index)


def canonical_path(s: str) -> str:
    """The canonical form of a user-supplied path.

    Shorthands accepted: ``Article_709`` → ``MainProvision-Article_709`` (anything not top-level starts under
    the MainProvision), ``SupplProvision_1`` → ``SupplProvision[1]``, ``AppdxTable_1`` → ``AppdxTable[1]``,
    ``MainProvision[1]`` → ``MainProvision``, element names in any letter case (``article_709``).

    Raises:
        InvalidProvisionPathError: the path is not valid ``elm`` syntax.
    """
    segments = list(parse_path(s))
    if _CANONICAL_TAG.get(segments[0].tag.lower(), segments[0].tag) not in _TOP_LEVEL:
        segments.insert(0, PathSegment("MainProvision"))
    out = [_canonical_segment(segments[0], top=True)]
    out.extend(_canonical_segment(seg, top=False) for seg in segments[1:])
    return format_path(out)


#: e-Gov also addresses numbered elements by position (``MainProvision-Paragraph[1]``); ours carry their Num.
_POSITIONAL_NUMBERED = re.compile(r"\b(Article|Paragraph|Item|Subitem\d+)\[(\d+)\]")


def path_candidates(s: str) -> tuple[str, ...]:
    """The stored paths a user-supplied path may name, in the order to look them up.

    First :func:`canonical_path` (``Article_709`` → ``MainProvision-Article_709``); then, where it addresses
    numbered elements by position as e-Gov also does (``MainProvision-Paragraph[1]``), the same path with
    positions read as numbers (``MainProvision-Paragraph_1``). The API and :meth:`egov_core.domain.Law.provision`
    both look paths up this way.

    Raises:
        InvalidProvisionPathError: the path is not valid ``elm`` syntax.
    """
    canonical = canonical_path(s)
    numbered = _POSITIONAL_NUMBERED.sub(r"\1_\2", canonical)
    return (canonical,) if numbered == canonical else (canonical, numbered)


def article_num(n: int, *branches: int) -> str:
    """The e-Gov ``Num`` of an article number with 枝番 (branch numbers): ``article_num(12, 2)`` is ``12_2``.

    Raises:
        InvalidProvisionPathError: a number below 1.
    """
    parts = (n, *branches)
    if any(p < 1 for p in parts):
        raise InvalidProvisionPathError(f"article numbers are positive: {parts}")
    return "_".join(str(p) for p in parts)
