"""新旧対照: provision-level and character-level differences between two revisions of a law.

Pure computation over parsed :class:`~egov_core.domain.Law` revisions (no storage, no web)::

    from egov_core.diff import diff_laws
    for change in diff_laws(old, new).changed():
        print(change.change, change.old and change.old.title, change.new and change.new.title)
"""

from egov_core.diff.align import (
    PAIR_CAP,
    RENUMBER_MIN_SIMILARITY,
    ChangeKind,
    LawDiff,
    UnitChange,
    apply_diff,
    diff_laws,
    diff_units,
)
from egov_core.diff.attribution import attribute_changes
from egov_core.diff.chars import CHAR_DIFF_CAP, Edit, apply_edits, char_edits
from egov_core.diff.units import DiffUnit, law_units

__all__ = [
    "CHAR_DIFF_CAP",
    "PAIR_CAP",
    "RENUMBER_MIN_SIMILARITY",
    "ChangeKind",
    "DiffUnit",
    "Edit",
    "LawDiff",
    "UnitChange",
    "apply_diff",
    "apply_edits",
    "attribute_changes",
    "char_edits",
    "diff_laws",
    "diff_units",
    "law_units",
]
