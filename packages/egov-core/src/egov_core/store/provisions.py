"""Provisions of one stored revision: by path, by article number, children, neighbours, structure."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from egov_core.errors import ProvisionNotFoundError

_COLUMNS = "p.id, p.revision_id, p.path, p.parent_path, p.kind, p.num, p.title, p.caption, p.text, p.position, p.depth"

#: Provision kinds shown in a table of contents (structure without text).
TOC_KINDS = (
    "MainProvision",
    "Part",
    "Chapter",
    "Section",
    "Subsection",
    "Division",
    "Article",
    "SupplProvision",
    "AppdxTable",
    "AppdxNote",
    "AppdxStyle",
    "AppdxFormat",
    "Appdx",
    "AppdxFig",
    "AppdxList",
    "Preamble",
    "EnactStatement",
)


@dataclass(frozen=True, slots=True)
class ProvisionRow:
    """One stored provision (see :class:`egov_core.domain.Provision`)."""

    id: int
    revision_id: int
    path: str
    parent_path: str | None
    kind: str
    num: str | None
    title: str | None
    caption: str | None
    text: str
    position: int
    depth: int


async def get_provision(conn: AsyncConnection, revision_id: int, path: str) -> ProvisionRow:
    """The provision at canonical ``path`` in a revision.

    Raises:
        ProvisionNotFoundError: no such path in that revision.
    """
    row = (
        await conn.execute(
            text(f"SELECT {_COLUMNS} FROM provisions p WHERE p.revision_id = :r AND p.path = :path"),
            {"r": revision_id, "path": path},
        )
    ).first()
    if row is None:
        raise ProvisionNotFoundError(f"no provision at {path!r}")
    return ProvisionRow(**row._mapping)


async def find_article(
    conn: AsyncConnection, revision_id: int, num: str, *, suppl_index: int | None = None
) -> ProvisionRow:
    """An article by its e-Gov number (``709``, ``12_2``) in the MainProvision or the n-th SupplProvision.

    Raises:
        ProvisionNotFoundError: no such article.
    """
    prefix = "MainProvision" if suppl_index is None else f"SupplProvision[{suppl_index}]"
    return await get_provision(conn, revision_id, f"{prefix}-Article_{num}")


async def get_subtree(conn: AsyncConnection, revision_id: int, path: str) -> list[ProvisionRow]:
    """The provision at ``path`` and all its descendants, in document order."""
    rows = await conn.execute(
        text(
            "WITH s AS (SELECT position, depth FROM provisions WHERE revision_id = :r AND path = :path), "
            "e AS (SELECT coalesce(min(q.position), 2147483647) AS stop FROM provisions q, s "
            "      WHERE q.revision_id = :r AND q.position > s.position AND q.depth <= s.depth) "
            f"SELECT {_COLUMNS} FROM provisions p, s, e WHERE p.revision_id = :r "
            "AND p.position >= s.position AND p.position < e.stop ORDER BY p.position"
        ),
        {"r": revision_id, "path": path},
    )
    out = [ProvisionRow(**r._mapping) for r in rows]
    if not out:
        raise ProvisionNotFoundError(f"no provision at {path!r}")
    return out


async def get_children(conn: AsyncConnection, revision_id: int, path: str) -> list[ProvisionRow]:
    """Direct children of the provision at ``path``, in document order."""
    rows = await conn.execute(
        text(
            f"SELECT {_COLUMNS} FROM provisions p WHERE p.revision_id = :r AND p.parent_path = :path ORDER BY p.position"
        ),
        {"r": revision_id, "path": path},
    )
    return [ProvisionRow(**r._mapping) for r in rows]


async def get_neighbours(
    conn: AsyncConnection, row: ProvisionRow
) -> tuple[ProvisionRow | None, ProvisionRow | None, ProvisionRow | None]:
    """(parent, previous, next) of a provision: previous/next are the nearest provisions of the same kind
    in document order within the same revision (the previous and next article of an article, even
    across chapters), parent is the enclosing provision. One round trip."""
    scope = "AND p.parent_path IS NOT DISTINCT FROM :pp" if row.kind not in ("Article",) else ""
    rows = await conn.execute(
        text(
            f"SELECT 0 AS role, {_COLUMNS} FROM provisions p WHERE p.revision_id = :r AND p.path = :pp "
            f"UNION ALL (SELECT 1, {_COLUMNS} FROM provisions p WHERE p.revision_id = :r AND p.kind = :kind "
            f"AND p.position < :pos {scope} ORDER BY p.position DESC LIMIT 1) "
            f"UNION ALL (SELECT 2, {_COLUMNS} FROM provisions p WHERE p.revision_id = :r AND p.kind = :kind "
            f"AND p.position > :pos {scope} ORDER BY p.position LIMIT 1)"
        ),
        {"r": row.revision_id, "kind": row.kind, "pos": row.position, "pp": row.parent_path},
    )
    found: dict[int, ProvisionRow] = {}
    for r in rows:
        m = dict(r._mapping)
        role = int(m.pop("role"))
        found[role] = ProvisionRow(**m)
    prev, nxt = found.get(1), found.get(2)
    if row.kind == "Article":
        # Articles of the main provision and of a 附則 are separate sequences.
        prefix = row.path.split("-", 1)[0]
        prev = prev if prev is not None and prev.path.split("-", 1)[0] == prefix else None
        nxt = nxt if nxt is not None and nxt.path.split("-", 1)[0] == prefix else None
    return found.get(0), prev, nxt


async def get_toc(conn: AsyncConnection, revision_id: int) -> list[ProvisionRow]:
    """Structure of a revision without text bodies: divisions, articles, 附則 and appendices in order."""
    rows = await conn.execute(
        text(
            "SELECT p.id, p.revision_id, p.path, p.parent_path, p.kind, p.num, p.title, p.caption, '' AS text, "
            "p.position, p.depth FROM provisions p WHERE p.revision_id = :r AND p.kind = ANY(:kinds) ORDER BY p.position"
        ),
        {"r": revision_id, "kinds": list(TOC_KINDS)},
    )
    return [ProvisionRow(**r._mapping) for r in rows]
