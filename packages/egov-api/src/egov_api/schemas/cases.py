"""Court decisions (判例)."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from egov_api.schemas.common import Model, PageInfo


class CaseLawRef(Model):
    """One part of a decision's 参照法条 and what it resolved to."""

    raw: str = Field(examples=["民法709条"])
    status: str = Field(
        description=(
            "resolved (provision in today's text), law_only (a law cited without a provision), historical (a "
            "superseded text: the law, never today's provision), ambiguous, not_found or unresolved (not yet resolved)."
        )
    )
    law_id: str | None = None
    path: str | None = None
    note: str | None = Field(default=None, description="Why it did not resolve (e.g. 旧法).")
    url: str | None = None


class CaseSummary(Model):
    """A decision's header."""

    lawsuit_id: str = Field(examples=["52218"])
    trial_type: str | None = Field(examples=["SupremeCourt"])
    case_number: str | None = Field(examples=["平成10(オ)1081"])
    case_name: str | None = Field(examples=["損害賠償請求上告，同附帯上告事件"])
    court_name: str | None = Field(examples=["最高裁判所第三小法廷"])
    date: dt.date | None = Field(examples=["2000-02-29"])
    result_type: str | None = None
    result: str | None = None
    article_info: str | None = Field(default=None, examples=["民集　第54巻2号582頁"])
    url: str


class CaseDetail(CaseSummary):
    """A decision with everything the record holds."""

    original_court_name: str | None = None
    original_case_number: str | None = None
    original_date: dt.date | None = None
    gist: str | None = Field(default=None, description="判示事項.")
    case_gist: str | None = Field(default=None, description="裁判要旨.")
    ref_law: str | None = Field(default=None, description="参照法条 as given.")
    references: list[CaseLawRef]
    contents: str | None = Field(default=None, description="全文, where present.")
    detail_page_link: str | None = None
    full_pdf_link: str | None = None
    flags: list[str] = Field(default_factory=list, description="Import flags (contents_truncated, missing:…).")


class CaseList(Model):
    """A page of decisions."""

    page: PageInfo
    items: list[CaseSummary]
