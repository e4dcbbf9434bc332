"""Queries that name a provision (「借地借家法第三十二条」, 「民法709条 損害賠償」): lift it to the top.

The citation is resolved, its text is taken out of the keyword terms, and the cited provision's unit is
put first (``cited=True``). Keyword, semantic and hybrid search share :func:`cited_in_query` and
:func:`lift_cited`, so a cited provision is lifted the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from egov_core.citations import (
    LawDirectory,
    Resolution,
    ResolutionStatus,
    SqlLawDirectory,
    find_citations,
    resolve_parts,
)
from egov_core.errors import InvalidQueryError
from egov_core.search._sql import check_page, connection
from egov_core.search.keyword import SearchHit, SearchPage, search_parsed, with_cited
from egov_core.text.query import MAX_QUERY_LENGTH, parse_query
from egov_core.text.snippets import make_snippet

__all__ = ["CitedQuery", "cited_in_query", "cited_units", "directory_for", "lift_cited", "search_with_citations"]

T = TypeVar("T")

_DIRECTORIES: WeakKeyDictionary[AsyncEngine, SqlLawDirectory] = WeakKeyDictionary()


def directory_for(engine: AsyncEngine) -> SqlLawDirectory:
    """One :class:`SqlLawDirectory` per engine (its name index is loaded once and kept fresh)."""
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


def _covers(unit_path: str, cited_path: str) -> bool:
    """A unit covers a cited provision when the provision is the unit or inside it (Article_709 ⊃ …-Paragraph_1)."""
    return cited_path == unit_path or cited_path.startswith(unit_path + "-")


def lift_cited(
    hits: Sequence[T],
    resolutions: Sequence[Resolution],
    *,
    key: Callable[[T], tuple[str, str]],
    mark: Callable[[T], T],
    missing: Sequence[T] = (),
) -> list[T]:
    """Hits covering the cited provisions first (marked, in citation order), then the other hits in their order.

    Works for any hit shape (keyword, semantic, hybrid): ``key`` gives a hit's (law_id, unit path).

    Args:
        hits: ranked hits.
        resolutions: resolved citations of the query (:attr:`CitedQuery.resolutions`).
        key: (law_id, path) of a hit.
        mark: the hit flagged as cited.
        missing: hits to use for cited provisions that ``hits`` lacks (e.g. from :func:`cited_units`).
    """
    front: list[T] = []
    taken: set[int] = set()
    for res in resolutions:
        if not (res.law_id and res.path):
            continue
        for pool, offset in ((hits, 0), (missing, len(hits))):
            found = next(
                (
                    i
                    for i, h in enumerate(pool)
                    if i + offset not in taken and key(h)[0] == res.law_id and _covers(key(h)[1], res.path)
                ),
                None,
            )
            if found is not None:
                taken.add(found + offset)
                front.append(mark(pool[found]))
                break
    return [*front, *(h for i, h in enumerate(hits) if i not in taken)]


async def cited_units(
    conn_or_engine: AsyncConnection | AsyncEngine, resolutions: Sequence[Resolution], terms: Sequence[str] = ()
) -> list[SearchHit]:
    """The search unit (current revision) containing each resolved provision, as hits flagged ``cited``."""
    out: list[SearchHit] = []
    seen: set[tuple[str, str]] = set()
    async with connection(conn_or_engine) as conn:
        for res in resolutions:
            if not (res.law_id and res.path):
                continue
            row = (
                await conn.execute(
                    text(
                        "SELECT su.law_id, l.title AS law_title, l.law_num, su.law_type, su.revision_id, su.path, "
                        "su.seq, su.in_suppl, su.caption, su.title, su.text FROM search_units su "
                        "JOIN laws l ON l.current_revision_id = su.revision_id "
                        "WHERE su.law_id = :law_id AND (su.path = :path OR :path LIKE su.path || '-%') "
                        "ORDER BY length(su.path) DESC, su.seq LIMIT 1"
                    ),
                    {"law_id": res.law_id, "path": res.path},
                )
            ).first()
            if row is None or (row.law_id, row.path) in seen:
                continue
            seen.add((row.law_id, row.path))
            out.append(_hit(row, terms))
    return out


def _hit(row: Any, terms: Sequence[str]) -> SearchHit:
    return SearchHit(
        law_id=row.law_id,
        law_title=row.law_title,
        law_num=row.law_num,
        law_type=row.law_type,
        revision_id=row.revision_id,
        path=row.path,
        seq=row.seq,
        in_suppl=row.in_suppl,
        caption=row.caption,
        title=row.title,
        score=0.0,
        snippet=make_snippet(row.text, terms),
        cited=True,
    )


async def search_with_citations(
    engine: AsyncEngine,
    query: str,
    *,
    directory: LawDirectory | None = None,
    limit: int = 20,
    offset: int = 0,
    max_query_length: int = MAX_QUERY_LENGTH,
    **filters: Any,
) -> SearchPage:
    """Keyword search that lifts the provisions the query cites to the top of the first page.

    「民法709条 損害賠償」 returns 民法第七百九条 first (``cited=True``), then the hits for 損害賠償.
    A query that is nothing but a citation returns just the cited provision(s).

    Args:
        engine: the store.
        query: the user query.
        directory: law lookup for resolving citations (default: one per engine, see :func:`directory_for`).
        limit / offset: the page; cited provisions are added on the first page only.
        max_query_length: longest accepted query.
        **filters: ``law_ids``, ``law_types``, ``categories``, ``suppl``, ``revision_ids`` as for
            :func:`egov_core.search.search_provisions`.

    Raises:
        InvalidQueryError: malformed query or page.
    """
    check_page(limit, offset)
    if len(query) > max_query_length:
        raise InvalidQueryError(f"query is {len(query)} characters; at most {max_query_length} are allowed")
    cited = await cited_in_query(query, directory or directory_for(engine))
    if not cited.resolutions:
        parsed = parse_query(query, max_length=max_query_length)
    else:
        try:
            parsed = parse_query(cited.remaining, max_length=max_query_length)
        except InvalidQueryError:
            parsed = None  # the query was only the citation
    terms = parsed.positive_terms if parsed else ()
    # One connection for the rest, taken only now: the directory above takes its own, and holding one
    # while waiting for another deadlocks the pool under load.
    async with connection(engine) as conn:
        lifted = await cited_units(conn, cited.resolutions, terms) if offset == 0 and cited.resolutions else []
        if parsed is None:
            return SearchPage(total=len(lifted), hits=tuple(lifted[:limit]), terms=())
        page = await search_parsed(conn, parsed, limit=limit, offset=offset, **filters)
    key = _hit_key
    hits = lift_cited(page.hits, cited.resolutions if offset == 0 else (), key=key, mark=with_cited, missing=lifted)
    extra = len(hits) - len(page.hits)  # cited provisions that the keyword query itself did not find
    return SearchPage(total=page.total + extra, hits=tuple(hits[:limit]), terms=terms, total_exact=page.total_exact)


def _hit_key(hit: SearchHit) -> tuple[str, str]:
    return hit.law_id, hit.path
