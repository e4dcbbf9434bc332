"""新旧対照: the diff between two revisions (or dates) of a law, as JSON or as a side-by-side HTML table."""

from __future__ import annotations

import asyncio
import itertools
import re
from datetime import UTC, date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from egov_api.diff_html import render_diff_html
from egov_api.problems import ParameterError
from egov_api.routes._common import LawIdPath, law_url, mark_cacheable
from egov_api.routes.laws import revision_summary
from egov_api.schemas.common import PROBLEM_RESPONSES, page_info
from egov_api.schemas.diff import Amendment, Change, DiffLimits, Edit, LawDiff, UnitRef
from egov_api.schemas.law_examples import DIFF_EXAMPLE
from egov_api.state import Conn
from egov_core.diff import CHAR_DIFF_CAP, PAIR_CAP, DiffUnit, attribute_changes, diff_laws
from egov_core.diff import LawDiff as CoreDiff
from egov_core.domain import Law
from egov_core.store import (
    AmendmentRow,
    Connection,
    RevisionRow,
    amendments_between,
    load_revision_law,
    resolve_revision,
)

router = APIRouter(prefix="/v1/laws", tags=["laws"], responses=PROBLEM_RESPONSES)

_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_REVISION_OR_DATE = r"^[0-9A-Za-z_\-]+$"
_DESCRIPTION = "A law_revision_id, or a date (YYYY-MM-DD): the revision in force that day."


async def _revision(conn: Connection, law_id: str, name: str, value: str | None) -> RevisionRow:
    if value is None:
        return await resolve_revision(conn, law_id)
    if _DATE.match(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise ParameterError(name, f"{value!r} is not a valid date", code="invalid-date") from None
        return await resolve_revision(conn, law_id, asof=day)
    return await resolve_revision(conn, law_id, revision_id=value)


def amendment_view(row: AmendmentRow, today: date) -> Amendment:
    """API view of a stored revision as an amendment."""
    return Amendment(
        law_id=row.law_id,
        law_title=row.law_title,
        law_revision_id=row.law_revision_id,
        enforcement_date=row.enforcement_date,
        amendment_law_id=row.amendment_law_id,
        amendment_law_title=row.amendment_law_title,
        amendment_promulgate_date=row.amendment_promulgate_date,
        status=row.status,
        pending=row.enforcement_date is not None and row.enforcement_date > today,
        url=f"{law_url(row.law_id)}?revision={row.law_revision_id}",
    )


def _unit(u: DiffUnit | None) -> UnitRef | None:
    return None if u is None else UnitRef(path=u.path, key=u.key, kind=u.kind, title=u.title, caption=u.caption)


def _heading(old: RevisionRow, new: RevisionRow, amendments: list[AmendmentRow]) -> list[str]:
    lines = [
        f"改正前: {old.law_revision_id}（施行 {old.enforcement_date or '不明'}）",
        f"改正後: {new.law_revision_id}（施行 {new.enforcement_date or '不明'}）",
    ]
    lines += [
        f"改正法令: {a.amendment_law_title or a.amendment_law_id}（施行 {a.enforcement_date or '不明'}、{a.status or ''}）"
        for a in amendments
    ]
    return lines


#: Most amendments a diff credits provision by provision (each costs one more revision parsed and diffed).
ATTRIBUTION_MAX_STEPS = 10


def _order(rev: RevisionRow) -> tuple[bool, date | None, str]:
    return (rev.enforcement_date is not None, rev.enforcement_date, rev.law_revision_id)


async def _credits(
    conn: Connection,
    law_id: str,
    old: tuple[RevisionRow, Law],
    new: tuple[RevisionRow, Law],
    amendments: list[AmendmentRow],
    diff: CoreDiff,
) -> list[list[str]] | None:
    """For each entry of ``diff.changes``, the revisions (amendments) that changed it; None past the cap."""
    if len(amendments) > ATTRIBUTION_MAX_STEPS:
        return None
    if len(amendments) <= 1:
        only = [a.law_revision_id for a in amendments]
        return [[] if c.change == "unchanged" else only for c in diff.changes]
    forward = _order(old[0]) <= _order(new[0])
    between = [a.law_revision_id for a in amendments]
    # The chain of texts from old to new; each step is credited to the later revision of its two ends.
    if forward:
        chain = [old[0].law_revision_id, *between]
    else:
        chain = [old[0].law_revision_id, *reversed(between[:-1]), new[0].law_revision_id]
    laws = {old[0].law_revision_id: old[1], new[0].law_revision_id: new[1]}
    for rid in chain:
        if rid not in laws:
            laws[rid] = await load_revision_law(conn, await resolve_revision(conn, law_id, revision_id=rid))
    steps = [await asyncio.to_thread(diff_laws, laws[a], laws[b]) for a, b in itertools.pairwise(chain)]
    credited = [b if forward else a for a, b in itertools.pairwise(chain)]
    found = await asyncio.to_thread(attribute_changes, diff, steps)
    return [[credited[i] for i in indexes] for indexes in found]


@router.get(
    "/{law_id}/diff",
    summary="新旧対照: what changed between two revisions or dates",
    description=(
        "Compares two revisions of a law provision by provision (articles with their 項・号, headings, 附則, "
        "別表), aligned by content so 条の繰上げ・繰下げ shows as `renumbered`; each changed provision carries "
        "character-level `edits`. `from` and `to` take a law_revision_id or a date (the revision in force that "
        "day); `to` defaults to the current revision. The amendments in between are listed with their "
        "enforcement dates. `format=html` gives the side-by-side 新旧対照表 (改正後 | 改正前). Cost is bounded by "
        "the two texts: character comparison runs within one provision's changed lines up to `char_diff_cap` "
        "characters, similarity pairing within `pair_cap` units (see `limits`)."
    ),
    responses={
        200: {
            "model": LawDiff,
            "content": {"application/json": {"example": DIFF_EXAMPLE}, "text/html": {}},
        }
    },
)
async def diff_route(
    conn: Conn,
    response: Response,
    law_id: LawIdPath,
    from_: Annotated[
        str,
        Query(
            alias="from",
            max_length=64,
            pattern=_REVISION_OR_DATE,
            description=_DESCRIPTION,
            examples=["405AC0000000047_20230703_505AC0000000051", "2020-01-01"],
        ),
    ],
    to: Annotated[
        str | None,
        Query(
            max_length=64,
            pattern=_REVISION_OR_DATE,
            description=_DESCRIPTION + " Default: the current revision.",
            examples=["405AC0000000047_20240216_505AC0000000028"],
        ),
    ] = None,
    include_unchanged: Annotated[bool, Query(description="List unchanged provisions too.")] = False,
    format: Annotated[Literal["json", "html"], Query(description="json, or html (side-by-side table).")] = "json",
    limit: Annotated[int, Query(ge=1, le=500, description="Changes per page (json).")] = 100,
    offset: Annotated[int, Query(ge=0, le=100_000, description="Changes to skip (json).")] = 0,
) -> Response:
    old_rev = await _revision(conn, law_id, "from", from_)
    new_rev = await _revision(conn, law_id, "to", to)
    old_law = await load_revision_law(conn, old_rev)
    new_law = await load_revision_law(conn, new_rev)
    amendments = await amendments_between(conn, old_rev, new_rev)
    diff: CoreDiff = await asyncio.to_thread(diff_laws, old_law, new_law)
    pinned = _DATE.match(from_) is None and to is not None and _DATE.match(to) is None
    credits = await _credits(conn, law_id, (old_rev, old_law), (new_rev, new_law), amendments, diff)
    if format == "html":
        title = new_rev.law_title or new_law.metadata.title
        label = {a.law_revision_id: f"{a.amendment_law_id}（施行 {a.enforcement_date or '不明'}）" for a in amendments}
        labels = None if credits is None else [[label.get(rid, rid) for rid in found] for found in credits]
        page = render_diff_html(title, _heading(old_rev, new_rev, amendments), diff, labels)
        out = Response(page, media_type="text/html; charset=utf-8")
        mark_cacheable(out, "law", immutable=pinned)
        return out
    listed = [(c, credits[i] if credits is not None else None) for i, c in enumerate(diff.changes)]
    if not include_unchanged:
        listed = [(c, credit) for c, credit in listed if c.change != "unchanged"]
    window = listed[offset : offset + limit]
    today = datetime.now(UTC).date()
    body = LawDiff(
        law_id=law_id,
        old=revision_summary(old_rev),
        new=revision_summary(new_rev),
        amendments=[amendment_view(a, today) for a in amendments],
        counts=diff.counts(),
        limits=DiffLimits(char_diff_cap=CHAR_DIFF_CAP, pair_cap=PAIR_CAP, exhaustive=diff.exhaustive),
        page=page_info(len(listed), limit, offset, len(window)),
        changes=[
            Change(
                change=c.change,
                old=_unit(c.old),
                new=_unit(c.new),
                edits=[Edit(op=e.op, text=e.text) for e in c.edits],
                amended_by=credit,
            )
            for c, credit in window
        ],
        links={
            "html": f"{law_url(law_id)}/diff?from={old_rev.law_revision_id}&to={new_rev.law_revision_id}&format=html"
        },
    )
    out = Response(body.model_dump_json().encode(), media_type="application/json")
    mark_cacheable(out, "law", immutable=pinned)
    return out
