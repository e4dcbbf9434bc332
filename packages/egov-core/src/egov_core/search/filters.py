"""The one filter compiler: a :class:`LawFilter` or :class:`CaseFilter` becomes SQL conditions.

Every search (Boolean keyword, BM25, vector retrieval) filters through here, so ``category`` means the
same everywhere: the law's e-Gov category (``laws.category``). Law types and categories are first
resolved to the laws they select, and every law filter is then written into the statement as a list of
constant law ids: the planner estimates ``law_id = ANY(ARRAY[…])`` from the column's statistics, so a
narrow filter (one law, the Constitution) is searched through the law index and a wide one (every Act)
through the n-gram or HNSW index. (A bound list would do the same until a prepared statement's generic
plan, which cannot see the list, took over.)

The conditions are on columns that ``search_units`` and ``vector_chunks`` share (``law_id``,
``in_suppl``, ``revision_id``, ``is_current``), under the alias the caller names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from egov_core.errors import InvalidQueryError
from egov_core.search.model import CaseFilter, LawFilter

__all__ = ["and_all", "case_conditions", "law_conditions", "sql_literal"]


def sql_literal(value: str) -> str:
    """``value`` as a SQL string literal (standard_conforming_strings: only quotes are doubled)."""
    if "\x00" in value:
        raise InvalidQueryError("a filter value contains a NUL character")
    return "'" + value.replace("'", "''") + "'"


async def _laws_selected(conn: AsyncConnection, f: LawFilter) -> set[str] | None:
    """The law ids ``f`` allows (None: every law)."""
    wanted: set[str] | None = set(f.law_ids) if f.law_ids is not None else None
    if f.law_types is None and f.categories is None:
        return wanted
    conditions: list[str] = []
    params: dict[str, Any] = {}
    if f.law_types is not None:
        conditions.append("law_type = ANY(:law_types)")
        params["law_types"] = list(f.law_types)
    if f.categories is not None:
        conditions.append("category = ANY(:categories)")
        params["categories"] = list(f.categories)
    if wanted is not None:
        conditions.append("law_id = ANY(:law_ids)")
        params["law_ids"] = sorted(wanted)
    rows = await conn.execute(text(f"SELECT law_id FROM laws WHERE {' AND '.join(conditions)}"), params)
    return {r[0] for r in rows}


async def law_conditions(conn: AsyncConnection, f: LawFilter, *, alias: str, current: bool = True) -> list[str]:
    """SQL conditions on ``alias`` (a ``search_units`` or ``vector_chunks`` row) for ``f``.

    Args:
        conn: where law types and categories are looked up (only when the filter has them).
        f: the filter.
        alias: the table alias the conditions name.
        current: restrict to current revisions when ``f.revision_ids`` is None (``is_current``, kept
            by triggers: cheaper than joining ``laws``).
    """
    where: list[str] = []
    if f.revision_ids is not None:
        where.append(f"{alias}.revision_id = ANY(ARRAY[{', '.join(str(int(r)) for r in f.revision_ids)}]::bigint[])")
    elif current:
        where.append(f"{alias}.is_current")
    laws = await _laws_selected(conn, f)
    if laws is not None:
        where.append(f"{alias}.law_id = ANY(ARRAY[{', '.join(sql_literal(i) for i in sorted(laws))}]::text[])")
    if f.suppl is not None:
        where.append(f"{alias}.in_suppl" if f.suppl else f"NOT {alias}.in_suppl")
    return where


def case_conditions(f: CaseFilter, *, alias: str, params: dict[str, Any]) -> list[str]:
    """SQL conditions on ``alias`` (a ``cases`` row) for ``f``; their values are added to ``params``."""
    where: list[str] = []
    for column, name, values in (("court_name", "courts", f.court_names), ("trial_type", "trial_types", f.trial_types)):
        if values is not None:
            where.append(f"{alias}.{column} = ANY(:{name})")
            params[name] = list(values)
    if f.date_from is not None:
        where.append(f"{alias}.date >= :date_from")
        params["date_from"] = f.date_from
    if f.date_to is not None:
        where.append(f"{alias}.date <= :date_to")
        params["date_to"] = f.date_to
    return where


def and_all(conditions: Sequence[str]) -> str:
    """``conditions`` joined with AND (``TRUE`` for none)."""
    return " AND ".join(conditions) if conditions else "TRUE"
