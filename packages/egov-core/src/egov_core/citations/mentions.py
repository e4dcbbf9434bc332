"""Laws named in free text without a provision: 「借地借家法の規定により」「薬機法上の」 (pure: no I/O).

A citation names a provision (条 / 項 / 号); a question or a search often names only the law. A mention
is a known name or alias (the same table and longest-match rules as :func:`find_citations`), not
part of a longer name: 「民法」 in 「民法施行法」, 「薬機法」 in 「薬機法施行規則」 and 「公務員法」 in
「国家公務員法」 are not mentions of 民法, 薬機法 and 公務員法. 旧法 (「旧民法」) are left out: the
stored law is the current one.
"""

from __future__ import annotations

from dataclasses import dataclass

from egov_core.citations.model import LawRef
from egov_core.citations.names import LawNameTable, default_name_table
from egov_core.citations.parser import _continues_as_law, _law_before, _offsets
from egov_core.text.normalize import normalize

__all__ = ["LawMention", "find_law_names"]


@dataclass(frozen=True, slots=True)
class LawMention:
    """One law named in a text.

    Attributes:
        name: the name as written, normalised (a title or an alias: look it up to get the law).
        start / end: offsets of the name in the original text.
    """

    name: str
    start: int
    end: int


def find_law_names(text: str, *, names: LawNameTable | None = None) -> list[LawMention]:
    """The known laws ``text`` names, in order (each mention once; a name may occur several times).

    Args:
        text: free Japanese text.
        names: law names to recognise (as for :func:`~egov_core.citations.find_citations`).
    """
    table = names or default_name_table()
    s = normalize(text)
    offsets = _offsets(text, s)
    found: list[LawMention] = []
    end = len(s)
    while end > 0:
        known = next((k for k in table.lengths_ending_with(s[end - 1]) if k <= end and s[end - k : end] in table), 0)
        law = _law_before(s, end, table) if known and not _continues_as_law(s, end) else None
        if law is None:
            end -= 1
            continue
        start, parts = law
        name = parts.law_name
        if parts.law_ref is LawRef.NAME and name is not None and name in table and not parts.old_law:
            found.append(LawMention(name, offsets[end - len(name)], offsets[end]))
        end = start
    found.reverse()
    return found
