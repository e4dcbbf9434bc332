"""Character-level edits inside one amended unit, and applying them back.

Cost is bounded: texts are first compared line by line (a line is one 項, 号 or table row), and only each block of
replaced lines is compared character by character, and only while that block is at most :data:`CHAR_DIFF_CAP`
characters on each side; a bigger block is reported as one deletion and one insertion. ``difflib`` matching is
quadratic in the worst case, so the cap is what bounds the time of the largest 別表.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from egov_core.errors import DiffApplyError

__all__ = ["CHAR_DIFF_CAP", "Edit", "apply_edits", "char_edits"]

#: Largest block of replaced lines (characters, each side) compared character by character.
CHAR_DIFF_CAP = 20_000


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


def _chars(old: str, new: str, out: list[Edit]) -> None:
    if len(old) > CHAR_DIFF_CAP or len(new) > CHAR_DIFF_CAP:
        _push(out, "delete", old)
        _push(out, "insert", new)
        return
    # autojunk off: in Japanese text a handful of kana (の, は, る) pass difflib's 1% popularity rule.
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _push(out, "equal", old[i1:i2])
        else:
            _push(out, "delete", old[i1:i2])
            _push(out, "insert", new[j1:j2])


def char_edits(old: str, new: str) -> tuple[Edit, ...]:
    """Edits turning ``old`` into ``new``: lines first, then characters inside each replaced block of lines."""
    out: list[Edit] = []
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    matcher = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _push(out, "equal", "".join(old_lines[i1:i2]))
        else:
            _chars("".join(old_lines[i1:i2]), "".join(new_lines[j1:j2]), out)
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
