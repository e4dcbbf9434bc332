"""Court decisions: list/filter, detail with resolved 参照法条, and decisions citing a law or provision."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Response

from egov_api.problems import ParameterError
from egov_api.routes._common import NO_NUL, FreeText, LawIdPath, mark_cacheable, provision_url
from egov_api.schemas.cases import CaseDetail, CaseLawRef, CaseList, CaseSummary
from egov_api.schemas.common import PROBLEM_RESPONSES, page_info
from egov_api.state import Conn
from egov_core.errors import InvalidProvisionPathError
from egov_core.paths import canonical_path
from egov_core.store import CaseFilter, CaseRow, citing_cases, get_case, get_law, list_cases

router = APIRouter(tags=["cases"], responses=PROBLEM_RESPONSES)

TrialType = Annotated[
    list[FreeText] | None,
    Query(
        max_length=10,
        description="SupremeCourt, HighCourt, LowerCourt, IPCase, AdministrativeCase, LaborCase; repeat for several.",
    ),
]


def case_url(lawsuit_id: str) -> str:
    """URL of a decision."""
    return f"/v1/cases/{quote(lawsuit_id)}"


def case_summary(row: CaseRow) -> CaseSummary:
    """API view of a decision header."""
    return CaseSummary(
        lawsuit_id=row.lawsuit_id,
        trial_type=row.trial_type,
        case_number=row.case_number,
        case_name=row.case_name,
        court_name=row.court_name,
        date=row.date,
        result_type=row.result_type,
        result=row.result,
        article_info=row.article_info,
        url=case_url(row.lawsuit_id),
    )


@router.get(
    "/v1/cases",
    summary="List and filter court decisions",
    description="Decisions filtered by court (substring: 最高裁判所 matches every 小法廷), trial type and date range.",
)
async def list_cases_route(
    conn: Conn,
    response: Response,
    court: Annotated[str | None, Query(max_length=100, pattern=NO_NUL, examples=["最高裁判所"])] = None,
    trial_type: TrialType = None,
    date_from: Annotated[date | None, Query(description="Decided on or after.")] = None,
    date_to: Annotated[date | None, Query(description="Decided on or before.")] = None,
    order: Annotated[str, Query(pattern="^(asc|desc)$", description="By date.")] = "desc",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> CaseList:
    flt = CaseFilter(court=court, trial_types=tuple(trial_type or ()), date_from=date_from, date_to=date_to)
    rows, total = await list_cases(conn, flt, descending=order == "desc", limit=limit, offset=offset)
    mark_cacheable(response, "list")
    return CaseList(page=page_info(total, limit, offset, len(rows)), items=[case_summary(r) for r in rows])


@router.get(
    "/v1/cases/{lawsuit_id}",
    summary="One court decision",
    description=(
        "Everything the record holds: 判示事項, 裁判要旨, 全文 where present, and each part of its 参照法条 resolved "
        "to a law and provision (the raw string is always kept; unresolvable parts say why, e.g. 旧法)."
    ),
)
async def get_case_route(
    conn: Conn,
    response: Response,
    lawsuit_id: Annotated[str, Path(max_length=40, pattern=r"^[0-9A-Za-z_-]+$", examples=["52218"])],
) -> CaseDetail:
    row = await get_case(conn, lawsuit_id)
    refs = [
        CaseLawRef(
            raw=r.raw,
            status=r.status,
            law_id=r.law_id,
            path=r.path,
            note=r.note,
            url=provision_url(r.law_id, r.path)
            if r.law_id and r.path
            else (f"/v1/laws/{r.law_id}" if r.law_id else None),
        )
        for r in row.refs
    ]
    summary = case_summary(row)
    mark_cacheable(response, "law")
    return CaseDetail(
        **summary.model_dump(),
        original_court_name=row.original_court_name,
        original_case_number=row.original_case_number,
        original_date=row.original_date,
        gist=row.gist,
        case_gist=row.case_gist,
        ref_law=row.ref_law,
        references=refs,
        contents=row.contents,
        detail_page_link=row.detail_page_link,
        full_pdf_link=row.full_pdf_link,
        flags=list(row.flags or []),
    )


@router.get(
    "/v1/laws/{law_id}/cases",
    summary="Decisions citing a law",
    description="Court decisions whose 参照法条 cite this law, or a provision of it (`path`, including its sub-provisions).",
)
async def citing_cases_route(
    conn: Conn,
    response: Response,
    law_id: LawIdPath,
    path: Annotated[str | None, Query(max_length=300, examples=["Article_709"])] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> CaseList:
    await get_law(conn, law_id)
    canonical = None
    if path is not None:
        try:
            canonical = canonical_path(path)
        except InvalidProvisionPathError as exc:
            raise ParameterError("path", exc.message, code="invalid-provision-path") from exc
    rows, total = await citing_cases(conn, law_id, canonical, limit=limit, offset=offset)
    mark_cacheable(response, "list")
    return CaseList(page=page_info(total, limit, offset, len(rows)), items=[case_summary(r) for r in rows])
