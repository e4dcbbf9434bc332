"""Defined terms (定義語) of a law revision."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: How the term is defined: a 定義 sentence (「…において「X」とは、…をいう。」), one 号 of a definition list
#: (「次の各号に掲げる用語の意義は、当該各号に定めるところによる。」), or inline (「…（以下「X」という。）」).
DefinitionKind = Literal["sentence", "item", "inline"]

#: Where the definition applies: the whole law (この法律 / この政令 …), one of its 編章節款目, one article,
#: paragraph or item, one 別表, one 附則, ``following`` (an unqualified 以下: the rest of the text it sits in),
#: or ``other`` (a list of provisions, kept verbatim in ``scope_note``).
ScopeKind = Literal[
    "law",
    "part",
    "chapter",
    "section",
    "subsection",
    "division",
    "article",
    "paragraph",
    "item",
    "table",
    "suppl_provision",
    "following",
    "other",
]


@dataclass(frozen=True, slots=True)
class Definition:
    """One defined term.

    Attributes:
        term: the defined term, without its 「」.
        meaning: what it means: the defining clause (up to をいう), the 号's second column, or for an inline
            definition the phrase it abbreviates.
        path: the provision that defines it.
        kind: see :data:`DefinitionKind`.
        scope: see :data:`ScopeKind`.
        scope_path: the provision the scope names (the chapter, the article …); None for ``law``.
        scope_note: the scope as written (``この項及び次項において``), when it says more than ``scope``.
    """

    term: str
    meaning: str
    path: str
    kind: DefinitionKind
    scope: ScopeKind
    scope_path: str | None = None
    scope_note: str | None = None
