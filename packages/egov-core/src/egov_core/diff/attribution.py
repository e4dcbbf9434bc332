"""Which amendment changed which provision, when a diff spans several revisions.

The diff between the first and the last revision of a chain says *what* changed; the diffs of each consecutive
step say *when*. A changed unit of the whole diff is traced through the steps by the units' pairing (so a unit
renumbered on the way is still followed) and credited to every step that changed it.
"""

from __future__ import annotations

from collections.abc import Sequence

from egov_core.diff.align import LawDiff, UnitChange

__all__ = ["attribute_changes"]


def _by_new_key(step: LawDiff) -> dict[str, UnitChange]:
    return {c.new.key: c for c in step.changes if c.new is not None}


def _by_old_key(step: LawDiff) -> dict[str, UnitChange]:
    return {c.old.key: c for c in step.changes if c.old is not None}


def attribute_changes(whole: LawDiff, steps: Sequence[LawDiff]) -> list[list[int]]:
    """For each entry of ``whole.changes``, the indexes of the ``steps`` (consecutive diffs from the first
    revision of ``whole`` to its last) that changed that unit; empty for unchanged entries.

    A unit present at the end is followed backwards from its last key; a unit deleted on the way is followed
    forwards from its first key.
    """
    backward = [_by_new_key(s) for s in steps]
    forward = [_by_old_key(s) for s in steps]
    out: list[list[int]] = []
    for change in whole.changes:
        found: list[int] = []
        if change.change == "unchanged":
            out.append(found)
            continue
        if change.new is not None:
            key: str | None = change.new.key
            for i in range(len(steps) - 1, -1, -1):
                step = backward[i].get(key) if key is not None else None
                if step is None:
                    break
                if step.change != "unchanged":
                    found.append(i)
                key = step.old.key if step.old is not None else None
            found.reverse()
        else:
            assert change.old is not None
            key = change.old.key
            for i in range(len(steps)):
                step = forward[i].get(key) if key is not None else None
                if step is None:
                    break
                if step.change != "unchanged":
                    found.append(i)
                key = step.new.key if step.new is not None else None
        out.append(found)
    return out
