"""Plain-text rendering of a law or any provision subtree, for people and for RAG prompts.

One line per heading or provision: 編章節 titles, an article's title and 見出し on one line, then each
paragraph (``２　…``; the first paragraph has no number), item (``一　…``) and 号細分 with its sentences;
table rows with cells separated by ``｜``; figures as ``（図：src）``; 附則 labels with their amending law
(``附　則　（平成一一年一二月二二日法律第一六〇号）``). Ruby base text is kept and readings (Rt) dropped, or
with ``ruby="inline"`` put in full-width brackets after their base text (``溜（た）め``);
Sup, Sub and Line keep their text; Columns are separated by an ideographic space (U+3000). Deterministic:
the same element always gives the same text.

:func:`format_provision_text` is the other rendering: a provision subtree as labelled lines (an article's
``第七百九条　`` joined to its first paragraph), the ``full_text`` of the API's provision routes and of
:attr:`egov_core.domain.Provision.full_text`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

from egov_core.domain import DIVISION_KINDS, Element

__all__ = ["CELL_SEPARATOR", "ProvisionUnit", "RubyMode", "format_provision_text", "render_plain_text"]

#: What plain text does with ruby readings (ルビ): ``omit`` them, or give them ``inline`` after their base text.
RubyMode = Literal["omit", "inline"]

#: Between the cells of a table row.
CELL_SEPARATOR = "｜"
_SPACE = "\u3000"

_DIVISIONS = {t: f"{t}Title" for t in DIVISION_KINDS}
_APPDX = ("AppdxTable", "AppdxNote", "AppdxStyle", "AppdxFormat", "AppdxFig", "AppdxList")
_SUPPL_APPDX = ("SupplProvisionAppdxTable", "SupplProvisionAppdxStyle", "SupplProvisionAppdx")

#: tag -> (heading child tags, joined on the first line; the child holding the sentence on that line).
_HEADED: dict[str, tuple[tuple[str, ...], str | None]] = {
    "Article": (("ArticleTitle", "ArticleCaption"), None),
    "Paragraph": (("ParagraphNum",), "ParagraphSentence"),
    "Item": (("ItemTitle",), "ItemSentence"),
    **{f"Subitem{i}": ((f"Subitem{i}Title",), f"Subitem{i}Sentence") for i in range(1, 11)},
    **{t: ((title,), None) for t, title in _DIVISIONS.items()},
    "SupplProvision": (("SupplProvisionLabel",), None),
    **{t: ((f"{t}Title", "RelatedArticleNum"), None) for t in (*_APPDX, *_SUPPL_APPDX)},
    "Appdx": (("ArithFormulaNum", "RelatedArticleNum"), None),
    "TOC": (("TOCLabel",), None),
    **{f"TOC{t}": ((title, "ArticleRange"), None) for t, title in _DIVISIONS.items()},
    "TOCSupplProvision": (("SupplProvisionLabel", "ArticleRange"), None),
    "TOCArticle": (("ArticleTitle", "ArticleCaption"), None),
    "TOCAppdxTableLabel": ((), None),
    "TableStruct": (("TableStructTitle",), None),
    "FigStruct": (("FigStructTitle",), None),
    "StyleStruct": (("StyleStructTitle",), None),
    "FormatStruct": (("FormatStructTitle",), None),
    "NoteStruct": (("NoteStructTitle",), None),
    "Remarks": (("RemarksLabel",), None),
    "List": ((), "ListSentence"),
    **{f"Sublist{i}": ((), f"Sublist{i}Sentence") for i in range(1, 4)},
    "AmendProvision": ((), "AmendProvisionSentence"),
}
#: A heading that goes on its own line before the element's first line.
_CAPTION_LINE = {"Paragraph": "ParagraphCaption"}
#: Elements rendered as lines of their own (so their parent is a container, not one line of text).
_BLOCKS = frozenset(
    {*_HEADED, "TableRow", "Table", "Fig", "Law", "LawBody", "MainProvision", "EnactStatement", "Preamble"}
    | {"NewProvision", "Style", "Format", "Note", "SupplNote", "ArithFormula", "TOCPreambleLabel", "QuoteStruct"}
)


def _inline(el: Element, parts: list[str], ruby: bool) -> None:
    first_column = True
    for child in el.children:
        if isinstance(child, str):
            parts.append(child)
        elif child.tag == "Rt":
            if ruby:  # the reading in full-width brackets right after its base text: 溜（た）め
                parts.append(f"（{child.text()}）")
            continue
        else:
            if child.tag == "Column":
                if not first_column:
                    parts.append(_SPACE)
                first_column = False
            _inline(child, parts, ruby)


def _text(el: Element | None, ruby: bool) -> str:
    if el is None:
        return ""
    parts: list[str] = []
    _inline(el, parts, ruby)
    return " ".join("".join(parts).split("\n")).strip(" \t\r")


def _headed(el: Element, lines: list[str], ruby: bool) -> None:
    heads, sentence_tag = _HEADED[el.tag]
    caption_tag = _CAPTION_LINE.get(el.tag)
    if caption_tag is not None and (caption := _text(el.child(caption_tag), ruby)):
        lines.append(caption)
    first = [t for t in (_text(el.child(tag), ruby) for tag in heads) if t]
    if el.tag == "SupplProvision" and (amend := el.attrs.get("AmendLawNum")):
        first.append(f"（{amend}）")
    if sentence_tag is not None and (sentence := _text(el.child(sentence_tag), ruby)):
        first.append(sentence)
    if first:
        lines.append(_SPACE.join(first))
    used = {*heads, sentence_tag, caption_tag}
    for child in el.children:
        if isinstance(child, str):
            if child.strip():
                lines.append(child.strip())
        elif child.tag not in used:
            _render(child, lines, ruby)


def _render(el: Element, lines: list[str], ruby: bool) -> None:
    tag = el.tag
    if tag == "Law":  # title first, then the law number, as e-Gov prints it
        body = el.child("LawBody")
        lines.extend(
            t for t in (_text(body.child("LawTitle") if body else None, ruby), _text(el.child("LawNum"), ruby)) if t
        )
        for part in body.elements() if body is not None else ():
            if part.tag != "LawTitle":
                _render(part, lines, ruby)
    elif tag in _HEADED:
        _headed(el, lines, ruby)
    elif tag == "TableRow":
        lines.append(CELL_SEPARATOR.join(_text(cell, ruby) for cell in el.elements()))
    elif tag == "Fig":
        lines.append(f"（図：{el.attrs.get('src', '')}）")
    elif any(not isinstance(c, str) and c.tag in _BLOCKS for c in el.children):
        for child in el.children:
            if isinstance(child, str):
                if child.strip():
                    lines.append(child.strip())
            else:
                _render(child, lines, ruby)
    elif text := _text(el, ruby):
        lines.append(text)


def render_plain_text(element: Element, *, ruby: RubyMode = "omit") -> str:
    """Human-readable plain text of a ``<Law>`` tree or any provision subtree, one line per unit.

    Args:
        element: a :class:`~egov_core.domain.Element` (``law.root``, ``provision.element``, any subtree).
        ruby: ``omit`` ruby readings (the default), or give them ``inline``: ``溜（た）め``.

    Returns:
        The text, lines joined by ``\\n``, without a trailing newline.
    """
    lines: list[str] = []
    _render(element, lines, ruby == "inline")
    return "\n".join(lines)


class ProvisionUnit(Protocol):
    """What :func:`format_provision_text` reads of a provision (a stored row or a parsed provision)."""

    @property
    def kind(self) -> str:
        """The element name (``Article``, ``Paragraph`` …)."""

    @property
    def title(self) -> str | None:
        """The heading label (``第七百九条``, ``２``, ``一``)."""

    @property
    def caption(self) -> str | None:
        """The 見出し, if any."""

    @property
    def text(self) -> str:
        """The provision's own text, without its child provisions."""


def format_provision_text(rows: Sequence[ProvisionUnit]) -> str:
    """Labelled plain text of a provision subtree: what ``full_text`` is, in the API and on :class:`Provision`.

    Args:
        rows: the subtree's provisions in document order, the first is the root (stored rows or parsed
            :class:`~egov_core.domain.Provision` objects alike).


    An article reads as in a statute book: caption on its own line, then ``第七百九条　`` followed by the
    first paragraph; later paragraphs start with their number, items with their label.
    """
    lines: list[str] = []
    pending_title: str | None = None
    for row in rows:
        if row.kind == "Article":
            if row.caption:
                lines.append(row.caption)
            pending_title = row.title or ""
            continue
        label = row.title or ""
        body = row.text.strip()
        if row.kind == "Paragraph" and pending_title is not None:
            lines.append(f"{pending_title}　{body}" if not label else f"{pending_title}\n{label}　{body}")
            pending_title = None
            continue
        if pending_title is not None:
            lines.append(pending_title)
            pending_title = None
        if row.kind in ("Part", "Chapter", "Section", "Subsection", "Division", "SupplProvision"):
            lines.append(label or body)
        elif row.caption and row.kind != "Article":
            lines.append(row.caption)
            lines.append(f"{label}　{body}".strip("　"))
        else:
            lines.append(f"{label}　{body}" if label and body else (label or body))
    if pending_title is not None:
        lines.append(pending_title)
    return "\n".join(line for line in lines if line)
