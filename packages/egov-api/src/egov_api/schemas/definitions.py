"""Defined terms (定義語)."""

from __future__ import annotations

from pydantic import Field

from egov_api.schemas.common import Model, PageInfo
from egov_core.definitions import DefinitionKind, ScopeKind


class DefinedTerm(Model):
    """One defined term of a law revision, with the scope it applies to."""

    term: str = Field(description="The defined term, without its 「」.", examples=["個人情報"])
    meaning: str = Field(
        description="What it means: the defining clause (up to をいう), a definition list's second column, or "
        "for an inline 「（以下「X」という。）」 the phrase it stands for.",
        examples=["生存する個人に関する情報であって、次の各号のいずれかに該当するもの"],
    )
    kind: DefinitionKind = Field(
        description="sentence: 「…において「X」とは、…をいう。」; item: one 号 of 「次の各号に掲げる用語の意義は」; "
        "inline: 「（以下「X」という。）」."
    )
    scope: ScopeKind = Field(
        description="Where it applies: the whole law, one 編章節款目 / article / paragraph / item / 別表 / 附則 "
        "(`scope_path`), `following` (an unqualified 以下: the rest of the text), `other` (see `scope_note`)."
    )
    scope_path: str | None = Field(description="The provision the scope names.", examples=[None])
    scope_note: str | None = Field(
        default=None, description="The scope as written, when it says more (この項及び次項において)."
    )
    law_id: str = Field(examples=["415AC0000000057"])
    law_revision_id: str
    path: str = Field(description="The defining provision.", examples=["MainProvision-Article_2-Paragraph_1"])
    url: str = Field(description="The defining provision's resource (pinned to the revision).")


class DefinitionList(Model):
    """A page of defined terms."""

    page: PageInfo
    items: list[DefinedTerm]
