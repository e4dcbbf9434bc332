"""Timeline: amendments (and the pending, 未施行 ones) per law and across the corpus, and what each changed."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response

from egov_api.problems import ParameterError
from egov_api.routes._common import LawIdPath, law_url, mark_cacheable
from egov_api.routes.diff import amendment_view
from egov_api.schemas.common import PROBLEM_RESPONSES, page_info
from egov_api.schemas.diff import AmendmentChanges, AmendmentList, ChangedUnit, LawTimeline
from egov_api.schemas.law_examples import AMENDMENTS_EXAMPLE, TIMELINE_EXAMPLE
from egov_api.state import Conn
from egov_core.diff import diff_laws
from egov_core.store import get_law, list_amendments, list_revisions, load_revision_law

router = APIRouter(prefix="/v1", tags=["amendments"], responses=PROBLEM_RESPONSES)

After = Annotated[
    date | None,
    Query(description="Only amendments enforced after this date (exclusive, YYYY-MM-DD).", examples=["2024-01-01"]),
]
Before = Annotated[
    date | None,
    Query(description="Only amendments enforced before this date (exclusive, YYYY-MM-DD).", examples=["2027-01-01"]),
]
Pending = Annotated[
    bool,
    Query(description="Only pending (未施行) amendments: enforced after today. Combines with the date bounds."),
]


def _bounds(after: date | None, before: date | None, pending: bool) -> date | None:
    if after is not None and before is not None and after >= before:
        raise ParameterError("enforced_before", "enforced_before must be later than enforced_after")
    if pending:
        today = datetime.now(UTC).date()
        return today if after is None or after < today else after
    return after


@router.get(
    "/amendments",
    summary="Amendments across the corpus, by enforcement date",
    description=(
        "Every stored revision of every law seen as an amendment (amending law, 施行日, 公布日, e-Gov status), "
        "oldest first, within `enforced_after` / `enforced_before` (exclusive). `pending=true` keeps the "
        "amendments not yet in force today (未施行), whatever e-Gov's status label said when the text was fetched."
    ),
    responses={200: {"content": {"application/json": {"example": AMENDMENTS_EXAMPLE}}}},
)
async def list_amendments_route(
    conn: Conn,
    response: Response,
    enforced_after: After = None,
    enforced_before: Before = None,
    pending: Pending = False,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size (max 100).")] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000, description="Items to skip.")] = 0,
) -> AmendmentList:
    after = _bounds(enforced_after, enforced_before, pending)
    rows, total = await list_amendments(
        conn, enforced_after=after, enforced_before=enforced_before, limit=limit, offset=offset
    )
    mark_cacheable(response, "list")
    today = datetime.now(UTC).date()
    return AmendmentList(
        page=page_info(total, limit, offset, len(rows)), items=[amendment_view(r, today) for r in rows]
    )


@router.get(
    "/laws/{law_id}/amendments",
    summary="A law's amendments and what each changed",
    description=(
        "What changed in the law between two dates, in one call: the amendments enforced after "
        "`enforced_after` and before `enforced_before` (exclusive), oldest first, each with the provisions it "
        "inserted, deleted, amended or renumbered (against the revision before it) and a link to its full "
        "新旧対照. `pending=true` keeps the 未施行 ones. Each amendment costs one diff, so pages hold at most 20."
    ),
    responses={200: {"content": {"application/json": {"example": TIMELINE_EXAMPLE}}}},
)
async def law_amendments_route(
    conn: Conn,
    response: Response,
    law_id: LawIdPath,
    enforced_after: After = None,
    enforced_before: Before = None,
    pending: Pending = False,
    limit: Annotated[int, Query(ge=1, le=20, description="Amendments per page (max 20).")] = 10,
    offset: Annotated[int, Query(ge=0, le=10_000, description="Amendments to skip.")] = 0,
) -> LawTimeline:
    await get_law(conn, law_id)
    after = _bounds(enforced_after, enforced_before, pending)
    rows, total = await list_amendments(
        conn, law_id=law_id, enforced_after=after, enforced_before=enforced_before, limit=limit, offset=offset
    )
    history = list(reversed(await list_revisions(conn, law_id)))  # oldest first, as list_amendments orders
    position = {r.law_revision_id: i for i, r in enumerate(history)}
    today = datetime.now(UTC).date()
    items: list[AmendmentChanges] = []
    for row in rows:
        at = position[row.law_revision_id]
        new_rev = history[at]
        previous = history[at - 1] if at > 0 else None
        changed: list[ChangedUnit] = []
        counts: dict[str, int] = {}
        if previous is not None:
            old_law = await load_revision_law(conn, previous)
            new_law = await load_revision_law(conn, new_rev)
            diff = await asyncio.to_thread(diff_laws, old_law, new_law)
            counts = diff.counts()
            for c in diff.changed():
                shown = c.new or c.old
                if shown is None or c.change == "unchanged":  # changed() never yields these; narrows the types
                    continue
                changed.append(
                    ChangedUnit(
                        change=c.change,
                        old_path=c.old.path if c.old else None,
                        new_path=c.new.path if c.new else None,
                        title=shown.title,
                        caption=shown.caption,
                    )
                )
        items.append(
            AmendmentChanges(
                amendment=amendment_view(row, today),
                previous_revision_id=previous.law_revision_id if previous else None,
                counts=counts,
                changes=changed,
                diff=(
                    f"{law_url(law_id)}/diff?from={previous.law_revision_id}&to={new_rev.law_revision_id}"
                    if previous
                    else None
                ),
            )
        )
    mark_cacheable(response, "law")
    return LawTimeline(
        law_id=law_id,
        enforced_after=after,
        enforced_before=enforced_before,
        page=page_info(total, limit, offset, len(rows)),
        items=items,
    )
