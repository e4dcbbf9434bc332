"""e-Gov 法令API v2 ``/laws`` (法令一覧取得API) and ``/law_revisions/{law_id_or_num}`` (法令履歴一覧取得API)."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from egov_api.fastpath import mark_cacheable
from egov_api.lawapi import params as p
from egov_api.lawapi.errors import LawApiError
from egov_api.lawapi.render import answer, answer_format
from egov_api.lawapi.shapes import law_info, revision_info
from egov_api.lawapi.upstream import with_upstream
from egov_api.state import Conn
from egov_core.store.compat import (
    LAWAPI_ORDER_COLUMNS,
    LawApiFilter,
    RevisionFilter,
    lawapi_law,
    lawapi_laws,
    lawapi_revisions,
)

router = APIRouter(tags=["e-Gov 法令API v2"])

#: Largest ``limit`` of /laws (e-Gov publishes none; its default is 100).
MAX_LAWS_LIMIT = 1000
MAX_OFFSET = 1_000_000


@router.get(
    "/laws",
    summary="法令一覧取得API (e-Gov-compatible)",
    description=(
        "Laws matching the filters, as e-Gov's `/laws`: `law_info`, `revision_info` (the revision in force on "
        "`asof`, or the current one) and `current_revision_info` (omit with `omit_current_revision_info=true`). "
        "Lists are comma-separated (`law_type=Act,Rule`), `order` takes `+field,-field`."
    ),
)
async def get_laws(
    request: Request,
    conn: Conn,
    law_id: Annotated[str | None, Query(description="法令ID (substring).")] = None,
    law_num: Annotated[str | None, Query(description="法令番号 (substring).")] = None,
    law_num_era: Annotated[str | None, Query(description="Era of the law number.")] = None,
    law_num_num: Annotated[str | None, Query(description="Number within the year.")] = None,
    law_num_type: Annotated[str | None, Query(description="Law type of the law number.")] = None,
    law_num_year: Annotated[str | None, Query(description="Year of the law number.")] = None,
    law_title: Annotated[str | None, Query(description="Title or abbreviation (substring).")] = None,
    law_title_kana: Annotated[str | None, Query(description="Reading of the title (substring).")] = None,
    law_type: Annotated[str | None, Query(description="Law types, comma-separated.")] = None,
    amendment_law_id: Annotated[str | None, Query(description="Amending law id (substring); ignores asof.")] = None,
    asof: Annotated[
        str | None, Query(description="YYYY-MM-DD: describe each law by its revision in force then.")
    ] = None,
    category_cd: Annotated[str | None, Query(description="Category codes (001 … 050), comma-separated.")] = None,
    mission: Annotated[str | None, Query(description="New, Partial (comma-separated).")] = None,
    omit_current_revision_info: Annotated[
        str | None, Query(description="true: leave out current_revision_info.")
    ] = None,
    promulgation_date_from: Annotated[str | None, Query(description="Promulgated on or after (YYYY-MM-DD).")] = None,
    promulgation_date_to: Annotated[str | None, Query(description="Promulgated on or before (YYYY-MM-DD).")] = None,
    repeal_status: Annotated[
        str | None, Query(description="None, Repeal, Expire, Suspend, LossOfEffectiveness (comma-separated).")
    ] = None,
    limit: Annotated[str | None, Query(description="Page size (default 100, at most 1000).")] = None,
    offset: Annotated[str | None, Query(description="Items to skip.")] = None,
    order: Annotated[
        str | None, Query(description="Sort fields, e.g. `+law_info.law_id,-revision_info.amendment_promulgate_date`.")
    ] = None,
    response_format: Annotated[str | None, Query(description="json or xml (default: from Accept, else json).")] = None,
) -> Response:
    fmt = answer_format(request, p.response_format(response_format))
    flt = LawApiFilter(
        law_id=p.text("law_id", law_id),
        law_num=p.text("law_num", law_num),
        era=p.one_of("law_num_era", law_num_era, p.ERAS),
        year=p.integer("law_num_year", law_num_year, low=-(10**9), high=10**9),
        num=p.text("law_num_num", law_num_num),
        num_type=p.one_of("law_num_type", law_num_type, p.LAW_TYPES, "400001"),
        law_title=p.text("law_title", law_title),
        law_title_kana=p.text("law_title_kana", law_title_kana),
        law_types=p.law_types("law_type", law_type),
        amendment_law_id=p.text("amendment_law_id", amendment_law_id),
        asof=p.day("asof", asof),
        categories=p.categories(category_cd),
        missions=p.many("mission", mission, p.MISSIONS),
        repeal_statuses=p.many("repeal_status", repeal_status, p.REPEAL_STATUSES),
        promulgated_from=p.day("promulgation_date_from", promulgation_date_from),
        promulgated_to=p.day("promulgation_date_to", promulgation_date_to),
    )
    size = p.integer("limit", limit, low=1, high=MAX_LAWS_LIMIT, default=100)
    skip = p.integer("offset", offset, low=0, high=MAX_OFFSET, default=0)
    assert size is not None
    assert skip is not None
    sort = p.order(order, LAWAPI_ORDER_COLUMNS, "law_info.law_id")
    omit = p.boolean("omit_current_revision_info", omit_current_revision_info)
    items, total = await lawapi_laws(conn, flt, order=sort, limit=size, offset=skip, with_current=not omit)
    laws: list[dict[str, Any]] = []
    for item in items:
        entry: dict[str, Any] = {"law_info": law_info(item.info), "revision_info": revision_info(item.revision)}
        if not omit:
            entry["current_revision_info"] = revision_info(item.current) if item.current else None
        laws.append(entry)
    body = {
        "total_count": total,
        "count": len(laws),
        "next_offset": skip + len(laws) if skip + len(laws) < total else None,
        "laws": laws,
    }
    response = answer("laws_response", body, fmt)
    mark_cacheable(response, "list")
    return response


@router.get(
    "/law_revisions/{law_id_or_num}",
    summary="法令履歴一覧取得API (e-Gov-compatible)",
    description=(
        "Every stored revision of a law (by 法令ID or 法令番号), newest law_revision_id first, as e-Gov's "
        "`/law_revisions`. `law_title` / `amendment_law_title` wrapped in `/…/` are regular expressions."
    ),
)
async def get_law_revisions(
    request: Request,
    conn: Conn,
    law_id_or_num: str,
    law_title: Annotated[str | None, Query(description="Title or abbreviation (substring, or /regex/).")] = None,
    law_title_kana: Annotated[str | None, Query(description="Reading (substring).")] = None,
    amendment_date_from: Annotated[str | None, Query(description="Enforced on or after (YYYY-MM-DD).")] = None,
    amendment_date_to: Annotated[str | None, Query(description="Enforced on or before (YYYY-MM-DD).")] = None,
    amendment_law_id: Annotated[str | None, Query(description="Amending law id (substring).")] = None,
    amendment_law_num: Annotated[str | None, Query(description="Amending law number (substring).")] = None,
    amendment_law_title: Annotated[str | None, Query(description="Amending law title (substring, or /regex/).")] = None,
    amendment_law_title_kana: Annotated[str | None, Query(description="Amending law reading (substring).")] = None,
    amendment_promulgate_date_from: Annotated[
        str | None, Query(description="Amendment promulgated on or after.")
    ] = None,
    amendment_promulgate_date_to: Annotated[
        str | None, Query(description="Amendment promulgated on or before.")
    ] = None,
    amendment_type: Annotated[str | None, Query(description="1, 3, 8 (comma-separated).")] = None,
    category_cd: Annotated[str | None, Query(description="Category codes, comma-separated.")] = None,
    current_revision_status: Annotated[
        str | None, Query(description="CurrentEnforced, UnEnforced, PreviousEnforced, Repeal.")
    ] = None,
    mission: Annotated[str | None, Query(description="New, Partial.")] = None,
    remain_in_force: Annotated[str | None, Query(description="true / false.")] = None,
    repeal_date_from: Annotated[str | None, Query(description="Repealed on or after.")] = None,
    repeal_date_to: Annotated[str | None, Query(description="Repealed on or before.")] = None,
    repeal_status: Annotated[
        str | None, Query(description="None, Repeal, Expire, Suspend, LossOfEffectiveness.")
    ] = None,
    updated_from: Annotated[str | None, Query(description="Data updated on or after (YYYY-MM-DD).")] = None,
    updated_to: Annotated[str | None, Query(description="Data updated on or before (YYYY-MM-DD).")] = None,
    response_format: Annotated[str | None, Query(description="json or xml.")] = None,
) -> Response:
    fmt = answer_format(request, p.response_format(response_format))
    key = p.text("law_id_or_num", law_id_or_num) or ""
    for name, value in (
        ("law_title", law_title),
        ("amendment_law_title", amendment_law_title),
    ):
        if value and len(value) >= 2 and value[0] == value[-1] == "/":
            _check_regex(name, value[1:-1])
    flt = RevisionFilter(
        law_title=p.text("law_title", law_title),
        law_title_kana=p.text("law_title_kana", law_title_kana),
        enforcement_from=p.day("amendment_date_from", amendment_date_from),
        enforcement_to=p.day("amendment_date_to", amendment_date_to),
        amendment_law_id=p.text("amendment_law_id", amendment_law_id),
        amendment_law_num=p.text("amendment_law_num", amendment_law_num),
        amendment_law_title=p.text("amendment_law_title", amendment_law_title),
        amendment_law_title_kana=p.text("amendment_law_title_kana", amendment_law_title_kana),
        amendment_promulgate_from=p.day("amendment_promulgate_date_from", amendment_promulgate_date_from),
        amendment_promulgate_to=p.day("amendment_promulgate_date_to", amendment_promulgate_date_to),
        categories=p.categories(category_cd),
        missions=p.many("mission", mission, p.MISSIONS),
        repeal_statuses=p.many("repeal_status", repeal_status, p.REPEAL_STATUSES),
        updated_from=p.day("updated_from", updated_from),
        updated_to=p.day("updated_to", updated_to),
    )
    types = p.many("amendment_type", amendment_type, p.AMENDMENT_TYPES)
    statuses = p.many("current_revision_status", current_revision_status, p.REVISION_STATUSES)
    remain = p.boolean("remain_in_force", remain_in_force) if remain_in_force else None
    repeal_from = p.day("repeal_date_from", repeal_date_from)
    repeal_to = p.day("repeal_date_to", repeal_date_to)
    info = await with_upstream(request, lambda: lawapi_law(conn, key), key=key, asof=None)
    revisions = [revision_info(r) for r in await lawapi_revisions(conn, info.law_id, flt)]
    # Derived fields are filtered on the values the answer shows (the store has no column for them); the
    # store knows no repeal date, so a repeal-date range matches nothing.
    if repeal_from is not None or repeal_to is not None:
        revisions = []
    revisions = [
        r
        for r in revisions
        if (not types or r["amendment_type"] in types)
        and (not statuses or r["current_revision_status"] in statuses)
        and (remain is None or r["remain_in_force"] is remain)
    ]
    response = answer("law_revisions_response", {"law_info": law_info(info), "revisions": revisions}, fmt)
    mark_cacheable(response, "law")
    return response


#: What a ``/regex/`` title filter may hold: characters and the common operators. No backslash and no
#: ``(?`` group syntax, on which Python's and PostgreSQL's regular expressions differ.
_REGEX_OK = re.compile(r"^(?!.*\(\?)[^\\\x00]{1,100}$")


def _check_regex(name: str, pattern: str) -> None:
    """Refuse a /regex/ outside the subset both Python and PostgreSQL read alike."""
    if not _REGEX_OK.match(pattern):
        raise LawApiError("400002", f"{name}: a regular expression of 1-100 characters, no backslash or (?")
    try:
        re.compile(pattern)
    except re.error as exc:
        raise LawApiError("400002", f"{name}: not a regular expression ({exc})") from None
