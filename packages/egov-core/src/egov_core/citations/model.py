"""What a citation says (parts), where it was found (match), and what it resolved to (resolution)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["CitationContext", "CitationMatch", "CitationParts", "LawRef", "Relative", "Resolution", "ResolutionStatus"]


class LawRef(StrEnum):
    """How the cited law is named."""

    NAME = "name"  # 民法, 労基法, 旧特許法 …
    SAME = "same"  # 同法 / 同令 / 同規則: the law of the previous citation
    ACT = "act"  # 法 (in a 施行令 / 施行規則: the act it implements)
    THIS = "this"  # 本法, or nothing at all (第三条 alone): the law of the context


class Relative(StrEnum):
    """A relative article / paragraph / item reference (前条, 次項, 同号, 前各項)."""

    PREVIOUS = "previous"  # 前条 / 前項 / 前号
    NEXT = "next"  # 次条 / 次項 / 次号
    SAME = "same"  # 同条 / 同項 / 同号: the one cited just before
    THIS = "this"  # 本条 / 本項 / 本号: the context provision
    ALL_PREVIOUS = "all_previous"  # 前各項 / 前各号


@dataclass(frozen=True, slots=True)
class CitationParts:
    """The parsed parts of one citation, as written.

    Attributes:
        law_name: the law as written, normalised (``民法``, ``労基法``, ``特許法`` for 旧特許法), None if unnamed.
        law_ref: how the law is named (:class:`LawRef`).
        old_law: written with 旧 (旧特許法, 舊刑訴法): a repealed or superseded law.
        annotation: a parenthesised note after the law name or article (``大正10年法律第96号``).
        suppl: the citation is into the 附則 (supplementary provisions).
        article: canonical article number (``709``, ``2_12``), None when not given or relative.
        article_rel: 前条 / 次条 / 同条 / 本条.
        paragraph: paragraph number, None when not given or relative.
        paragraph_rel: 前項 / 次項 / 同項 / 前各項.
        item: canonical item number (``2``, ``2_2``), None when not given or relative.
        item_rel: 前号 / 次号 / 同号 / 前各号.
        subitems: イ, ロ … under the item (``("イ",)`` for 第二号イ).
        range_end: for 第五条から第七条まで, the parts of the end of the range.
        continuation: this citation continues a list (``及び第七百十条``): unnamed parts come from the previous one.
        historical: the citation is of a text before an amendment (「民法（平成二十九年法律第四十四号による
            改正前のもの）第四百十五条」, 「改正前の民法」), not of today's text.
        amended_by: for a historical citation, the amending law as written (``平成29年法律第44号``), when given.
        rel_count: how many provisions a 前… reference counts back (2 for 前二項: the two paragraphs before;
            the parts then carry the nearer one as ``range_end``).
        law_from_text: ``law_name`` was not written with the provision but taken from the text around it
            (同法 after a law named without an article, a bare 第三条 when one law only is named nearby).
    """

    law_name: str | None = None
    law_ref: LawRef = LawRef.THIS
    old_law: bool = False
    annotation: str | None = None
    suppl: bool = False
    article: str | None = None
    article_rel: Relative | None = None
    paragraph: int | None = None
    paragraph_rel: Relative | None = None
    item: str | None = None
    item_rel: Relative | None = None
    subitems: tuple[str, ...] = ()
    range_end: CitationParts | None = None
    continuation: bool = False
    historical: bool = False
    amended_by: str | None = None
    law_from_text: bool = False
    rel_count: int = 1


@dataclass(frozen=True, slots=True)
class CitationMatch:
    """One citation found in a text.

    Attributes:
        text: the citation exactly as it appears in the input.
        start: offset of its first character in the input (Python string index).
        end: offset just past its last character.
        parts: what it says.
    """

    text: str
    start: int
    end: int
    parts: CitationParts


@dataclass(frozen=True, slots=True)
class CitationContext:
    """Where a text is read from, for relative references (同法, 前条, 第三項, 法第N条).

    Attributes:
        law_id: the law the text belongs to (本法, bare 第三条).
        path: the provision the text belongs to (前条, 前項, 同条 when nothing was cited before).
        act_law_id: for a 施行令 / 施行規則, the act that 「法」 means; derived from the title when None.
    """

    law_id: str | None = None
    path: str | None = None
    act_law_id: str | None = None


class ResolutionStatus(StrEnum):
    """Outcome of resolving one citation."""

    RESOLVED = "resolved"
    HISTORICAL = "historical"  # a text before an amendment: the law, and the old revision's provision when stored
    AMBIGUOUS = "ambiguous"
    NOT_FOUND = "not_found"


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a citation resolved to.

    Attributes:
        status: resolved / historical / ambiguous / not_found.
        parts: the parsed parts.
        law_id: the law, when known (also set when the law is known but the provision is not).
        title: the law's title.
        path: the provision path (e-Gov elm, ``MainProvision-Article_709-Paragraph_1``), when found;
            None when only the law was cited.
        range_end_path: the end of a cited range (第五条から第七条まで), when found.
        caption: the provision's 見出し, when found.
        text: the provision's own text, when found.
        reason: why it did not resolve (``unknown_law``, ``no_such_provision``, ``old_law``,
            ``no_context``, ``ambiguous_law``, ``no_citation``), or ``partial`` when it resolved only to an enclosing
            provision (the cited paragraph / item is not in the current text).
        note: human-readable explanation (``旧法`` …).
        candidates: (law_id, title) pairs when ambiguous.
        revision_id: for a historical citation resolved in a stored older revision, that revision.
    """

    status: ResolutionStatus
    parts: CitationParts
    law_id: str | None = None
    title: str | None = None
    path: str | None = None
    range_end_path: str | None = None
    caption: str | None = None
    text: str | None = None
    reason: str | None = None
    note: str | None = None
    candidates: tuple[tuple[str, str], ...] = field(default=())
    revision_id: str | None = None
