"""The read port: what other packages (egov-vector) may read of core's tables, and nothing else.

egov-vector owns its own tables and reaches core data only through :class:`CoreReads`; the SQL lives
here, beside the rest of core's. :class:`SqlCoreReads` is the implementation over a connection from
:class:`~egov_core.store.Database` (or any ``AsyncConnection`` on the store).

Search filters cross the port as SQL conditions on the caller's own rows (columns every searchable table
carries: ``law_id``, ``revision_id``, ``in_suppl``, ``is_current``, ``lawsuit_id``), so a nearest-neighbour
scan filters inside its index walk without joining core's tables; what a hit shows of its law or decision
is read afterwards, for the rows found (:meth:`CoreReads.law_heads`, :meth:`CoreReads.case_heads`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from egov_core.store.cases import CaseFilter, case_where
from egov_core.store.search import ProvisionFilter, provision_conditions

__all__ = [
    "CORE_READS",
    "CaseHead",
    "CaseText",
    "CoreReads",
    "CurrentLaw",
    "LawHead",
    "ProvisionText",
    "SqlCoreReads",
]


@dataclass(frozen=True, slots=True)
class CurrentLaw:
    """A law and its current revision (``laws.current_revision_id``)."""

    law_id: str
    title: str
    revision_id: int


@dataclass(frozen=True, slots=True)
class ProvisionText:
    """One provision of a revision, as text (``provisions`` row): path, kind, heading label, caption, own text."""

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


@dataclass(frozen=True, slots=True)
class LawHead:
    """What a search hit shows of its law (``laws`` row)."""

    law_id: str
    title: str | None
    law_num: str | None
    law_type: str | None


@dataclass(frozen=True, slots=True)
class CaseHead:
    """What a search hit shows of its decision (``cases`` row)."""

    lawsuit_id: str
    case_number: str | None
    case_name: str | None
    court_name: str | None
    trial_type: str | None
    date: date | None


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

    async def provision_filter(self, conn: AsyncConnection, filters: ProvisionFilter, *, alias: str) -> list[str]:
        """SQL conditions on ``alias``'s ``law_id`` / ``revision_id`` / ``in_suppl`` for ``filters`` (core's one
        filter compiler; law types and categories resolved here to constant law ids, so the conditions
        name no core table). Current revisions are not implied: the caller restricts to them itself."""
        ...

    async def law_heads(self, conn: AsyncConnection, law_ids: Collection[str]) -> dict[str, LawHead]:
        """Title, number and type of each law in ``law_ids`` that is stored, by law id."""
        ...

    def case_filter(self, filters: CaseFilter, *, alias: str) -> tuple[list[str], dict[str, Any]]:
        """SQL conditions on ``alias``'s ``lawsuit_id`` for ``filters``, with their bind parameters (none when
        the filter is empty: the caller's rows then need no look at ``cases``)."""
        ...

    async def case_heads(self, conn: AsyncConnection, lawsuit_ids: Collection[str]) -> dict[str, CaseHead]:
        """Number, name, court, trial type and date of each stored decision in ``lawsuit_ids``, by id."""
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

    async def provision_filter(self, conn: AsyncConnection, filters: ProvisionFilter, *, alias: str) -> list[str]:
        """See :meth:`CoreReads.provision_filter`."""
        return await provision_conditions(conn, filters, alias=alias, current=False)

    async def law_heads(self, conn: AsyncConnection, law_ids: Collection[str]) -> dict[str, LawHead]:
        """See :meth:`CoreReads.law_heads`."""
        if not law_ids:
            return {}
        rows = await conn.execute(
            text("SELECT law_id, title, law_num, law_type FROM laws WHERE law_id = ANY(:ids)"), {"ids": list(law_ids)}
        )
        return {r[0]: LawHead(*r) for r in rows}

    def case_filter(self, filters: CaseFilter, *, alias: str) -> tuple[list[str], dict[str, Any]]:
        """See :meth:`CoreReads.case_filter`."""
        clauses, params = case_where(filters)
        if not clauses:
            return [], {}
        # A semi-join keyed on the caller's lawsuit_id: the planner keeps the caller's index order.
        subquery = f"SELECT c.lawsuit_id FROM cases c WHERE {' AND '.join(clauses)}"
        return [f"{alias}.lawsuit_id IN ({subquery})"], params

    async def case_heads(self, conn: AsyncConnection, lawsuit_ids: Collection[str]) -> dict[str, CaseHead]:
        """See :meth:`CoreReads.case_heads`."""
        if not lawsuit_ids:
            return {}
        rows = await conn.execute(
            text(
                "SELECT lawsuit_id, case_number, case_name, court_name, trial_type, date "
                "FROM cases WHERE lawsuit_id = ANY(:ids)"
            ),
            {"ids": list(lawsuit_ids)},
        )
        return {r[0]: CaseHead(*r) for r in rows}


#: The read port over core's tables (stateless; share it).
CORE_READS: CoreReads = SqlCoreReads()
