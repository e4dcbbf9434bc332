"""Names a statute gives a law for its own use: 「この法律による改正後の行政手続法（以下「新法」という。）」.

An amending law's 附則 (stored with the law it amends, as ``SupplProvision[k]``) calls the amended law 新法 / 新令 /
新規則 and its former text 旧法 / 旧令 / 旧○○法; 新法第六章 then means the amended 行政手続法's 第六章, and 旧法第三十八条
the text before the amendment. :func:`find_law_definitions` reads such definitions out of a text (pure: no I/O);
the resolver substitutes the defined law for the name (:func:`written_law_name` says which name a citation wrote).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from egov_core.citations.model import CitationParts, LawRef
from egov_core.citations.names import LawNameTable, default_name_table
from egov_core.citations.parser import _BEFORE_AMENDMENT_RE, _law_before
from egov_core.text.normalize import normalize

__all__ = ["DefinedLaw", "find_law_definitions", "written_law_name"]

# 「（以下「新法」という。）」「（昭和二十三年法律第八十一号。以下「旧法」という。）」「（次項において「旧法」という。）」: the
# name must look like a law's (…法 / …令 / …規則), so 「（以下「命令等」という。）」 defines nothing here.
_DEFINITION_RE = re.compile(
    r"\((?:[^()「」]{0,60}?[。、])?(?:以下|[^()「」。]{0,12}において)"
    r"「(?P<alias>[^「」()]{0,10}(?:法|法律|令|規則))」という。?\)"
)
_THIS_LAW = ("この法律", "この政令", "この省令", "この府令", "この規則", "この命令", "本法")
_AMENDED = ("改正後の", "改正前の", "改正後", "改正前")


@dataclass(frozen=True, slots=True)
class DefinedLaw:
    """A law name defined in a text, and the law it stands for.

    Attributes:
        alias: the name as defined (``新法``, ``旧法``, ``新令``, ``旧石油税法``).
        parts: the law as the definition names it (law fields only): a named law, or 本法 / この法律 (``LawRef.THIS``);
            ``historical`` for 「改正前の…」 (with ``amended_by`` when the amending law's number is written).
        amended: written 「改正後の…」 or 「改正前の…」: the law an amendment changes, so a name the store no longer
            knows (a law renamed since: 石油税法 → 石油石炭税法) is the law whose 附則 says it.
    """

    alias: str
    parts: CitationParts
    amended: bool = False


def find_law_definitions(text: str, *, names: LawNameTable | None = None) -> list[DefinedLaw]:
    """The law names ``text`` defines (「○○法（以下「新法」という。）」), in order."""
    table = names or default_name_table()
    s = normalize(text)
    out: list[DefinedLaw] = []
    for m in _DEFINITION_RE.finditer(s):
        pos = m.start()
        if s.endswith(_THIS_LAW, max(0, pos - 4), pos):
            out.append(DefinedLaw(m.group("alias"), CitationParts(law_ref=LawRef.THIS)))
            continue
        found = _law_before(s, pos, table)
        if found is None or found[1].law_ref is not LawRef.NAME or not found[1].law_name:
            continue
        start, parts = found
        before = s[max(0, start - 40) : start]
        amended = before.endswith(_AMENDED)
        amending = None
        if parts.historical and (number := _BEFORE_AMENDMENT_RE.search(before)) is not None:
            amending = number.group("law")
        law = CitationParts(
            law_name=parts.law_name,
            law_ref=LawRef.NAME,
            old_law=parts.old_law,
            historical=parts.historical,
            amended_by=amending,
        )
        out.append(DefinedLaw(m.group("alias"), law, amended))
    return out


def written_law_name(parts: CitationParts) -> str | None:
    """The law name a citation was written with (``新法``, ``旧法``, ``旧石油税法``), None for 同法 / 法 / nothing."""
    if parts.law_ref is LawRef.THIS and parts.old_law and not parts.law_name:
        return "旧法"
    if parts.law_ref is not LawRef.NAME or not parts.law_name or parts.law_from_text:
        return None
    return f"旧{parts.law_name}" if parts.old_law else parts.law_name
