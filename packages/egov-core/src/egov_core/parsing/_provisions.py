"""Provisions of a law: every addressable element of the tree, in document order, with its ``elm`` path.

Path rules (e-Gov ``elm`` syntax, see :mod:`egov_core.paths`):

* ``MainProvision``, ``TOC`` and ``Preamble`` are addressed by name; ``SupplProvision``, ``EnactStatement``
  and the Appdx family always by position among their same-name siblings (``SupplProvision[1]``,
  ``AppdxTable[2]``), as e-Gov does.
* Any other provision is ``Tag_Num`` when it has a ``Num`` (枝番 kept: ``Article_12_2``), else ``Tag[n]``
  (also when the ``Num`` holds ``-``, brackets or white space, which ``elm`` syntax cannot carry).
* 編章節款目 chain under each other (``MainProvision-Part_1-Chapter_2-Section_3``), but Articles and other
  text provisions hang directly off the nearest non-division provision (``MainProvision-Article_709``),
  while their ``parent_path`` is still the enclosing division.
* A path that would repeat (the same ``Num`` twice in real data) gets ``[k]`` appended, k = 2, 3 … in
  document order, so the first occurrence keeps the plain path.
* Anything inside ``AmendProvision`` / ``NewProvision`` is quoted amendment text, not a provision of this
  law: it stays in the tree and in its provision's text.
* So is anything inside a table, figure, style, format or note structure (``TableStruct`` …): the 号 and
  イ/ロ of a table's cells or of its 備考 are the table's content, in its order, not 号 of the article.
* Where a 項, 号 or 号細分 holds text after one of its children (a table after the 号 that announce it,
  「次の表の…」), that text ends the text of the provision just before it, so the provisions' texts read in
  document order (the labelled ``full_text`` puts a provision's own text before its children).
"""

from __future__ import annotations

import dataclasses
import re

from egov_core.domain import APPENDIX_KINDS, Element, Provision, ProvisionKind

_KINDS: dict[str, ProvisionKind] = {k.value: k for k in ProvisionKind}
#: Containers whose nested Item / Subitem elements are text of the enclosing provision, not provisions.
_QUOTED = frozenset(
    {"AmendProvision", "NewProvision", "TableStruct", "FigStruct", "StyleStruct", "FormatStruct", "NoteStruct"}
)
#: A Num that would break ``elm`` syntax (never seen in e-Gov data): such elements are addressed by position.
_UNSAFE_NUM = re.compile(r"[-\[\]\s]")
_DIVISION_TAGS = frozenset(k.value for k in ProvisionKind if k.is_division)
_BY_NAME = frozenset({"MainProvision", "TOC", "Preamble"})
_BY_POSITION = frozenset({"SupplProvision", "EnactStatement", *APPENDIX_KINDS})

#: The element holding each kind's heading label.
_TITLE: dict[str, str] = {
    "TOC": "TOCLabel",
    "Part": "PartTitle",
    "Chapter": "ChapterTitle",
    "Section": "SectionTitle",
    "Subsection": "SubsectionTitle",
    "Division": "DivisionTitle",
    "Article": "ArticleTitle",
    "Paragraph": "ParagraphNum",
    "Item": "ItemTitle",
    "SupplProvision": "SupplProvisionLabel",
    "AppdxTable": "AppdxTableTitle",
    "AppdxNote": "AppdxNoteTitle",
    "AppdxStyle": "AppdxStyleTitle",
    "AppdxFormat": "AppdxFormatTitle",
    "Appdx": "ArithFormulaNum",
    "AppdxFig": "AppdxFigTitle",
    "AppdxList": "AppdxListTitle",
    **{f"Subitem{i}": f"Subitem{i}Title" for i in range(1, 11)},
}
#: The element holding each kind's 見出し; for the Appdx family its 関係条文 (``（第三条関係）``).
_CAPTION: dict[str, str] = {
    "Article": "ArticleCaption",
    "Paragraph": "ParagraphCaption",
    **dict.fromkeys(("AppdxTable", "AppdxNote", "AppdxStyle", "AppdxFormat", "Appdx", "AppdxFig"), "RelatedArticleNum"),
}
#: Blocks whose text gets a space before it, so cells and columns do not run together.
_SPACED = frozenset(
    {"Column", "TableRow", "TableColumn", "TableStruct", "FigStruct", "StyleStruct", "FormatStruct", "NoteStruct"}
    | {"List", "Sublist1", "Sublist2", "Sublist3", "Remarks", "ArithFormula", "QuoteStruct"}
    | {"TOCPart", "TOCChapter", "TOCSection", "TOCSubsection", "TOCDivision", "TOCArticle", "TOCSupplProvision"}
    | {"TOCPreambleLabel", "TOCAppdxTableLabel"}
    # 号 and イ/ロ held as text (in a table's cells or 備考, in quoted amendments): one item per spaced run.
    | {"Item", *(f"Subitem{i}" for i in range(1, 11))}
)
_SKIPPED = frozenset({"Rt"})
#: Provisions whose text after a child provision ends the preceding provision's text (see the module docstring).
_TRAILING_TO_PRECEDING = frozenset({"Paragraph", "Item", *(f"Subitem{i}" for i in range(1, 11))})
_Found = list[tuple[Element, ProvisionKind, int]]


def own_text(el: Element) -> str:
    """The provision's own text: everything but its title, caption, child provisions and ruby readings."""
    parts: list[str] = []
    for child in el.children:
        if isinstance(child, str):
            parts.append(child)
        elif child.tag not in (_TITLE.get(el.tag), _CAPTION.get(el.tag)) and child.tag not in _KINDS:
            _collect(child, parts, child.tag in _QUOTED, [])
    return "".join(parts)


def _collect(el: Element, parts: list[str], quoted: bool, found: _Found) -> None:
    """Append the text below ``el`` to ``parts``; provisions met on the way go to ``found`` instead.

    One pass serves both: a provision's own text and the discovery of the provisions nested in it (with their
    1-based position among same-tag siblings), so every element is visited once.
    """
    if el.tag in _SPACED and parts and not parts[-1][-1:].isspace():
        parts.append(" ")
    counts: dict[str, int] | None = None
    for child in el.children:
        if isinstance(child, str):
            parts.append(child)
            continue
        tag = child.tag
        if tag in _SKIPPED:
            continue
        if not quoted:
            kind = _KINDS.get(tag)
            if kind is not None:
                if counts is None:
                    counts = {}
                n = counts[tag] = counts.get(tag, 0) + 1
                found.append((child, kind, n))
                continue
        _collect(child, parts, quoted or tag in _QUOTED, found)


class _Builder:
    __slots__ = ("provisions", "used")

    def __init__(self) -> None:
        self.provisions: list[Provision] = []
        self.used: set[str] = set()

    def _path(self, tag: str, num: str | None, n: int, parent: Provision | None, anchor: str | None) -> str:
        if tag in _BY_NAME:
            segment = tag if n == 1 else f"{tag}[{n}]"
        elif tag in _BY_POSITION or num is None or _UNSAFE_NUM.search(num):
            segment = f"{tag}[{n}]"
        else:
            segment = f"{tag}_{num}"
        prefix = parent.path if (tag in _DIVISION_TAGS and parent is not None) else anchor
        path = f"{prefix}-{segment}" if prefix else segment
        if path in self.used:
            k = 2
            while f"{path}[{k}]" in self.used:
                k += 1
            path = f"{path}[{k}]"
        self.used.add(path)
        return path

    def emit(self, el: Element, kind: ProvisionKind, n: int, parent: Provision | None, anchor: str | None) -> None:
        """Emit the provision ``el`` and then, in document order, the provisions nested in it."""
        tag = el.tag
        num = el.attrs.get("Num") or None
        path = self._path(tag, num, n, parent, anchor)
        title_tag, caption_tag = _TITLE.get(tag), _CAPTION.get(tag)
        title: str | None = None
        caption: str | None = None
        parts: list[str] = []
        found: _Found = []
        counts: dict[str, int] = {}
        # Text after the i-th child provision, for the provision emitted just before it (document order).
        trailing: dict[int, list[str]] = {}
        split = tag in _TRAILING_TO_PRECEDING
        for child in el.children:
            into = trailing.setdefault(len(found) - 1, []) if split and found else parts
            if isinstance(child, str):
                into.append(child)
                continue
            child_tag = child.tag
            if child_tag == title_tag:
                title = title or child.text() or None
            elif child_tag == caption_tag:
                caption = caption or child.text() or None
            elif (child_kind := _KINDS.get(child_tag)) is not None:
                m = counts[child_tag] = counts.get(child_tag, 0) + 1
                found.append((child, child_kind, m))
            else:
                _collect(child, into, child_tag in _QUOTED, found)
        text = "".join(parts)
        if parent is None:
            prov = Provision(path, kind, num, title, caption, text, None, len(self.provisions), 0, el)
        else:
            prov = Provision(
                path, kind, num, title, caption, text, parent.path, len(self.provisions), parent.depth + 1, el
            )
        self.provisions.append(prov)
        child_anchor = anchor if tag in _DIVISION_TAGS else path
        for i, (child, child_kind, m) in enumerate(found):
            self.emit(child, child_kind, m, prov, child_anchor)
            if after := "".join(trailing.get(i, ())).strip():
                last = self.provisions[-1]
                self.provisions[-1] = dataclasses.replace(last, text=f"{last.text.rstrip()} {after}".lstrip())


def subtree_provisions(provision: Provision) -> tuple[Provision, ...]:
    """``provision`` and the provisions nested in it, in document order, read from its element (paths are
    relative to it: only kinds, labels and texts are meant to be used)."""
    builder = _Builder()
    builder.emit(provision.element, provision.kind, 1, None, None)
    return tuple(builder.provisions)


def extract_provisions(root: Element) -> tuple[Provision, ...]:
    """Every provision of the ``<Law>`` tree in document order (see the module docstring for paths)."""
    builder = _Builder()
    top: _Found = []
    _collect(root, [], False, top)
    for el, kind, n in top:
        builder.emit(el, kind, n, None, None)
    return tuple(builder.provisions)
