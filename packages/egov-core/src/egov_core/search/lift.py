"""Queries that name a provision (「借地借家法第三十二条」, 「民法709条 損害賠償」): lift it to the top.

The citation is resolved, its text is taken out of the keyword terms, and the cited provision's unit is
put first (``cited=True``): the citations are a ranking of their own, ahead of every other. Every search
shares :func:`cited_in_query`, :func:`cited_units` and :func:`lift_cited`, so a cited provision is
lifted the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from sqlalchemy.ext.asyncio import AsyncConnection

from egov_core.citations import (
    LawDirectory,
    Resolution,
    ResolutionStatus,
    SqlLawDirectory,
    find_citations,
    resolve_parts,
)
from egov_core.search._sql import connection
from egov_core.search.keyword import unit_hit
from egov_core.search.model import ANY_PROVISION, Hit, ProvisionFilter
from egov_core.store import search as sql
from egov_core.store.database import ReadSource

__all__ = ["CitedQuery", "cited_in_query", "cited_units", "directory_for", "lift_cited"]

_DIRECTORIES: WeakKeyDictionary[ReadSource, SqlLawDirectory] = WeakKeyDictionary()


def directory_for(engine: ReadSource) -> SqlLawDirectory:
    """One :class:`SqlLawDirectory` per engine or read source (its name index is loaded once and kept fresh)."""
    if engine not in _DIRECTORIES:
        _DIRECTORIES[engine] = SqlLawDirectory(engine)
    return _DIRECTORIES[engine]


@dataclass(frozen=True, slots=True)
class CitedQuery:
    """A query split into the provisions it cites and the rest.

    Attributes:
        resolutions: resolved citations that name a provision, in query order.
        remaining: the query with those citations blanked out (may hold no term at all).
    """

    resolutions: tuple[Resolution, ...]
    remaining: str


async def cited_in_query(query: str, directory: LawDirectory) -> CitedQuery:
    """Find and resolve the citations in ``query``; blank out those that resolved to a provision."""
    matches = find_citations(query, names=await directory.name_table())
    resolved: list[Resolution] = []
    chars = list(query)
    previous: Resolution | None = None
    for m in matches:
        res = await resolve_parts(m.parts, directory=directory, previous=previous)
        if res.law_id:
            previous = res
        if res.status is ResolutionStatus.RESOLVED and res.path:
            resolved.append(res)
            chars[m.start : m.end] = [" "] * (m.end - m.start)
    return CitedQuery(tuple(resolved), "".join(chars))


def lift_cited(hits: Sequence[Hit], cited: Sequence[Hit]) -> list[Hit]:
    """``cited`` first (marked ``cited``; a ranked hit of the same unit is used in its place), then the rest.

    Works for every search (keyword, ranked, semantic, hybrid), so a cited provision is lifted the same way
    everywhere.

    Args:
        hits: ranked hits.
        cited: hits of the provisions the query cites, in citation order (from :func:`cited_units`).
    """
    if not cited:
        return list(hits)
    by_key = {h.key: h for h in hits}
    front: list[Hit] = []
    taken: set[tuple[str, str]] = set()
    for c in cited:
        if c.key in taken:
            continue
        taken.add(c.key)
        front.append(by_key.get(c.key, c).as_cited())
    return [*front, *(h for h in hits if h.key not in taken)]


async def cited_units(
    conn_or_engine: AsyncConnection | ReadSource,
    resolutions: Sequence[Resolution],
    terms: Sequence[str] = (),
    *,
    filters: ProvisionFilter = ANY_PROVISION,
) -> list[Hit]:
    """The search unit containing each resolved provision (current revision, or ``filters.revision_ids``),
    as hits flagged ``cited``; a provision the filters exclude is left out."""
    out: list[Hit] = []
    seen: set[tuple[str, str]] = set()
    async with connection(conn_or_engine) as conn:
        conditions = await sql.provision_conditions(conn, filters, alias="su")
        for res in resolutions:
            if not (res.law_id and res.path):
                continue
            row = await sql.cited_unit(conn, res.law_id, res.path, conditions)
            if row is None or (row.law_id, row.path) in seen:
                continue
            seen.add((row.law_id, row.path))
            out.append(unit_hit(row, tuple(terms), cited=True))
    return out
