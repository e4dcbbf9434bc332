"""Provision-level 新旧対照: which unit of the old revision became which unit of the new one.

Units are aligned by content, not by number, so 条の繰上げ・繰下げ shows as *renumbered*, not as one article
deleted and an unrelated one amended:

1. Units whose kind and body (text without their own number label) are identical are aligned in order
   (``difflib`` over the sequences of bodies).
2. Between two such runs, the leftover old and new units are paired by a weighted alignment that keeps
   document order: the same key (number) scores ``0.5 + similarity / 2`` (an article rewritten in place is
   still that article, amended), another key scores its similarity (character-bigram Dice) and is kept only
   from :data:`RENUMBER_MIN_SIMILARITY` up. A leftover region larger than :data:`PAIR_CAP` old × new units is
   paired by key alone (``LawDiff.exhaustive`` is then False): that bounds the quadratic step.
3. What stays unpaired is *deleted* (old side) or *inserted* (new side).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from egov_core.diff.chars import Edit, apply_edits, char_edits
from egov_core.diff.units import DiffUnit, law_units
from egov_core.domain import Law
from egov_core.errors import DiffApplyError

__all__ = [
    "PAIR_CAP",
    "RENUMBER_MIN_SIMILARITY",
    "ChangeKind",
    "LawDiff",
    "UnitChange",
    "apply_diff",
    "diff_laws",
    "diff_units",
]

#: Largest leftover region (old units × new units) paired by similarity; bigger ones are paired by key.
PAIR_CAP = 10_000
#: Similarity from which a unit with another number counts as the same unit renumbered.
RENUMBER_MIN_SIMILARITY = 0.6

ChangeKind = Literal["unchanged", "formatting", "amended", "renumbered", "inserted", "deleted"]


@dataclass(frozen=True, slots=True)
class UnitChange:
    """What became of one unit.

    Attributes:
        change: ``unchanged``; ``formatting`` (only white space or markup such as ruby differs); ``amended``
            (same number, other text); ``renumbered`` (other number, possibly other text too); ``inserted``;
            ``deleted``.
        old: the unit in the old revision (None when inserted).
        new: the unit in the new revision (None when deleted).
        old_index: position of ``old`` among the old revision's units.
        new_index: position of ``new`` among the new revision's units.
        edits: turn ``old.text`` into ``new.text`` (empty when the texts are equal; one insert / one delete
            for an inserted / deleted unit).
    """

    change: ChangeKind
    old: DiffUnit | None
    new: DiffUnit | None
    old_index: int | None
    new_index: int | None
    edits: tuple[Edit, ...] = ()


@dataclass(frozen=True, slots=True)
class LawDiff:
    """Every unit of both revisions, in merged document order (old and new positions both increase).

    Attributes:
        changes: one entry per unit pair or lone unit, unchanged ones included.
        exhaustive: False when a region above :data:`PAIR_CAP` was paired by key only (renumbering there
            shows as deleted + inserted).
    """

    changes: tuple[UnitChange, ...]
    exhaustive: bool = True

    def counts(self) -> dict[str, int]:
        """How many units of each change kind."""
        out = dict.fromkeys(("inserted", "deleted", "amended", "renumbered", "formatting", "unchanged"), 0)
        for c in self.changes:
            out[c.change] += 1
        return out

    def changed(self) -> tuple[UnitChange, ...]:
        """The entries that are not ``unchanged``."""
        return tuple(c for c in self.changes if c.change != "unchanged")


def _bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i : i + 2] for i in range(len(text) - 1)) or frozenset({text})


def _pair(a: DiffUnit, b: DiffUnit, ai: int, bi: int) -> UnitChange:
    if a.text == b.text:
        if a.key == b.key:
            return UnitChange("unchanged" if a.markup == b.markup else "formatting", a, b, ai, bi)
        return UnitChange("renumbered", a, b, ai, bi)
    edits = char_edits(a.text, b.text)
    if a.key != b.key:
        return UnitChange("renumbered", a, b, ai, bi, edits)
    if "".join(a.text.split()) == "".join(b.text.split()):
        return UnitChange("formatting", a, b, ai, bi, edits)
    return UnitChange("amended", a, b, ai, bi, edits)


def _by_similarity(old: Sequence[DiffUnit], new: Sequence[DiffUnit]) -> list[tuple[int, int]]:
    """Order-keeping pairs of maximal total score (a weighted longest common subsequence)."""
    grams_old = [_bigrams(u.body) for u in old]
    grams_new = [_bigrams(u.body) for u in new]
    n, m = len(old), len(new)
    score = [[0.0] * m for _ in range(n)]
    for i, a in enumerate(old):
        for j, b in enumerate(new):
            if a.kind != b.kind:
                continue
            ga, gb = grams_old[i], grams_new[j]
            sim = 2 * len(ga & gb) / (len(ga) + len(gb))
            if a.key == b.key:
                score[i][j] = 0.5 + sim / 2
            elif sim >= RENUMBER_MIN_SIMILARITY:
                score[i][j] = sim
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        row, below = best[i], best[i + 1]
        for j in range(m - 1, -1, -1):
            take = score[i][j] + below[j + 1] if score[i][j] else 0.0
            row[j] = max(below[j], row[j + 1], take)
    pairs: list[tuple[int, int]] = []
    i = j = 0
    while i < n and j < m:
        if score[i][j] and best[i][j] == score[i][j] + best[i + 1][j + 1]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def _by_key(old: Sequence[DiffUnit], new: Sequence[DiffUnit]) -> list[tuple[int, int]]:
    matcher = SequenceMatcher(None, [(u.kind, u.key) for u in old], [(u.kind, u.key) for u in new], autojunk=False)
    return [(a + k, b + k) for a, b, size in matcher.get_matching_blocks() for k in range(size)]


def _gap(old: Sequence[DiffUnit], new: Sequence[DiffUnit], i0: int, j0: int, out: list[UnitChange]) -> bool:
    """Pair the units of one leftover region; returns False when it was too large for similarity pairing."""
    small = len(old) * len(new) <= PAIR_CAP
    pairs = _by_similarity(old, new) if small else _by_key(old, new)
    i = j = 0
    for pi, pj in [*pairs, (len(old), len(new))]:
        out.extend(
            UnitChange("deleted", old[k], None, i0 + k, None, (Edit("delete", old[k].text),)) for k in range(i, pi)
        )
        out.extend(
            UnitChange("inserted", None, new[k], None, j0 + k, (Edit("insert", new[k].text),)) for k in range(j, pj)
        )
        if pi < len(old) and pj < len(new):
            out.append(_pair(old[pi], new[pj], i0 + pi, j0 + pj))
        i, j = pi + 1, pj + 1
    return small


def diff_units(old: Sequence[DiffUnit], new: Sequence[DiffUnit]) -> LawDiff:
    """The 新旧対照 of two unit sequences (see the module docstring)."""
    matcher = SequenceMatcher(None, [(u.kind, u.body) for u in old], [(u.kind, u.body) for u in new], autojunk=False)
    out: list[UnitChange] = []
    exhaustive = True
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend(_pair(old[i1 + k], new[j1 + k], i1 + k, j1 + k) for k in range(i2 - i1))
        else:
            exhaustive &= _gap(old[i1:i2], new[j1:j2], i1, j1, out)
    return LawDiff(tuple(out), exhaustive)


def diff_laws(old: Law, new: Law) -> LawDiff:
    """The 新旧対照 of two revisions of a law (本則, 附則 and 別表 alike)."""
    return diff_units(law_units(old), law_units(new))


def apply_diff(old_texts: Sequence[str], diff: LawDiff) -> list[str]:
    """The new revision's unit texts, rebuilt from the old revision's unit texts and the diff alone.

    Raises:
        DiffApplyError: ``old_texts`` are not the old side of ``diff``.
    """
    new: list[str] = []
    at = 0
    for c in diff.changes:
        old_text = ""
        if c.old_index is not None:
            if c.old_index != at or at >= len(old_texts):
                raise DiffApplyError(f"the diff expects old unit {c.old_index} where the text has unit {at}")
            old_text = old_texts[at]
            at += 1
        if c.new_index is not None:
            new.append(apply_edits(old_text, c.edits) if c.edits else old_text)
        elif c.edits:
            apply_edits(old_text, c.edits)  # a deletion must still fit the text it deletes
    if at != len(old_texts):
        raise DiffApplyError(f"the diff covers {at} of the old text's {len(old_texts)} units")
    return new
