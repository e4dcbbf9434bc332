"""A law across time: stored revision texts as parsed laws, and the amendments between two revisions.

The SQL of the diff and timeline features lives here (one module, so the store refactor can move it whole).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from egov_core.domain import Law
from egov_core.errors import RevisionNotFoundError
from egov_core.parsing import parse_law_json
from egov_core.store.laws import RevisionRow

__all__ = ["AmendmentRow", "amendments_between", "list_amendments", "load_revision_law", "revision_tree"]


@dataclass(frozen=True, slots=True)
class AmendmentRow:
    """One stored revision seen as the amendment that produced it.

    Attributes:
        law_id: the amended law.
        law_title: the amended law's current title.
        law_revision_id: the revision the amendment produced.
        enforcement_date: 施行日 of that revision.
        amendment_law_id: the amending law (``000000000000000`` for an original text).
        amendment_law_title: the amending law's title, when the store holds that law.
        amendment_promulgate_date: 公布日 of the amending law, where known.
        status: as e-Gov labelled the revision when it was fetched (CurrentEnforced / UnEnforced …).
    """

    law_id: str
    law_title: str | None
    law_revision_id: str
    enforcement_date: date | None
    amendment_law_id: str | None
    amendment_law_title: str | None
    amendment_promulgate_date: date | None
    status: str | None


async def revision_tree(conn: AsyncConnection, revision_pk: int) -> bytes:
    """The stored e-Gov v2 ``law_full_text`` JSON of a revision (``law_revisions.id``), as stored.

    Raises:
        RevisionNotFoundError: the revision or its text is not stored.
    """
    row = (await conn.execute(text("SELECT tree FROM law_revisions WHERE id = :id"), {"id": revision_pk})).first()
    if row is None or row[0] is None:
        raise RevisionNotFoundError("the revision's text is not stored")
    return bytes(row[0])


async def load_revision_law(conn: AsyncConnection, rev: RevisionRow) -> Law:
    """A stored revision parsed back into a :class:`~egov_core.domain.Law` (parsed in a worker thread)."""
    tree = await revision_tree(conn, rev.id)
    # No law_revision_id: a synthesised one (2020 bulk files, ``{law_id}_{checksum}``) is not e-Gov's format,
    # and the parser would refuse it; the text is what is wanted here.
    return await asyncio.to_thread(parse_law_json, tree, source=rev.law_revision_id, law_id=rev.law_id)


_AMENDMENT_COLUMNS = (
    "r.law_id, l.title AS law_title, r.law_revision_id, r.enforcement_date, r.amendment_law_id, "
    "a.title AS amendment_law_title, r.amendment_promulgate_date, r.status"
)
#: The order revisions follow in time (as ``resolve_revision`` picks them).
_ORDER = "r.enforcement_date NULLS FIRST, r.law_revision_id"


async def amendments_between(conn: AsyncConnection, old: RevisionRow, new: RevisionRow) -> list[AmendmentRow]:
    """The revisions after ``old`` up to and including ``new`` (or, when ``new`` is the older one, after
    ``new`` up to ``old``), oldest first: the amendments a diff between the two spans."""
    lo, hi = sorted((old, new), key=lambda r: (r.enforcement_date is not None, r.enforcement_date, r.law_revision_id))
    rows = await conn.execute(
        text(
            f"SELECT {_AMENDMENT_COLUMNS} FROM law_revisions r JOIN laws l USING (law_id) "
            "LEFT JOIN laws a ON a.law_id = r.amendment_law_id "
            "WHERE r.law_id = :law AND (coalesce(r.enforcement_date, '-infinity'::date), r.law_revision_id) "
            "> (coalesce(CAST(:lo_date AS date), '-infinity'::date), :lo_id) "
            "AND (coalesce(r.enforcement_date, '-infinity'::date), r.law_revision_id) "
            "<= (coalesce(CAST(:hi_date AS date), '-infinity'::date), :hi_id) "
            f"ORDER BY {_ORDER}"
        ),
        {
            "law": old.law_id,
            "lo_date": lo.enforcement_date,
            "lo_id": lo.law_revision_id,
            "hi_date": hi.enforcement_date,
            "hi_id": hi.law_revision_id,
        },
    )
    return [AmendmentRow(**r._mapping) for r in rows]


async def list_amendments(
    conn: AsyncConnection,
    *,
    law_id: str | None = None,
    enforced_after: date | None = None,
    enforced_before: date | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[AmendmentRow], int]:
    """Stored revisions as amendments, by enforcement date (oldest first), and their total count.

    ``enforced_after`` / ``enforced_before`` are exclusive bounds on the 施行日; revisions without a known
    date are left out when either bound is given. Pending amendments (未施行) are those enforced after today.
    """
    clauses: list[str] = []
    params: dict[str, object] = {"limit": limit, "offset": offset}
    if law_id is not None:
        clauses.append("r.law_id = :law")
        params["law"] = law_id
    if enforced_after is not None:
        clauses.append("r.enforcement_date > :after")
        params["after"] = enforced_after
    if enforced_before is not None:
        clauses.append("r.enforcement_date < :before")
        params["before"] = enforced_before
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    rows = await conn.execute(
        text(
            f"SELECT {_AMENDMENT_COLUMNS}, count(*) OVER () AS total FROM law_revisions r JOIN laws l USING (law_id) "
            f"LEFT JOIN laws a ON a.law_id = r.amendment_law_id{where} "
            f"ORDER BY {_ORDER}, r.law_id LIMIT :limit OFFSET :offset"
        ),
        params,
    )
    items = [dict(r._mapping) for r in rows]
    if items:
        total = int(items[0].pop("total"))
        for item in items[1:]:
            item.pop("total")
    else:
        count = f"SELECT count(*) FROM law_revisions r{where}"
        total = int((await conn.execute(text(count), params)).scalar_one())
    return [AmendmentRow(**m) for m in items], total
