"""References to the divisions of a law — 編・章・節・款・目 (第三章, 前章, この節, 同章, 第二章第三節, 前章第一節第二款,
次章から第四章の二まで, 新法第六章) — found in a text and resolved to the division's provision path
(``MainProvision-Part_2-Chapter_3-Section_1``).

A division is addressed by its place in the law's structure: 「第二節」 in an article of 第三章 is 第三章's 第二節, 「この章」 the
chapter holding the article, 「前章」 the chapter before it. Articles do not carry their division in their path (e-Gov
paths put them directly under the MainProvision), so the context article's enclosing division is asked of the
directory (:meth:`~egov_core.citations.LawDirectory.parent_path`). Not references: the 目次 (its chapter list is the
structure itself) and 「以下この章において…」, which only bounds where a definition applies.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, replace

from egov_core.citations.defined import DefinedLaw, written_law_name
from egov_core.citations.directory import LawDirectory
from egov_core.citations.model import CitationContext, CitationParts, LawRef, Relative, Resolution, ResolutionStatus
from egov_core.citations.names import LawNameTable
from egov_core.citations.parser import _BRANCH, _NUM, _law_before, _num, _offsets
from egov_core.citations.resolver import resolve_parts
from egov_core.citations.running_text import resolve_defined
from egov_core.errors import InvalidNumeralError
from egov_core.text.normalize import normalize

__all__ = ["DivisionRef", "find_division_refs", "resolve_division_refs"]

#: 編・章・節・款・目, outermost first, as e-Gov tags them.
_KINDS = {"編": "Part", "章": "Chapter", "節": "Section", "款": "Subsection", "目": "Division"}
_ORDER = ("Part", "Chapter", "Section", "Subsection", "Division")
# 目 has no relative form here: 「この目的」「本目標」 are not divisions.
_REL = {"前": Relative.PREVIOUS, "次": Relative.NEXT, "同": Relative.SAME, "本": Relative.THIS, "この": Relative.THIS}
_LEVEL = rf"(?:第{_NUM}[編章節款目]{_BRANCH}|(?:前|次|同|本|この)[編章節款](?![0-9〇一二三四五六七八九十百千]))"
_CHAIN_RE = re.compile(rf"{_LEVEL}(?:{_LEVEL})*+")
_ONE_RE = re.compile(
    rf"第(?P<num>{_NUM})(?P<k>[編章節款目])(?P<br>{_BRANCH})|(?P<rel>前|次|同|本|この)(?P<rk>[編章節款])"
)
_RANGE_RE = re.compile(r"\s?(?:から|乃至)\s?")
_RANGE_END_RE = re.compile(r"\s?まで")
_LIST_SEP_RE = re.compile(r"^(?:及び|並びに|又は|若しくは|、|・)$")
# 「以下この節及び次章において」「この章において同じ」: where a definition applies, not a reference.
_SCOPE_BEFORE_RE = re.compile(r"以下(?:この|本|次|同|第|[章節款編及び並に、・0-9〇一二三四五六七八九十百千の])*$")
_SCOPE_AFTER_RE = re.compile(
    r"^(?:(?:及び|並びに|、)?(?:この|次|前|本|第)?[0-9〇一二三四五六七八九十百千の]*[編章節款目])*において"
)

Level = tuple[str, str | None, Relative | None]  # (e-Gov tag, number, relative)


@dataclass(frozen=True, slots=True)
class DivisionRef:
    """A reference to a division of a law, as written.

    Attributes:
        text: the reference exactly as it appears (「新法第六章」「前章第一節第二款」).
        start: offset of its first character in the input.
        end: offset just past its last character.
        law: the law as written before it (law fields only; ``LawRef.THIS`` when unnamed).
        levels: (tag, number, relative) from the outermost level written: ``(("Chapter", None, PREVIOUS),
            ("Section", "1", None))`` for 前章第一節.
        range_end: the levels of the end of a range (次章から第四章の二まで), if any.
    """

    text: str
    start: int
    end: int
    law: CitationParts
    levels: tuple[Level, ...]
    range_end: tuple[Level, ...] | None = None


def _levels(chain: str) -> tuple[Level, ...] | None:
    out: list[Level] = []
    for m in _ONE_RE.finditer(chain):
        if m.group("rel"):
            out.append((_KINDS[m.group("rk")], None, _REL[m.group("rel")]))
        else:
            try:
                out.append((_KINDS[m.group("k")], _num(m.group("num"), m.group("br") or ""), None))
            except InvalidNumeralError:
                return None
    ranks = [_ORDER.index(tag) for tag, _, _ in out]
    # Outermost first, each level once (第三節第二章 is not one reference); only the first may be relative.
    if not out or ranks != sorted(set(ranks)) or any(rel for _, _, rel in out[1:]):
        return None
    return tuple(out)


def find_division_refs(text: str, *, names: LawNameTable) -> list[DivisionRef]:
    """Every reference to a 編・章・節・款・目 in ``text``, in order (pure).

    A bare 「第四節」 right after 「第二章第三節及び」 continues that reference: it is 第二章's 第四節, of the same law.
    """
    s = normalize(text)
    offsets = _offsets(text, s)
    out: list[DivisionRef] = []
    floor = 0  # the end of the previous reference, in ``s``
    for m in _CHAIN_RE.finditer(s):
        begin, end = m.start(), m.end()
        if begin < floor:
            continue
        levels = _levels(m.group())
        if levels is None or _is_scope(s, begin, end):
            continue
        range_end = None
        sep = _RANGE_RE.match(s, end)
        if sep and (other := _CHAIN_RE.match(s, sep.end())) and (last := _levels(other.group())) is not None:
            close = _RANGE_END_RE.match(s, other.end())
            if close is not None:
                range_end, end = last, close.end()
        law = CitationParts()
        previous = out[-1] if out else None
        named = _law_before(s, begin, names, floor)
        if named is not None and levels[0][2] is None:
            begin, law = named[0], _law_fields(named[1])
        elif previous is not None and _LIST_SEP_RE.match(s[floor:begin]) and levels[0][2] is None:
            law = replace(previous.law, continuation=True)
            # The levels above the first one written come from the reference the list continues.
            rank = _ORDER.index(levels[0][0])
            levels = tuple(lv for lv in previous.levels if _ORDER.index(lv[0]) < rank) + levels
        out.append(
            DivisionRef(text[offsets[begin] : offsets[end]], offsets[begin], offsets[end], law, levels, range_end)
        )
        floor = end
    return out


def _is_scope(s: str, begin: int, end: int) -> bool:
    return bool(_SCOPE_BEFORE_RE.search(s, max(0, begin - 16), begin) and _SCOPE_AFTER_RE.match(s[end : end + 24]))


def _law_fields(parts: CitationParts) -> CitationParts:
    return CitationParts(
        law_name=parts.law_name,
        law_ref=parts.law_ref,
        old_law=parts.old_law,
        annotation=parts.annotation,
        historical=parts.historical,
    )


async def resolve_division_refs(
    text: str,
    directory: LawDirectory,
    context: CitationContext,
    *,
    defined: Mapping[str, DefinedLaw] | None = None,
) -> AsyncIterator[tuple[DivisionRef, Resolution]]:
    """Every division reference in ``text`` (read at ``context``) with what it resolved to, in order.

    The resolution's ``path`` is the division's provision path (``range_end_path`` the end of a range); 同章 is the
    chapter cited just before in the text (unresolved if that one is), else the context's.
    """
    names = await directory.name_table()
    previous: Resolution | None = None
    for ref in find_division_refs(text, names=names):
        res = await _resolve(ref, directory, context, previous, defined)
        yield ref, res
        previous = res


async def _resolve(
    ref: DivisionRef,
    directory: LawDirectory,
    context: CitationContext,
    previous: Resolution | None,
    defined: Mapping[str, DefinedLaw] | None,
) -> Resolution:
    parts = ref.law
    top = (context.path or "").split("-", 1)[0]
    unnamed = parts.law_ref is LawRef.THIS and not parts.law_name and not parts.old_law
    same = ref.levels[0][2] is Relative.SAME and previous is not None
    if same and previous is not None:
        if previous.path is None:  # 同章 after a chapter that did not resolve (a law the store lacks) is that one
            return replace(previous, parts=parts)
        law_id: str | None = previous.law_id
    elif unnamed:
        if top.startswith("SupplProvision[") and top != "SupplProvision[1]" and ref.levels[0][2] is None:
            # 「第三章」 unnamed in an amendment's 附則 is a chapter of the amending law (as 第二条 is).
            return Resolution(ResolutionStatus.NOT_FOUND, parts, reason="amending_law", note="改正法の章です")
        law_id = context.law_id
    else:
        definition = defined.get(written_law_name(parts) or "") if defined else None
        law_res = (
            await resolve_defined(parts, definition, directory=directory, context=context)
            if definition is not None
            else await resolve_parts(parts, directory=directory, context=context, previous=previous)
        )
        if law_res.status is not ResolutionStatus.RESOLVED or law_res.law_id is None:
            return replace(law_res, path=None)
        law_id = law_res.law_id
    law = await directory.get_law(law_id) if law_id else None
    if law is None:
        return Resolution(ResolutionStatus.NOT_FOUND, parts, reason="no_context", note="参照先の法令を決められません")
    own = law.law_id == context.law_id
    here = await _context_division(law.law_id, context, directory) if own else "MainProvision"
    base = previous.path if same and previous is not None and previous.path else here
    path = await _division_path(law.law_id, ref.levels, base, directory)
    end_path = await _division_path(law.law_id, ref.range_end, here, directory) if ref.range_end else None
    if path is None:
        return Resolution(
            ResolutionStatus.NOT_FOUND,
            parts,
            law_id=law.law_id,
            title=law.title,
            reason="no_such_provision",
            note=f"{law.title}に「{ref.text}」はありません",
        )
    return Resolution(
        ResolutionStatus.RESOLVED, parts, law_id=law.law_id, title=law.title, path=path, range_end_path=end_path
    )


async def _context_division(law_id: str, context: CitationContext, directory: LawDirectory) -> str:
    """The division holding the context provision (``MainProvision-Chapter_3-Section_1``), else its top element."""
    path = context.path or "MainProvision"
    segments = path.split("-")
    cut = next((i + 1 for i, seg in enumerate(segments) if seg.startswith("Article_")), len(segments))
    parent = await directory.parent_path(law_id, "-".join(segments[:cut]))
    return parent or segments[0]


def _within(chain: str, tag: str) -> str | None:
    """The prefix of ``chain`` ending at its ``tag`` segment (the chapter of a section's path), or None."""
    segments = chain.split("-")
    for i, seg in enumerate(segments):
        if seg.split("_", 1)[0].split("[", 1)[0] == tag:
            return "-".join(segments[: i + 1])
    return None


def _above(chain: str, tag: str) -> str:
    """The prefix of ``chain`` made of the levels above ``tag`` (where a 第N[tag] of this context sits)."""
    rank = _ORDER.index(tag)
    segments = chain.split("-")
    keep = [segments[0]]
    for seg in segments[1:]:
        kind = seg.split("_", 1)[0]
        if kind not in _ORDER or _ORDER.index(kind) >= rank:
            break
        keep.append(seg)
    return "-".join(keep)


async def _division_path(law_id: str, levels: tuple[Level, ...], base: str, directory: LawDirectory) -> str | None:
    """The path of ``levels`` read at the division ``base`` of ``law_id``, if the law has that division."""
    tag, num, rel = levels[0]
    deeper = "".join(f"-{t}_{n}" for t, n, _ in levels[1:])
    if rel is not None:
        here = _within(base, tag)
        if here is None:
            return None
        if rel in (Relative.PREVIOUS, Relative.NEXT):
            here = await directory.sibling_path(law_id, here, -1 if rel is Relative.PREVIOUS else 1)
            if here is None:
                return None
        candidates = [here + deeper]
    else:
        # 第二節 in 第三章 is 第三章's; failing that the law's own (a 附則 citing 第三章 of the main provision).
        own = f"-{tag}_{num}{deeper}"
        candidates = list(dict.fromkeys([_above(base, tag) + own, "MainProvision" + own]))
    found = await directory.get_provisions(law_id, candidates)
    return next((c for c in candidates if c in found), None)
