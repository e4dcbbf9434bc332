"""Provisions: the addressable units of a law (編章節款目, 条, 項, 号, 附則, 別表 …)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from egov_core.domain.element import Element


class ProvisionKind(StrEnum):
    """The kind of a provision, named after its e-Gov 法令XML element."""

    ENACT_STATEMENT = "EnactStatement"  # 制定文
    TOC = "TOC"  # 目次
    PREAMBLE = "Preamble"  # 前文
    MAIN_PROVISION = "MainProvision"  # 本則
    PART = "Part"  # 編
    CHAPTER = "Chapter"  # 章
    SECTION = "Section"  # 節
    SUBSECTION = "Subsection"  # 款
    DIVISION = "Division"  # 目
    ARTICLE = "Article"  # 条
    PARAGRAPH = "Paragraph"  # 項
    ITEM = "Item"  # 号
    SUBITEM1 = "Subitem1"  # 号細分 (イロハ…)
    SUBITEM2 = "Subitem2"
    SUBITEM3 = "Subitem3"
    SUBITEM4 = "Subitem4"
    SUBITEM5 = "Subitem5"
    SUBITEM6 = "Subitem6"
    SUBITEM7 = "Subitem7"
    SUBITEM8 = "Subitem8"
    SUBITEM9 = "Subitem9"
    SUBITEM10 = "Subitem10"
    SUPPL_PROVISION = "SupplProvision"  # 附則
    APPDX_TABLE = "AppdxTable"  # 別表
    APPDX_NOTE = "AppdxNote"  # 別記
    APPDX_STYLE = "AppdxStyle"  # 別記様式
    APPDX_FORMAT = "AppdxFormat"  # 別記書式
    APPDX = "Appdx"  # 付録
    APPDX_FIG = "AppdxFig"  # 別図
    APPDX_LIST = "AppdxList"  # 別表等の一覧

    @property
    def is_division(self) -> bool:
        """True for 編章節款目 (structure that groups articles but carries no text of its own)."""
        return self in _DIVISIONS


#: 編章節款目, outermost first: structure that groups articles but carries no text of its own.
DIVISION_KINDS: tuple[str, ...] = tuple(
    k.value
    for k in (
        ProvisionKind.PART,
        ProvisionKind.CHAPTER,
        ProvisionKind.SECTION,
        ProvisionKind.SUBSECTION,
        ProvisionKind.DIVISION,
    )
)
_DIVISIONS = frozenset(ProvisionKind(k) for k in DIVISION_KINDS)

#: The appendix kinds (別表, 別記, 別記様式, 別記書式, 付録, 別図, 別表等の一覧), in e-Gov's order: top-level
#: elements beside the main provision, addressed by position.
APPENDIX_KINDS: tuple[str, ...] = tuple(
    k.value
    for k in (
        ProvisionKind.APPDX_TABLE,
        ProvisionKind.APPDX_NOTE,
        ProvisionKind.APPDX_STYLE,
        ProvisionKind.APPDX_FORMAT,
        ProvisionKind.APPDX,
        ProvisionKind.APPDX_FIG,
        ProvisionKind.APPDX_LIST,
    )
)


@dataclass(frozen=True, slots=True)
class Provision:
    """One addressable provision of one law revision.

    Attributes:
        path: e-Gov ``elm``-compatible path, unique within the revision, e.g.
            ``MainProvision-Article_709-Paragraph_1-Item_2``, ``SupplProvision[1]-Article_3``, ``AppdxTable[1]``.
            Articles sit directly under their MainProvision / SupplProvision in the path, whatever
            編章節 contain them (article numbers are unique there), as e-Gov addresses them.
        kind: which element this is.
        num: the ``Num`` attribute as e-Gov writes it (``709``, ``12_2`` for 第十二条の二), if any.
        title: the heading label (``第七百九条``, ``第一章　総則``, ``一``, ``附　則``), if any.
        caption: the 見出し (``（不法行為による損害賠償）``), if any.
        text: this provision's own text (sentences, table and figure text), without its child provisions.
        parent_path: path of the enclosing provision (structure included), None at top level.
        position: document order within the revision (0-based).
        depth: nesting depth (0 for top-level provisions).
        element: the lossless element subtree.
    """

    path: str
    kind: ProvisionKind
    num: str | None
    title: str | None
    caption: str | None
    text: str
    parent_path: str | None
    position: int
    depth: int
    element: Element

    @property
    def full_text(self) -> str:
        """Labelled plain text of the whole subtree, exactly the API's ``full_text`` for this provision.

        One line per provision: an article's caption, then ``第七百九条　`` and its first paragraph, later
        paragraphs with their number (``２　…``), items with their label (``一　…``). See
        :func:`egov_core.rendering.format_provision_text`.
        """
        # Imported here: the parser and the renderer build on this module, not the other way round.
        from egov_core.parsing._provisions import subtree_provisions
        from egov_core.rendering import format_provision_text

        return format_provision_text(subtree_provisions(self))
