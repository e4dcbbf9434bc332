"""Provisions of one stored revision: by path, by article number, children, neighbours, structure."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from egov_core.domain.provision import APPENDIX_KINDS, DIVISION_KINDS
from egov_core.errors import ProvisionNotFoundError
from egov_core.store._driver import fetch
from egov_core.store.laws import RevisionRow

_COLUMNS = "p.id, p.revision_id, p.path, p.parent_path, p.kind, p.num, p.title, p.caption, p.text, p.position, p.depth"

#: Provision kinds shown in a table of contents (structure without text).
TOC_KINDS = (
    "MainProvision",
    *DIVISION_KINDS,
    "Article",
    "SupplProvision",
    *APPENDIX_KINDS,
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


@dataclass(frozen=True, slots=True)
class ProvisionContext:
    """A provision of a law's current revision with everything its view shows, read in one statement.

    Attributes:
        revision: the law's current revision.
        subtree: the provision and its descendants, in document order (the provision first).
        parent, previous, next: as :func:`get_neighbours` gives them.
    """

    revision: RevisionRow
    subtree: list[ProvisionRow]
    parent: ProvisionRow | None
    previous: ProvisionRow | None
    next: ProvisionRow | None


_P = "p.id, p.revision_id, p.path, p.parent_path, p.kind, p.num, p.title, p.caption, p.text, p.position, p.depth"
# The article GET's three questions (current revision, subtree, neighbours: get_subtree's and get_neighbours'
# answers) in one statement. Every bound is a scalar subquery over one row, so its outer values are constants
# to the planner and each walk of (revision_id, position) stops at its first match, also in the generic plan
# of the prepared statement. ``kind || ''`` keeps the planner off the (revision_id, kind, num) index for
# previous / next: it would read every provision of that kind in the revision and sort them (0.2 ms and ~35
# buffers for 民法第七百九条 this way, ~5 ms and ~1,000 buffers that way). A non-article's previous / next is
# a sibling: its walk is bounded by the parent's position and the parent's end (pstop).
# Rows: 0 the subtree in document order, 1 the parent, 2 previous, 3 next; each carries the revision.
_CONTEXT_SQL = f"""
WITH s AS MATERIALIZED (
  SELECT r.id AS rid, r.law_id, r.law_revision_id, r.enforcement_date, r.amendment_law_id, r.status, r.title AS rtitle,
         r.law_num, r.checksum, l.title AS law_title, p.position AS pos, p.depth AS dep, p.kind AS k,
         p.parent_path AS pp, par.id AS par_id,
         CASE WHEN p.kind = 'Article' THEN -1 ELSE coalesce(par.position, -1) END AS low,
         coalesce((SELECT q.position FROM provisions q WHERE q.revision_id = r.id AND q.position > p.position
                   AND q.depth <= p.depth ORDER BY q.position LIMIT 1), 2147483647) AS stop,
         CASE WHEN p.kind = 'Article' THEN 2147483647 ELSE
           coalesce((SELECT q.position FROM provisions q WHERE q.revision_id = r.id AND q.position > p.position
                     AND q.depth < p.depth ORDER BY q.position LIMIT 1), 2147483647) END AS high
  FROM laws l JOIN law_revisions r ON r.id = l.current_revision_id
  JOIN provisions p ON p.revision_id = r.id AND p.path = $2
  LEFT JOIN provisions par ON par.revision_id = r.id AND par.path = p.parent_path
  WHERE l.law_id = $1),
t AS MATERIALIZED (
  SELECT s.*,
         (SELECT q.id FROM provisions q WHERE q.revision_id = s.rid AND q.position < s.pos AND q.position > s.low
          AND q.kind || '' = s.k AND (s.k = 'Article' OR q.parent_path IS NOT DISTINCT FROM s.pp)
          ORDER BY q.position DESC LIMIT 1) AS prev_id,
         (SELECT q.id FROM provisions q WHERE q.revision_id = s.rid AND q.position > s.pos AND q.position < s.high
          AND q.kind || '' = s.k AND (s.k = 'Article' OR q.parent_path IS NOT DISTINCT FROM s.pp)
          ORDER BY q.position LIMIT 1) AS next_id
  FROM s)
SELECT role, {_P}, t.rid, t.law_id, t.law_revision_id, t.enforcement_date, t.amendment_law_id, t.status, t.rtitle,
       t.law_num, t.checksum, t.law_title
FROM t, LATERAL (
  SELECT 0 AS role, p.id FROM provisions p WHERE p.revision_id = t.rid AND p.position >= t.pos AND p.position < t.stop
  UNION ALL SELECT 1, t.par_id WHERE t.par_id IS NOT NULL
  UNION ALL SELECT 2, t.prev_id WHERE t.prev_id IS NOT NULL
  UNION ALL SELECT 3, t.next_id WHERE t.next_id IS NOT NULL) f
JOIN provisions p ON p.id = f.id
ORDER BY role, p.position
"""


async def current_provision_context(conn: AsyncConnection, law_id: str, path: str) -> ProvisionContext | None:
    """The provision at canonical ``path`` of the law's current revision, with its revision, subtree and
    neighbours, in one round trip (the uncached article and provision GETs).

    Returns:
        None when the law, its current revision or the provision does not exist: ask
        :func:`~egov_core.store.resolve_revision` and :func:`get_subtree`, whose errors say which.
    """
    records = await fetch(conn, _CONTEXT_SQL, law_id, path)
    if not records:
        return None
    first = records[0]
    revision = RevisionRow(
        id=first[12],
        law_id=first[13],
        law_revision_id=first[14],
        enforcement_date=first[15],
        amendment_law_id=first[16],
        status=first[17],
        title=first[18],
        law_num=first[19],
        checksum=first[20],
        is_current=True,
        law_title=first[21],
    )
    subtree: list[ProvisionRow] = []
    others: dict[int, ProvisionRow] = {}
    for rec in records:
        row = ProvisionRow(*rec[1:12])
        if rec[0] == 0:
            subtree.append(row)
        else:
            others[rec[0]] = row
    if not subtree or subtree[0].path != path:
        return None
    prev, nxt = others.get(2), others.get(3)
    if subtree[0].kind == "Article":
        # Articles of the main provision and of a 附則 are separate sequences.
        prefix = path.split("-", 1)[0]
        prev = prev if prev is not None and prev.path.split("-", 1)[0] == prefix else None
        nxt = nxt if nxt is not None and nxt.path.split("-", 1)[0] == prefix else None
    return ProvisionContext(revision, subtree, others.get(1), prev, nxt)


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
