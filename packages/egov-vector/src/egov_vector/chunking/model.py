"""What a chunk is: the text that gets one vector, and the key that identifies it across runs."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal, Protocol

from egov_core.rendering import ProvisionUnit

__all__ = ["Chunk", "ProvisionLike", "SourceKind", "chunk_hash", "split_text"]

#: Laws (provisions of a revision) or court decisions.
SourceKind = Literal["law", "case"]


class ProvisionLike(ProvisionUnit, Protocol):
    """The provision fields chunking reads: :class:`egov_core.domain.Provision` or a ``provisions`` row (what
    the plain-text renderer reads, and the path)."""

    @property
    def path(self) -> str:
        """e-Gov elm path."""
        ...


@dataclass(frozen=True, slots=True)
class Chunk:
    """One piece of text to embed.

    Attributes:
        source_kind: ``law`` or ``case``.
        unit_path: the retrieval unit it belongs to (the Article, a top-level Paragraph, an AppdxTable; for
            a case ``gist`` / ``case_gist`` / ``contents``): hits are reported per unit.
        path: the provision the chunk covers (the unit itself, or one Paragraph of a long Article).
        part: 0.. when the covered text is cut into windows.
        text: the embedded text: context prefix (law title, article title and caption) + body.
        body_start: where the body starts in ``text`` (snippets leave the prefix out).
        content_hash: sha256 of ``text``; an unchanged hash means the stored vector is still right.
        title: the unit's heading (``第七百九条``), if any.
        caption: the unit's 見出し, if any.
        in_suppl: the unit is in a 附則.
    """

    source_kind: SourceKind
    unit_path: str
    path: str
    part: int
    text: str
    body_start: int
    content_hash: str
    title: str | None = None
    caption: str | None = None
    in_suppl: bool = False

    @property
    def body(self) -> str:
        """``text`` without its context prefix."""
        return self.text[self.body_start :]


def chunk_hash(text: str) -> str:
    """sha256 hex of the chunk text (what decides whether a stored vector can be kept)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_CUT_AFTER = ("\n", "。", "、", " ", "　")


def split_text(text: str, max_chars: int) -> list[str]:
    """``text`` in windows of at most ``max_chars``, cut after a line end or 「。」 where one is near.

    A cut looks back at most a third of a window for a good boundary, so windows stay close to full.
    """
    if len(text) <= max_chars:
        return [text]
    pieces: list[str] = []
    start = 0
    while len(text) - start > max_chars:
        end = start + max_chars
        floor = start + (2 * max_chars) // 3
        cut = end
        for sep in _CUT_AFTER:
            at = text.rfind(sep, floor, end)
            if at != -1:
                cut = at + 1
                break
        pieces.append(text[start:cut])
        start = cut
    if start < len(text):
        pieces.append(text[start:])
    return [p for p in pieces if p.strip()]
