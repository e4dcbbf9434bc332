"""Laws, revisions and tables of contents."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from egov_api.schemas.common import Model, PageInfo
from egov_api.schemas.graph import LawGraph


class LawSummary(Model):
    """A law's identity and metadata."""

    law_id: str = Field(description="e-Gov 法令ID.", examples=["129AC0000000089"])
    law_num: str | None = Field(description="法令番号.", examples=["明治二十九年法律第八十九号"])
    title: str = Field(description="法令名 (current revision).", examples=["民法"])
    title_kana: str | None = Field(default=None, examples=["みんぽう"])
    abbrev: str | None = Field(default=None, description="e-Gov abbreviation(s), where known.")
    law_type: str | None = Field(
        description="Constitution, Act, CabinetOrder, ImperialOrder, MinisterialOrdinance, Rule, Misc.",
        examples=["Act"],
    )
    era: str | None = Field(examples=["Meiji"])
    year: int | None = Field(examples=[29])
    num: str | None = Field(examples=["089"])
    promulgation_date: date | None = Field(default=None, examples=["1896-04-27"])
    category: str | None = Field(default=None, description="e-Gov 分野, where known.")
    url: str = Field(description="This law's resource.", examples=["/v1/laws/129AC0000000089"])


class LawList(Model):
    """A page of laws."""

    page: PageInfo
    items: list[LawSummary]


class RevisionSummary(Model):
    """One revision of a law."""

    law_revision_id: str = Field(examples=["405AC0000000047_20230703_505AC0000000051"])
    enforcement_date: date | None = Field(description="施行日 of this revision, where known.", examples=["2023-07-03"])
    amendment_law_id: str | None = Field(examples=["505AC0000000051"])
    status: str | None = Field(description="CurrentEnforced, PreviousEnforced, UnEnforced … as e-Gov recorded it.")
    is_current: bool = Field(description="True for the revision the law's current URLs serve.")
    title: str | None
    url: str = Field(description="Immutable URL of this revision's law text.")


class LawDetail(Model):
    """One law with the revision being served and links to its parts."""

    law: LawSummary
    revision: RevisionSummary
    links: dict[str, str] = Field(examples=[{"toc": "/v1/laws/129AC0000000089/toc"}])
    graph: LawGraph | None = Field(
        default=None,
        description="With `expand=graph`: the law's citation degree (as `/v1/laws/{law_id}/graph`); else null.",
    )


class RevisionList(Model):
    """A law's revisions, newest first."""

    law_id: str
    items: list[RevisionSummary]


class TocNode(Model):
    """A node of the table of contents: structure without text."""

    path: str = Field(examples=["MainProvision-Part_3-Chapter_5"])
    kind: str = Field(examples=["Chapter"])
    num: str | None
    title: str | None = Field(examples=["第五章　不法行為"])
    caption: str | None = Field(default=None, examples=["（不法行為による損害賠償）"])
    children: list[TocNode] = Field(default_factory=list)


class Toc(Model):
    """A law revision's table of contents."""

    law_id: str
    law_revision_id: str
    items: list[TocNode]


class LawText(Model):
    """A law revision's full text as a lossless tree (the e-Gov 法令API v2 ``law_full_text`` shape)."""

    law_id: str
    law_revision_id: str
    law_full_text: dict[str, Any] = Field(description='{"tag", "attr", "children"} tree of the whole <Law> element.')
