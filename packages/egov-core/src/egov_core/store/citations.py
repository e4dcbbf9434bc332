"""What citation resolution reads (law names, provisions of current and older revisions) and the 参照法条
links it writes (``case_law_refs``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from egov_core.store.cases import CaseRefRow
from egov_core.store.core_reads import ProvisionText

__all__ = [
    "CaseLawRefRow",
    "LawNameRow",
    "case_law_refs",
    "current_provisions",
    "law_names",
    "provision_parent_path",
    "provisions_before_amendment",
    "sibling_provision_path",
    "update_case_law_refs",
]


@dataclass(frozen=True, slots=True)
class LawNameRow:
    """A stored law as the citation name index needs it."""

    law_id: str
    title: str
    abbrev: str | None
    law_type: str | None


@dataclass(frozen=True, slots=True)
class CaseLawRefRow(CaseRefRow):
    """One stored 参照法条 part of a decision (:class:`CaseRefRow`) with the decision's id."""

    lawsuit_id: str


def _provision(r: Any) -> ProvisionText:
    return ProvisionText(r.path, r.kind, r.title, r.caption, r.text or "")


async def law_names(conn: AsyncConnection) -> list[LawNameRow]:
    """Every stored law's id, title, e-Gov abbreviation(s) and type."""
    rows = await conn.execute(text("SELECT law_id, title, abbrev, law_type FROM laws"))
    return [LawNameRow(r.law_id, r.title or "", r.abbrev, r.law_type) for r in rows]


async def current_provisions(
    conn: AsyncConnection, law_id: str, paths: Sequence[str] | None = None
) -> list[ProvisionText]:
    """Provisions of the law's current revision: those at ``paths``, or all of them when ``paths`` is None."""
    query = (
        "SELECT p.path, p.kind, p.title, p.caption, p.text FROM provisions p "
        "JOIN laws l ON p.revision_id = l.current_revision_id WHERE l.law_id = :law_id"
    )
    if paths is None:
        return [_provision(r) for r in await conn.execute(text(query), {"law_id": law_id})]
    if not paths:
        return []
    rows = await conn.execute(text(query + " AND p.path = ANY(:paths)"), {"law_id": law_id, "paths": list(paths)})
    return [_provision(r) for r in rows]


async def sibling_provision_path(conn: AsyncConnection, law_id: str, path: str, step: int) -> str | None:
    """The previous (``step < 0``) or next provision of the same kind in the current revision (前条, 次項)."""
    # Articles are siblings across 章/節 (their paths sit directly under Main/SupplProvision);
    # anything else is a sibling of the same parent.
    order = "DESC" if step < 0 else "ASC"
    cmp = "<" if step < 0 else ">"
    row = (
        await conn.execute(
            text(
                "WITH me AS (SELECT p.revision_id, p.kind, p.parent_path, p.position FROM provisions p "
                "  JOIN laws l ON p.revision_id = l.current_revision_id "
                "  WHERE l.law_id = :law_id AND p.path = :path) "
                "SELECT q.path FROM provisions q, me WHERE q.revision_id = me.revision_id "
                "AND q.kind = me.kind AND ((me.kind = 'Article' AND split_part(q.path, '-', 1) = :top) "
                "  OR (me.kind <> 'Article' AND q.parent_path IS NOT DISTINCT FROM me.parent_path)) "
                f"AND q.position {cmp} me.position ORDER BY q.position {order} LIMIT 1"
            ),
            {"law_id": law_id, "path": path, "top": path.split("-", 1)[0]},
        )
    ).first()
    return None if row is None else str(row[0])


async def provision_parent_path(conn: AsyncConnection, law_id: str, path: str) -> str | None:
    """The ``parent_path`` of a provision of the law's current revision (an article's 章 / 節), None if not stored."""
    row = await conn.execute(
        text(
            "SELECT p.parent_path FROM provisions p JOIN laws l ON p.revision_id = l.current_revision_id "
            "WHERE l.law_id = :law_id AND p.path = :path"
        ),
        {"law_id": law_id, "path": path},
    )
    found = row.scalar_one_or_none()
    return None if found is None else str(found)


async def provisions_before_amendment(
    conn: AsyncConnection, law_id: str, amendment_law_id: str, paths: Sequence[str]
) -> tuple[str, list[ProvisionText]] | None:
    """The revision in force before ``amendment_law_id`` first took effect, and those of ``paths`` it holds.

    None when the store holds no revision by that amendment, or none before it.
    """
    row = (
        await conn.execute(
            text(
                "SELECT b.id, b.law_revision_id FROM law_revisions b, "
                " (SELECT enforcement_date FROM law_revisions WHERE law_id = :law_id "
                "  AND amendment_law_id = :amending ORDER BY enforcement_date LIMIT 1) a "
                "WHERE b.law_id = :law_id AND b.enforcement_date < a.enforcement_date "
                "ORDER BY b.enforcement_date DESC LIMIT 1"
            ),
            {"law_id": law_id, "amending": amendment_law_id},
        )
    ).first()
    if row is None:
        return None
    rows = await conn.execute(
        text("SELECT path, kind, title, caption, text FROM provisions WHERE revision_id = :rev AND path = ANY(:paths)"),
        {"rev": row[0], "paths": list(paths)},
    )
    return str(row[1]), [_provision(r) for r in rows]


async def case_law_refs(conn: AsyncConnection) -> list[CaseLawRefRow]:
    """Every stored 参照法条 part of every decision."""
    rows = await conn.execute(text("SELECT lawsuit_id, seq, raw, law_id, path, status, note FROM case_law_refs"))
    return [CaseLawRefRow(r.seq, r.raw, r.law_id, r.path, r.status, r.note, lawsuit_id=r.lawsuit_id) for r in rows]


async def update_case_law_refs(conn: AsyncConnection, changed: Sequence[CaseLawRefRow]) -> None:
    """Write new resolutions of stored 参照法条 parts (matched by decision and ``seq``), in the caller's transaction."""
    if not changed:
        return
    await conn.execute(
        text(
            "UPDATE case_law_refs SET law_id = :law, path = :path, status = :st, note = :note "
            "WHERE lawsuit_id = :id AND seq = :seq"
        ),
        [
            {"id": c.lawsuit_id, "seq": c.seq, "law": c.law_id, "path": c.path, "st": c.status, "note": c.note}
            for c in changed
        ],
    )
