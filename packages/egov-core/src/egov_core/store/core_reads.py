"""The read port: what other packages (egov-vector) may read of core's tables, and nothing else.

egov-vector owns its own tables and reaches core data only through :class:`CoreReads`; the SQL lives
here, beside the rest of core's. :class:`SqlCoreReads` is the implementation over a connection from
:class:`~egov_core.store.Database` (or any ``AsyncConnection`` on the store).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

__all__ = ["CORE_READS", "CaseText", "CoreReads", "CurrentLaw", "ProvisionText", "SqlCoreReads"]


@dataclass(frozen=True, slots=True)
class CurrentLaw:
    """A law and its current revision (``laws.current_revision_id``)."""

    law_id: str
    title: str
    revision_id: int


@dataclass(frozen=True, slots=True)
class ProvisionText:
    """One provision of a revision, as text (``provisions`` row)."""

    path: str
    kind: str
    title: str | None
    caption: str | None
    text: str


@dataclass(frozen=True, slots=True)
class CaseText:
    """The text fields of a court decision (``cases`` row)."""

    case_name: str | None
    court_name: str | None
    date: date | None
    case_number: str | None
    gist: str | None
    case_gist: str | None
    contents: str | None


class CoreReads(Protocol):
    """Read access to core's laws, provisions and decisions for packages that build on them."""

    async def current_laws(self, conn: AsyncConnection, law_ids: Collection[str] | None = None) -> list[CurrentLaw]:
        """Laws with a current revision, by law id (only ``law_ids`` when given)."""
        ...

    async def provisions(self, conn: AsyncConnection, revision_id: int) -> list[ProvisionText]:
        """Every provision of a revision, in document order."""
        ...

    async def case_ids(self, conn: AsyncConnection, lawsuit_ids: Collection[str] | None = None) -> list[str]:
        """Every stored decision's ``lawsuit_id`` (only those given, when given), sorted."""
        ...

    async def case_text(self, conn: AsyncConnection, lawsuit_id: str) -> CaseText | None:
        """A decision's text fields; None when it is not stored."""
        ...


class SqlCoreReads:
    """:class:`CoreReads` over core's tables."""

    async def current_laws(self, conn: AsyncConnection, law_ids: Collection[str] | None = None) -> list[CurrentLaw]:
        """See :meth:`CoreReads.current_laws`."""
        sql = "SELECT law_id, coalesce(title, ''), current_revision_id FROM laws WHERE current_revision_id IS NOT NULL"
        params: dict[str, object] = {}
        if law_ids is not None:
            sql += " AND law_id = ANY(:ids)"
            params["ids"] = list(law_ids)
        rows = (await conn.execute(text(sql + " ORDER BY law_id"), params)).all()
        return [CurrentLaw(r[0], r[1], int(r[2])) for r in rows]

    async def provisions(self, conn: AsyncConnection, revision_id: int) -> list[ProvisionText]:
        """See :meth:`CoreReads.provisions`."""
        rows = await conn.execute(
            text("SELECT path, kind, title, caption, text FROM provisions WHERE revision_id = :r ORDER BY position"),
            {"r": revision_id},
        )
        return [ProvisionText(r[0], r[1], r[2], r[3], r[4] or "") for r in rows]

    async def case_ids(self, conn: AsyncConnection, lawsuit_ids: Collection[str] | None = None) -> list[str]:
        """See :meth:`CoreReads.case_ids`."""
        sql = "SELECT lawsuit_id FROM cases"
        params: dict[str, object] = {}
        if lawsuit_ids is not None:
            sql += " WHERE lawsuit_id = ANY(:ids)"
            params["ids"] = list(lawsuit_ids)
        return [r[0] for r in (await conn.execute(text(sql + " ORDER BY lawsuit_id"), params)).all()]

    async def case_text(self, conn: AsyncConnection, lawsuit_id: str) -> CaseText | None:
        """See :meth:`CoreReads.case_text`."""
        row = (
            await conn.execute(
                text(
                    "SELECT case_name, court_name, date, case_number, gist, case_gist, contents "
                    "FROM cases WHERE lawsuit_id = :id"
                ),
                {"id": lawsuit_id},
            )
        ).first()
        return None if row is None else CaseText(*row)


#: The read port over core's tables (stateless; share it).
CORE_READS: CoreReads = SqlCoreReads()
