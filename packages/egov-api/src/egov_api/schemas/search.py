"""Keyword search over provisions and court decisions."""

from __future__ import annotations

from pydantic import Field

from egov_api.schemas.common import Model, PageInfo


class Highlight(Model):
    """A matched term inside a snippet: character offsets into ``snippet``."""

    start: int
    end: int


class ProvisionHit(Model):
    """One provision matching a search."""

    law_id: str = Field(examples=["129AC0000000089"])
    law_title: str = Field(examples=["民法"])
    law_num: str | None = Field(default=None, examples=["明治二十九年法律第八十九号"])
    law_type: str | None = None
    path: str = Field(examples=["MainProvision-Article_709"])
    title: str | None = Field(default=None, examples=["第七百九条"])
    caption: str | None = Field(default=None, examples=["（不法行為による損害賠償）"])
    score: float = Field(description="Relevance (higher is better; comparable within one response only).")
    snippet: str = Field(description="Excerpt of the provision text around the matches.")
    snippet_html: str = Field(description="The snippet HTML-escaped, with matches wrapped in <em>.")
    highlights: list[Highlight] = Field(description="Matches as character offsets into `snippet`.")
    cited: bool = Field(default=False, description="True when the query itself cites this provision.")
    url: str
    fusion: dict[str, float | int | None] | None = Field(
        default=None, description="Hybrid search only: rank on each side and the fused score."
    )


class ProvisionSearchResult(Model):
    """A page of provision hits."""

    query: str
    page: PageInfo
    items: list[ProvisionHit]


class CaseHit(Model):
    """One court decision matching a search."""

    lawsuit_id: str = Field(examples=["52218"])
    case_number: str | None = Field(examples=["平成10(オ)1081"])
    case_name: str | None
    court_name: str | None = Field(examples=["最高裁判所第三小法廷"])
    date: str | None = Field(examples=["2000-02-29"])
    score: float
    snippet: str
    snippet_html: str
    highlights: list[Highlight]
    url: str


class CaseSearchResult(Model):
    """A page of decision hits."""

    query: str
    page: PageInfo
    items: list[CaseHit]
