"""Reading what to chunk from the store: current law revisions and court decisions (SCHEMA.md tables)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from egov_vector.chunking import Chunk, chunk_case, chunk_law

__all__ = ["LawSource", "ProvisionRow", "case_chunks", "current_laws", "law_chunks", "list_cases"]


@dataclass(frozen=True, slots=True)
class LawSource:
    """A law whose current revision is to be chunked."""

    law_id: str
    title: str
    revision_id: int


@dataclass(frozen=True, slots=True)
class ProvisionRow:
    """One ``provisions`` row, as chunking reads it."""

    path: str
    kind: str
    title: str | None
    caption: str | None
    text: str


async def current_laws(conn: AsyncConnection, law_ids: Collection[str] | None) -> list[LawSource]:
    """Laws with a current revision (``laws.current_revision_id``), optionally only ``law_ids``."""
    sql = "SELECT law_id, coalesce(title, ''), current_revision_id FROM laws WHERE current_revision_id IS NOT NULL"
    params: dict[str, object] = {}
    if law_ids is not None:
        sql += " AND law_id = ANY(:ids)"
        params["ids"] = list(law_ids)
    rows = (await conn.execute(text(sql + " ORDER BY law_id"), params)).all()
    return [LawSource(r[0], r[1], int(r[2])) for r in rows]


async def law_chunks(conn: AsyncConnection, law: LawSource, max_chars: int) -> list[Chunk]:
    """The chunks of ``law``'s current revision."""
    rows = (
        await conn.execute(
            text("SELECT path, kind, title, caption, text FROM provisions WHERE revision_id = :r ORDER BY position"),
            {"r": law.revision_id},
        )
    ).all()
    return chunk_law(law.title, [ProvisionRow(r[0], r[1], r[2], r[3], r[4] or "") for r in rows], max_chars=max_chars)


async def list_cases(conn: AsyncConnection, lawsuit_ids: Collection[str] | None) -> list[str]:
    """Every ``lawsuit_id`` (optionally only those given), sorted."""
    sql = "SELECT lawsuit_id FROM cases"
    params: dict[str, object] = {}
    if lawsuit_ids is not None:
        sql += " WHERE lawsuit_id = ANY(:ids)"
        params["ids"] = list(lawsuit_ids)
    return [r[0] for r in (await conn.execute(text(sql + " ORDER BY lawsuit_id"), params)).all()]


async def case_chunks(conn: AsyncConnection, lawsuit_id: str, max_chars: int) -> list[Chunk]:
    """The chunks of one court decision."""
    row = (
        await conn.execute(
            text(
                "SELECT case_name, court_name, date, case_number, gist, case_gist, contents "
                "FROM cases WHERE lawsuit_id = :id"
            ),
            {"id": lawsuit_id},
        )
    ).first()
    if row is None:
        return []
    return chunk_case(
        case_name=row[0],
        court_name=row[1],
        date=row[2].isoformat() if row[2] is not None else None,
        case_number=row[3],
        gist=row[4],
        case_gist=row[5],
        contents=row[6],
        max_chars=max_chars,
    )
