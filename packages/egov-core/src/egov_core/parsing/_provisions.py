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
"""

from __future__ import annotations

import re

from egov_core.domain import Element, Provision, ProvisionKind

_KINDS: dict[str, ProvisionKind] = {k.value: k for k in ProvisionKind}
_QUOTED = frozenset({"AmendProvision", "NewProvision"})
#: A Num that would break ``elm`` syntax (never seen in e-Gov data): such elements are addressed by position.
_UNSAFE_NUM = re.compile(r"[-\[\]\s]")
_DIVISION_TAGS = frozenset(k.value for k in ProvisionKind if k.is_division)
_BY_NAME = frozenset({"MainProvision", "TOC", "Preamble"})
_BY_POSITION = frozenset(
    {"SupplProvision", "EnactStatement", "AppdxTable", "AppdxNote", "AppdxStyle", "AppdxFormat", "Appdx"}
    | {"AppdxFig", "AppdxList"}
)

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
)
_SKIPPED = frozenset({"Rt"})
#: Elements that never hold a provision: the provision walk does not descend into them. (Not Sentence: a
#: quoted Subitem can sit in one, e.g. 328AC0000000006.)
_LEAVES = frozenset(
    {"Ruby", "Rt", "Sup", "Sub", "Line", "LawNum", "LawTitle", "TOCLabel", "ArticleRange"}
    | set(_TITLE.values())
    | set(_CAPTION.values())
)


def own_text(el: Element) -> str:
    """The provision's own text: everything but its title, caption, child provisions and ruby readings."""
    return _heading_and_text(el)[2]


def _heading_and_text(el: Element) -> tuple[str | None, str | None, str]:
    """Title, caption and own text of a provision element, in one pass over its children."""
    title_tag, caption_tag = _TITLE.get(el.tag), _CAPTION.get(el.tag)
    title: str | None = None
    caption: str | None = None
    parts: list[str] = []
    for child in el.children:
        if isinstance(child, str):
            parts.append(child)
            continue
        tag = child.tag
        if tag == title_tag:
            title = title or child.text() or None
        elif tag == caption_tag:
            caption = caption or child.text() or None
        elif tag not in _KINDS:
            _collect(child, parts, tag in _QUOTED)
    return title, caption, "".join(parts)


def _collect(el: Element, parts: list[str], quoted: bool) -> None:
    if el.tag in _SPACED and parts and not parts[-1][-1:].isspace():
        parts.append(" ")
    for child in el.children:
        if isinstance(child, str):
            parts.append(child)
        elif child.tag in _SKIPPED or (not quoted and child.tag in _KINDS):
            continue
        else:
            _collect(child, parts, quoted or child.tag in _QUOTED)


class _Builder:
    __slots__ = ("provisions", "used")

    def __init__(self) -> None:
        self.provisions: list[Provision] = []
        self.used: set[str] = set()

    def walk(self, el: Element, parent: Provision | None, anchor: str | None) -> None:
        """Emit the provisions below ``el``; ``parent`` encloses them, ``anchor`` prefixes non-division paths."""
        counts: dict[str, int] = {}
        for child in el.children:
            if isinstance(child, str):
                continue
            tag = child.tag
            kind = _KINDS.get(tag)
            if kind is None:
                grandchildren = child.children
                # Text-only elements (most Sentences) cannot hold a provision: skip the call.
                if tag in _QUOTED or tag in _LEAVES or not grandchildren:
                    continue
                if len(grandchildren) == 1 and isinstance(grandchildren[0], str):
                    continue
                self.walk(child, parent, anchor)
                continue
            n = counts[tag] = counts.get(tag, 0) + 1
            prov = self.emit(child, kind, n, parent, anchor)
            self.walk(child, prov, anchor if tag in _DIVISION_TAGS else prov.path)

    def emit(self, el: Element, kind: ProvisionKind, n: int, parent: Provision | None, anchor: str | None) -> Provision:
        tag = el.tag
        num = el.attrs.get("Num") or None
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
        title, caption, text = _heading_and_text(el)
        if parent is None:
            prov = Provision(path, kind, num, title, caption, text, None, len(self.provisions), 0, el)
        else:
            prov = Provision(
                path, kind, num, title, caption, text, parent.path, len(self.provisions), parent.depth + 1, el
            )
        self.provisions.append(prov)
        return prov


def extract_provisions(root: Element) -> tuple[Provision, ...]:
    """Every provision of the ``<Law>`` tree in document order (see the module docstring for paths)."""
    builder = _Builder()
    builder.walk(root, None, None)
    return tuple(builder.provisions)
