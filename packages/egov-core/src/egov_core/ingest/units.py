"""Search units: the article-level pieces of a law revision that keyword search ranks.

One unit per Article (in 本則 or 附則), per Paragraph standing directly under MainProvision /
SupplProvision (laws without articles), per 別表/別記/様式/書式/付録/別図, and per 制定文 / 前文. Its text is
the rendered plain text with labels; long units are split into segments of at most
:data:`MAX_UNIT_CHARS` characters so that every character gets a tsvector position.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from egov_core.domain import Element, Law, Provision, ProvisionKind

__all__ = ["MAX_UNIT_CHARS", "SearchUnit", "search_units", "split_text"]

#: Longest segment (PostgreSQL tsvector positions stop at 16,383).
MAX_UNIT_CHARS = 16_000

_K = ProvisionKind
_STANDALONE = frozenset(
    {
        _K.ARTICLE,
        _K.APPDX_TABLE,
        _K.APPDX_NOTE,
        _K.APPDX_STYLE,
        _K.APPDX_FORMAT,
        _K.APPDX,
        _K.APPDX_FIG,
        _K.ENACT_STATEMENT,
        _K.PREAMBLE,
    }
)
_TOP = frozenset({_K.MAIN_PROVISION, _K.SUPPL_PROVISION})


@dataclass(frozen=True, slots=True)
class SearchUnit:
    """One segment of one unit (``seq`` 0.. within the unit's path)."""

    path: str
    seq: int
    in_suppl: bool
    caption: str | None
    title: str | None
    text: str


def _renderer() -> Callable[[Element], str]:
    try:
        rendering = importlib.import_module("egov_core.rendering")
    except ImportError:  # the labelled renderer lives in another module; the raw plain text will do
        return Element.text
    render: Callable[[Element], str] = rendering.render_plain_text
    return render


def split_text(text: str, limit: int = MAX_UNIT_CHARS) -> list[str]:
    """``text`` cut into pieces of at most ``limit`` characters, at line ends where possible."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        while len(line) > limit:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:limit])
            line = line[limit:]
        if len(current) + len(line) > limit:
            pieces.append(current)
            current = ""
        current += line
    if current:
        pieces.append(current)
    return pieces


def _is_unit(p: Provision, by_path: dict[str, Provision]) -> bool:
    if p.kind in _STANDALONE:
        return True
    if p.kind is not _K.PARAGRAPH:
        return False
    parent = by_path.get(p.parent_path) if p.parent_path else None
    return parent is None or parent.kind in _TOP or parent.kind.is_division


def search_units(law: Law) -> Iterator[SearchUnit]:
    """The search units of ``law`` in document order."""
    render = _renderer()
    by_path = {p.path: p for p in law.provisions}
    for p in law.provisions:
        if not _is_unit(p, by_path):
            continue
        text = render(p.element).strip()
        for seq, piece in enumerate(split_text(text)):
            yield SearchUnit(
                path=p.path,
                seq=seq,
                in_suppl=p.path.startswith("SupplProvision"),
                caption=p.caption,
                title=p.title,
                text=piece,
            )
