"""Character-level edits inside one amended unit, and applying them back.

Texts are compared coarse to fine: lines (a line is one 項, 号 or table row), then, inside each block of
replaced lines, phrases (up to and including a 、 。 or space), then, inside each block of replaced phrases,
characters. Each comparison first strips the common head and tail (linear), and ``difflib`` (quadratic in the
worst case) only runs on what is left when the product of the two sides' token counts is at most
:data:`CHAR_DIFF_CAP`; a bigger remainder is reported as one deletion and one insertion. That bounds the cost of
any pair of texts, the largest 別表 included, by their length times the square root of the cap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from egov_core.errors import DiffApplyError

__all__ = ["CHAR_DIFF_CAP", "Edit", "apply_edits", "char_edits"]

#: Largest product of the two sides' token counts (lines, phrases or characters) handed to ``difflib``.
CHAR_DIFF_CAP = 1_000_000
_PHRASE = re.compile(r"[^、。\s]*[、。\s]*")


@dataclass(frozen=True, slots=True)
class Edit:
    """One step from the old text to the new one.

    Attributes:
        op: ``equal`` (kept), ``delete`` (only in the old text) or ``insert`` (only in the new text).
        text: the characters concerned.
    """

    op: Literal["equal", "delete", "insert"]
    text: str


def _push(out: list[Edit], op: Literal["equal", "delete", "insert"], text: str) -> None:
    if not text:
        return
    if out and out[-1].op == op:
        out[-1] = Edit(op, out[-1].text + text)
    else:
        out.append(Edit(op, text))


def _tokens(text: str, level: int) -> list[str]:
    if level == 0:
        return text.splitlines(keepends=True)
    if level == 1:
        return [t for t in _PHRASE.findall(text) if t]
    return list(text)


def _diff(old: str, new: str, level: int, out: list[Edit]) -> None:
    """Edits from ``old`` to ``new`` at token ``level`` (0 lines, 1 phrases, 2 characters), finer inside replaced
    blocks; past the characters, or above the cap, a replaced block is one deletion and one insertion."""
    if level > 2 or not old or not new:
        _push(out, "delete", old)
        _push(out, "insert", new)
        return
    a, b = _tokens(old, level), _tokens(new, level)
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    _push(out, "equal", "".join(a[:head]))
    mid_a, mid_b = a[head : len(a) - tail], b[head : len(b) - tail]
    if mid_a and mid_b and len(mid_a) * len(mid_b) <= CHAR_DIFF_CAP:
        # autojunk off: in Japanese text a handful of kana (の, は, る) pass difflib's 1% popularity rule.
        matcher = SequenceMatcher(None, mid_a, mid_b, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                _push(out, "equal", "".join(mid_a[i1:i2]))
            else:
                _diff("".join(mid_a[i1:i2]), "".join(mid_b[j1:j2]), level + 1, out)
    else:
        _push(out, "delete", "".join(mid_a))
        _push(out, "insert", "".join(mid_b))
    _push(out, "equal", "".join(a[len(a) - tail :]))


def char_edits(old: str, new: str) -> tuple[Edit, ...]:
    """Edits turning ``old`` into ``new``: lines, then phrases, then characters (see the module docstring)."""
    out: list[Edit] = []
    _diff(old, new, 0, out)
    return tuple(out)


def apply_edits(old: str, edits: tuple[Edit, ...] | list[Edit]) -> str:
    """The new text: ``edits`` applied to ``old``.

    Raises:
        DiffApplyError: ``old`` is not the text the edits were computed from.
    """
    parts: list[str] = []
    at = 0
    for edit in edits:
        if edit.op == "insert":
            parts.append(edit.text)
            continue
        if old[at : at + len(edit.text)] != edit.text:
            raise DiffApplyError(f"the old text does not match the diff at character {at}")
        if edit.op == "equal":
            parts.append(edit.text)
        at += len(edit.text)
    if at != len(old):
        raise DiffApplyError(f"the diff covers {at} of the old text's {len(old)} characters")
    return "".join(parts)
