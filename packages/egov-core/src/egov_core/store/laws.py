"""Laws and their revisions: listing with filters, one law, the revision in force on a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from egov_core.errors import InvalidQueryError, LawNotFoundError, RevisionNotFoundError
from egov_core.store._where import add_conditions

_LAW_COLUMNS = (
    "l.law_id, l.law_num, l.title, l.title_kana, l.abbrev, l.law_type, l.era, l.year, l.num, "
    "l.promulgation_date, l.category, l.current_revision_id"
)

#: Sort keys a client may ask for, mapped to SQL (never interpolate user input).
SORTS: dict[str, str] = {
    "law_id": "l.law_id",
    "title": "l.title",
    "promulgation_date": "l.promulgation_date",
    "law_num": "l.era, l.year, l.num",
}


@dataclass(frozen=True, slots=True)
class LawRow:
    """One law's metadata as stored (fields as in :class:`egov_core.domain.LawMetadata`)."""

    law_id: str
    law_num: str | None
    title: str
    title_kana: str | None
    abbrev: str | None
    law_type: str | None
    era: str | None
    year: int | None
    num: str | None
    promulgation_date: date | None
    category: str | None
    current_revision_id: int | None


@dataclass(frozen=True, slots=True)
class RevisionRow:
    """One stored revision of a law."""

    id: int
    law_id: str
    law_revision_id: str
    enforcement_date: date | None
    amendment_law_id: str | None
    status: str | None
    title: str | None
    law_num: str | None
    checksum: str
    is_current: bool
    #: The law's current title (``laws.title``; ``title`` is this revision's own).
    law_title: str | None = None


@dataclass(frozen=True, slots=True)
class LawFilter:
    """Filters of the law list. Every field is optional; they combine with AND.

    Attributes:
        law_types: e-Gov LawType values (Act, CabinetOrder …).
        categories: e-Gov categories (分野).
        era: Meiji … Reiwa.
        year: year within the era.
        num: number within (era, year, type), compared without leading zeros.
        promulgated_from / promulgated_to: inclusive promulgation date range.
        title: substring of the title (or of e-Gov's abbreviation).
        law_ids: restrict to these ids (used for abbreviation look-ups).
    """

    law_types: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    era: str | None = None
    year: int | None = None
    num: str | None = None
    promulgated_from: date | None = None
    promulgated_to: date | None = None
    title: str | None = None
    law_ids: tuple[str, ...] | None = None


def _law_where(f: LawFilter) -> tuple[str, dict[str, Any]]:
    clauses: list[str] = []
    params: dict[str, Any] = {}
    title = "(strpos(l.title, :title) > 0 OR strpos(coalesce(l.abbrev, ''), :title) > 0)"
    add_conditions(
        clauses,
        params,
        [
            ("l.law_type = ANY(:law_types)", "law_types", f.law_types),
            ("l.category = ANY(:categories)", "categories", f.categories),
            ("l.era = :era", "era", f.era),
            ("l.year = :year", "year", f.year),
            ("ltrim(l.num, '0') = ltrim(:num, '0')", "num", f.num),
            ("l.promulgation_date >= :pfrom", "pfrom", f.promulgated_from),
            ("l.promulgation_date <= :pto", "pto", f.promulgated_to),
            (title, "title", f.title),
        ],
    )
    if f.law_ids is not None:  # an empty list selects no law
        clauses.append("l.law_id = ANY(:law_ids)")
        params["law_ids"] = list(f.law_ids)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


async def list_laws(
    conn: AsyncConnection,
    flt: LawFilter,
    *,
    sort: str = "law_id",
    descending: bool = False,
    limit: int = 20,
    offset: int = 0,
) -> tuple[list[LawRow], int]:
    """One page of laws matching ``flt`` and the total count.

    Raises:
        InvalidQueryError: unknown sort key.
    """
    if sort not in SORTS:
        raise InvalidQueryError(f"unknown sort key {sort!r}; use one of {', '.join(SORTS)}")
    where, params = _law_where(flt)
    direction = "DESC" if descending else "ASC"
    order = ", ".join(f"{c.strip()} {direction} NULLS LAST" for c in SORTS[sort].split(","))
    rows = await conn.execute(
        text(
            f"SELECT {_LAW_COLUMNS}, count(*) OVER () AS total FROM laws l{where} "
            f"ORDER BY {order}, l.law_id LIMIT :limit OFFSET :offset"
        ),
        {**params, "limit": limit, "offset": offset},
    )
    items = [r._mapping for r in rows]
    if items:
        total = int(items[0]["total"])
    else:
        total = int((await conn.execute(text(f"SELECT count(*) FROM laws l{where}"), params)).scalar_one())
    return [LawRow(**{k: v for k, v in m.items() if k != "total"}) for m in items], total


async def get_law(conn: AsyncConnection, law_id: str) -> LawRow:
    """One law by its e-Gov 法令ID.

    Raises:
        LawNotFoundError: no such law in the store.
    """
    row = (await conn.execute(text(f"SELECT {_LAW_COLUMNS} FROM laws l WHERE l.law_id = :id"), {"id": law_id})).first()
    if row is None:
        raise LawNotFoundError(f"no law with law_id {law_id!r}")
    return LawRow(**row._mapping)


_REV_COLUMNS = (
    "r.id, r.law_id, r.law_revision_id, r.enforcement_date, r.amendment_law_id, r.status, r.title, r.law_num, "
    "r.checksum, (r.id = l.current_revision_id) AS is_current, l.title AS law_title"
)


async def list_revisions(conn: AsyncConnection, law_id: str) -> list[RevisionRow]:
    """Every stored revision of a law, newest first.

    Raises:
        LawNotFoundError: no such law.
    """
    await get_law(conn, law_id)
    rows = await conn.execute(
        text(
            f"SELECT {_REV_COLUMNS} FROM law_revisions r JOIN laws l USING (law_id) WHERE r.law_id = :id "
            "ORDER BY r.enforcement_date DESC NULLS LAST, r.law_revision_id DESC"
        ),
        {"id": law_id},
    )
    return [RevisionRow(**r._mapping) for r in rows]


async def resolve_revision(
    conn: AsyncConnection, law_id: str, *, asof: date | None = None, revision_id: str | None = None
) -> RevisionRow:
    """The revision to read: an explicit ``revision_id``, the one in force on ``asof``, or the current one.

    In force on a date = the revision with the latest enforcement date not after it (revisions without a
    known enforcement date count as in force, ranked below dated ones).

    Raises:
        LawNotFoundError: no such law.
        RevisionNotFoundError: the revision id is not this law's, or nothing was in force on ``asof``.
    """
    if revision_id is None and asof is None:
        # The common read, in one round trip; the law is looked up only to tell why nothing came back.
        row = (
            await conn.execute(
                text(
                    f"SELECT {_REV_COLUMNS} FROM laws l JOIN law_revisions r ON r.id = l.current_revision_id "
                    "WHERE l.law_id = :id"
                ),
                {"id": law_id},
            )
        ).first()
        if row is not None:
            return RevisionRow(**row._mapping)
    law = await get_law(conn, law_id)
    if revision_id is not None:
        row = (
            await conn.execute(
                text(
                    f"SELECT {_REV_COLUMNS} FROM law_revisions r JOIN laws l USING (law_id) "
                    "WHERE r.law_id = :id AND r.law_revision_id = :rev"
                ),
                {"id": law_id, "rev": revision_id},
            )
        ).first()
        if row is None:
            raise RevisionNotFoundError(f"law {law_id} has no revision {revision_id!r}")
        return RevisionRow(**row._mapping)
    params: dict[str, Any]
    if asof is None:
        if law.current_revision_id is None:
            raise RevisionNotFoundError(f"law {law_id} has no revision in the store")
        cond, params = "r.id = :rid", {"rid": law.current_revision_id}
    else:
        cond, params = "(r.enforcement_date IS NULL OR r.enforcement_date <= :asof)", {"asof": asof}
    row = (
        await conn.execute(
            text(
                f"SELECT {_REV_COLUMNS} FROM law_revisions r JOIN laws l USING (law_id) "
                f"WHERE r.law_id = :id AND {cond} "
                "ORDER BY r.enforcement_date DESC NULLS LAST, r.law_revision_id DESC LIMIT 1"
            ),
            {"id": law_id, **params},
        )
    ).first()
    if row is None:
        raise RevisionNotFoundError(f"law {law_id} had no revision in force on {asof}")
    return RevisionRow(**row._mapping)


async def revisions_in_force(conn: AsyncConnection, asof: date, law_ids: list[str] | None = None) -> list[int]:
    """Stored revision ids (``law_revisions.id``) in force on ``asof``: one per law that had one then."""
    cond = " AND law_id = ANY(:law_ids)" if law_ids else ""
    rows = await conn.execute(
        text(
            "SELECT DISTINCT ON (law_id) id FROM law_revisions "
            f"WHERE (enforcement_date IS NULL OR enforcement_date <= :asof){cond} "
            "ORDER BY law_id, enforcement_date DESC NULLS LAST, law_revision_id DESC"
        ),
        {"asof": asof, "law_ids": law_ids},
    )
    return [int(r[0]) for r in rows]


async def law_ids_named(conn: AsyncConnection, titles: list[str], abbrev: str) -> list[str]:
    """Ids of the laws whose title is one of ``titles`` or whose e-Gov abbreviations (comma-separated in
    ``laws.abbrev``) include ``abbrev`` (already normalised)."""
    rows = await conn.execute(
        text(
            "SELECT law_id FROM laws WHERE title = ANY(:titles) "
            "OR (abbrev IS NOT NULL AND :abbrev = ANY(string_to_array(abbrev, ',')))"
        ),
        {"titles": titles, "abbrev": abbrev},
    )
    return [r[0] for r in rows]


async def has_laws(conn: AsyncConnection) -> bool:
    """True when the store holds at least one law."""
    return bool((await conn.execute(text("SELECT EXISTS (SELECT 1 FROM laws)"))).scalar_one())


async def all_law_ids(conn: AsyncConnection) -> list[str]:
    """Every stored law id, sorted."""
    return [str(v) for v in (await conn.execute(text("SELECT law_id FROM laws ORDER BY law_id"))).scalars()]


async def stored_revisions(
    conn: AsyncConnection, law_revision_ids: list[str], checksums: list[str], parser_version: int
) -> tuple[set[str], set[str]]:
    """Which of these revision ids are stored, and which of these checksums are stored by ``parser_version``.

    A checksum stored by an older parser version is not reported: those bytes are to be parsed again.
    """
    rows = (
        await conn.execute(
            text(
                "SELECT law_revision_id, checksum, parser_version = :v FROM law_revisions "
                "WHERE law_revision_id = ANY(:ids) OR checksum = ANY(:sums)"
            ),
            {"ids": law_revision_ids, "sums": checksums, "v": parser_version},
        )
    ).all()
    return {str(r[0]) for r in rows}, {str(r[1]) for r in rows if r[2]}
