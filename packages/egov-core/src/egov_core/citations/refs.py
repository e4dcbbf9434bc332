"""参照法条 of court decisions: split the field into parts and resolve each part to a :class:`LawReference`."""

from __future__ import annotations

from egov_core.citations.directory import LawDirectory
from egov_core.citations.model import ResolutionStatus
from egov_core.citations.parser import find_citations
from egov_core.citations.resolver import resolve_citation, resolve_parts
from egov_core.domain.case import LawReference

__all__ = ["resolve_ref_law", "resolve_ref_law_part", "split_ref_law"]

_SEPARATORS = frozenset("，,、；;\r\n")
_OPEN, _CLOSE = "（(「", "）)」"


def split_ref_law(ref_law: str | None) -> list[str]:
    """The parts of a 参照法条 field, split at 「，」「,」「、」「；」 and line breaks outside parentheses.

    The one splitter: the court-decision import stores these parts (``case_law_refs.seq``) and every
    re-resolution and test splits the same way. Parts are stripped (full-width spaces too); blanks dropped.

    ``'民法709条，民法710条'`` → ``['民法709条', '民法710条']``;
    ``'旧特許法（大正10年法律第96号）1条，…'`` keeps the parenthesised law number with its part.
    """
    if not ref_law:
        return []
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in ref_law:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        if ch in _SEPARATORS and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


async def resolve_ref_law_part(part: str, directory: LawDirectory) -> LawReference:
    """Resolve one 参照法条 part (``民法709条``, ``憲法25条1項``, ``刑訴法４１１条１号``).

    Returns:
        One status vocabulary: ``resolved`` (law and provision in today's text), ``law_only`` (a law cited
        without a provision), ``historical`` (a superseded text: written 「…による改正前のもの」, or a
        provision or paragraph today's text lacks; the law, plus the old revision's provision when stored,
        never today's), ``ambiguous``, or ``not_found`` with a note (旧法, unknown law).
    """
    matches = find_citations(part, names=await directory.name_table())
    res = (
        await resolve_parts(matches[0].parts, directory=directory)
        if matches
        else await resolve_citation(part, directory=directory)
    )
    # A decision cites the text in force when it was decided: a provision today's text lacks (民法634条2項,
    # gone since 2017) is a superseded one, whether the article is gone or only the paragraph.
    superseded = res.law_id is not None and res.reason in ("partial", "no_such_provision")
    if superseded:
        note = f"{part}は現行の{res.title}にない条項です（判決当時の条文。現行の条文とは異なります）"
        return LawReference(raw=part, law_id=res.law_id, path=None, status="historical", note=note)
    if res.status is ResolutionStatus.RESOLVED:
        status = "resolved" if res.path else "law_only"
        return LawReference(raw=part, law_id=res.law_id, path=res.path, status=status, note=res.note)
    if res.status is ResolutionStatus.HISTORICAL:
        return LawReference(raw=part, law_id=res.law_id, path=res.path, status="historical", note=res.note)
    if res.status is ResolutionStatus.AMBIGUOUS:
        return LawReference(raw=part, law_id=None, path=None, status="ambiguous", note=res.note)
    return LawReference(raw=part, law_id=res.law_id, path=None, status="not_found", note=res.note)


async def resolve_ref_law(ref_law: str | None, directory: LawDirectory) -> list[LawReference]:
    """Every part of a 参照法条 field, resolved (empty for a missing field)."""
    return [await resolve_ref_law_part(p, directory) for p in split_ref_law(ref_law)]
