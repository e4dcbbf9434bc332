"""Citation resolution (「民法第七百九条第一項」 → law + provision)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from egov_api.schemas.common import Model

ResolutionStatus = Literal["resolved", "historical", "ambiguous", "not_found"]


class Candidate(Model):
    """A law a citation might mean."""

    law_id: str
    title: str


class Resolution(Model):
    """What a citation refers to."""

    status: ResolutionStatus = Field(
        description=(
            "resolved; historical (a text before an amendment: the law, and the provision of the stored older "
            "revision when there is one, never today's); ambiguous (see candidates); not_found (see reason)."
        )
    )
    law_id: str | None = Field(default=None, examples=["129AC0000000089"])
    law_title: str | None = Field(default=None, examples=["民法"])
    path: str | None = Field(default=None, examples=["MainProvision-Article_709-Paragraph_1"])
    caption: str | None = None
    text: str | None = Field(default=None, description="Text of the resolved provision.")
    url: str | None = None
    law_name: str | None = Field(default=None, description="The law name as written (or implied by 同法).")
    article: str | None = Field(default=None, examples=["709"])
    paragraph: int | None = None
    item: str | None = None
    revision_id: str | None = Field(default=None, description="For a historical citation: the revision it resolved in.")
    law_from_text: bool = Field(
        default=False,
        description="The law was not written with the provision but taken from the text (同法, 第十条 alone).",
    )
    candidates: list[Candidate] = Field(default_factory=list)
    reason: str | None = Field(default=None, description="Why it did not resolve.")


class ResolveResult(Model):
    """Answer of GET /v1/resolve."""

    query: str
    resolution: Resolution


class CitationContext(Model):
    """Where relative references (同法, 前条, 同条第二項, 前項) point from."""

    law_id: str = Field(examples=["129AC0000000089"], max_length=40, pattern=r"^[0-9A-Za-z_]+$")
    path: str | None = Field(
        default=None, examples=["MainProvision-Article_709"], max_length=300, pattern=r"^[^\x00-\x1f\x7f]*$"
    )


class CitationsRequest(Model):
    """Free text to scan for statute citations."""

    text: str = Field(
        description="Up to 100,000 characters (EGOV_API__MAX_CITATION_TEXT_CHARS); U+0000 is refused.",
        pattern=r"^[^\x00]*$",
        examples=[
            "被告は民法第七百九条及び第七百十条に基づき損害賠償責任を負う。同法第七百二十二条第二項により過失相殺する。"
        ],
    )
    context: CitationContext | None = None
    offset: int = Field(
        default=0,
        ge=0,
        description="Return citations starting at or after this character offset (a previous answer's `next_offset`).",
    )
    limit: int = Field(
        default=200,
        ge=1,
        description="Most citations in this answer (at most EGOV_API__MAX_CITATIONS_PER_RESPONSE, default 1000).",
    )


class FoundCitation(Model):
    """One citation found in the text."""

    start: int = Field(description="Character offset of the citation in the text.")
    end: int
    text: str = Field(description="The citation as written.")
    resolution: Resolution


class CitationsResult(Model):
    """The citations found, in text order: all of them, or the first `limit` from `offset` on."""

    count: int = Field(description="Citations in this answer.")
    items: list[FoundCitation]
    truncated: bool = Field(
        default=False, description="More citations follow: ask again with `offset` set to `next_offset`."
    )
    next_offset: int | None = Field(
        default=None, description="When truncated: the offset of the first citation not in this answer."
    )
