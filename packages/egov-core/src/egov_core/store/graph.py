"""The statute citation graph as stored (table ``citation_edges``, migration 0005): writing a revision's
edges, a provision's outgoing references, what cites a provision (statutes and court decisions), and a
law's degree."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from egov_core.domain.provision import DIVISION_KINDS

if TYPE_CHECKING:  # the graph's model imports the citation resolver, which reads through the store
    from egov_core.graph import CitationEdge

_DIVISION_LIST = ", ".join(f"'{k}'" for k in DIVISION_KINDS)

__all__ = [
    "CitedByRow",
    "EdgeRow",
    "LawDegree",
    "OutlineRow",
    "StepRow",
    "citation_steps",
    "cited_by",
    "current_outline",
    "law_degree",
    "laws_without_graph",
    "link_delegations",
    "outgoing_edges",
    "reference_members",
    "replace_edges",
    "revision_outline",
    "revision_texts",
    "revisions_without_graph",
]


@dataclass(frozen=True, slots=True)
class EdgeRow:
    """One stored reference of a provision, in text order."""

    path: str
    kind: str
    raw: str
    status: str
    target_law_id: str | None
    target_title: str | None
    target_path: str | None
    target_end_path: str | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class CitedByRow:
    """Something that cites a provision: a provision of a law's current revision, or a court decision.

    ``source`` is ``statute`` (``law_id`` / ``law_revision_id`` / ``path`` set) or ``decision``
    (``lawsuit_id`` set, ``law_id`` None); ``raw`` is the reference as written.
    """

    source: str
    kind: str
    raw: str
    target_path: str | None
    law_id: str | None
    title: str | None
    law_revision_id: str | None
    path: str | None
    lawsuit_id: str | None


@dataclass(frozen=True, slots=True)
class LawDegree:
    """A law's place in the graph (its current revision's references out, other laws' current ones in)."""

    out_edges: int
    out_resolved: int
    out_laws: int
    delegations: int
    in_edges: int
    in_laws: int
    in_decisions: int


async def revisions_without_graph(
    conn: AsyncConnection, *, limit: int, law_ids: Sequence[str] | None = None
) -> list[tuple[int, str, str]]:
    """Up to ``limit`` revisions whose graph is not built yet (of ``law_ids`` when given): (pk, law_id,
    title), current ones first."""
    only = " AND r.law_id = ANY(:ids)" if law_ids is not None else ""
    rows = await conn.execute(
        text(
            "SELECT r.id, r.law_id, r.title FROM law_revisions r LEFT JOIN laws l ON l.current_revision_id = r.id "
            f"WHERE r.citation_count IS NULL{only} ORDER BY (l.law_id IS NULL), r.id LIMIT :n"
        ),
        {"n": limit, "ids": list(law_ids or ())},
    )
    return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]


async def laws_without_graph(conn: AsyncConnection, *, law_ids: Sequence[str] | None = None) -> list[str]:
    """The laws (of ``law_ids`` when given) with a revision whose graph is not built yet, by law id."""
    only = " AND law_id = ANY(:ids)" if law_ids is not None else ""
    rows = await conn.execute(
        text(f"SELECT DISTINCT law_id FROM law_revisions WHERE citation_count IS NULL{only} ORDER BY law_id"),
        {"ids": list(law_ids or ())},
    )
    return [str(r[0]) for r in rows]


async def revision_texts(conn: AsyncConnection, revision_pk: int) -> list[tuple[str, str]]:
    """Every provision of a revision with text, as (path, text) in document order."""
    rows = await conn.execute(
        text("SELECT path, text FROM provisions WHERE revision_id = :r AND text <> '' ORDER BY position"),
        {"r": revision_pk},
    )
    return [(str(r[0]), str(r[1])) for r in rows]


@dataclass(frozen=True, slots=True)
class OutlineRow:
    """A provision's place in a revision, without its text: what the graph build resolves against."""

    path: str
    kind: str
    parent_path: str | None
    position: int


_OUTLINE = "SELECT p.path, p.kind, p.parent_path, p.position FROM provisions p"


async def revision_outline(conn: AsyncConnection, revision_pk: int) -> list[OutlineRow]:
    """Every provision of a revision (path, kind, parent, position), in document order."""
    rows = await conn.execute(text(f"{_OUTLINE} WHERE p.revision_id = :r ORDER BY p.position"), {"r": revision_pk})
    return [OutlineRow(str(r[0]), str(r[1]), r[2], int(r[3])) for r in rows]


async def current_outline(conn: AsyncConnection, law_id: str) -> list[OutlineRow]:
    """Every provision of the law's current revision (path, kind, parent, position), in document order; empty
    when the law is not stored."""
    rows = await conn.execute(
        text(
            f"{_OUTLINE} JOIN laws l ON p.revision_id = l.current_revision_id WHERE l.law_id = :law ORDER BY p.position"
        ),
        {"law": law_id},
    )
    return [OutlineRow(str(r[0]), str(r[1]), r[2], int(r[3])) for r in rows]


async def replace_edges(conn: AsyncConnection, revision_pk: int, edges: Sequence[CitationEdge]) -> None:
    """Store ``edges`` as the revision's graph (replacing any earlier one) and record their count."""
    await conn.execute(text("DELETE FROM citation_edges WHERE revision_id = :r"), {"r": revision_pk})
    if edges:
        # One statement of column arrays, not one row per round trip: a revision holds up to tens of thousands.
        await conn.execute(
            text(
                "INSERT INTO citation_edges (revision_id, seq, path, kind, raw, status, target_law_id, target_path, "
                "target_end_path, reason) SELECT :r, t.seq - 1, t.path, t.kind, t.raw, t.status, t.tl, t.tp, t.te, "
                "t.reason FROM unnest(CAST(:path AS text[]), CAST(:kind AS text[]), CAST(:raw AS text[]), "
                "CAST(:status AS text[]), CAST(:tl AS text[]), CAST(:tp AS text[]), CAST(:te AS text[]), "
                "CAST(:reason AS text[])) WITH ORDINALITY AS t(path, kind, raw, status, tl, tp, te, reason, seq)"
            ),
            {
                "r": revision_pk,
                "path": [e.path for e in edges],
                "kind": [e.kind.value for e in edges],
                "raw": [e.raw for e in edges],
                "status": [e.status for e in edges],
                "tl": [e.target_law_id for e in edges],
                "tp": [e.target_path for e in edges],
                "te": [e.target_end_path for e in edges],
                "reason": [e.reason for e in edges],
            },
        )
    await conn.execute(
        text("UPDATE law_revisions SET citation_count = :n WHERE id = :r"), {"n": len(edges), "r": revision_pk}
    )


async def outgoing_edges(
    conn: AsyncConnection,
    revision_pk: int,
    path: str,
    *,
    kind: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[EdgeRow], int]:
    """One page of the references in the provision at ``path`` and inside it, in document order, and the total."""
    cond = "e.revision_id = :r AND (e.path = :path OR starts_with(e.path, :prefix))"
    if kind is not None:
        cond += " AND e.kind = :kind"
    params: dict[str, object] = {"r": revision_pk, "path": path, "prefix": path + "-", "kind": kind}
    total = int((await conn.execute(text(f"SELECT count(*) FROM citation_edges e WHERE {cond}"), params)).scalar_one())
    rows = await conn.execute(
        text(
            "SELECT e.path, e.kind, e.raw, e.status, e.target_law_id, l.title AS target_title, e.target_path, "
            f"e.target_end_path, e.reason FROM citation_edges e LEFT JOIN laws l ON l.law_id = e.target_law_id "
            f"WHERE {cond} ORDER BY e.seq LIMIT :limit OFFSET :offset"
        ),
        {**params, "limit": limit, "offset": offset},
    )
    return [EdgeRow(**r._mapping) for r in rows], total


_STATUTES = """
SELECT 'statute' AS source, e.kind, e.raw, e.target_path, l.law_id, l.title, r.law_revision_id, e.path,
       NULL::text AS lawsuit_id, 0 AS part, l.law_id AS k1, e.seq AS k2
FROM citation_edges e JOIN laws l ON l.current_revision_id = e.revision_id
JOIN law_revisions r ON r.id = e.revision_id
WHERE e.target_law_id = :law AND {target}
"""
_DECISIONS = """
SELECT 'decision' AS source, 'cites' AS kind, c.raw, c.path AS target_path, NULL::text AS law_id, NULL::text AS title,
       NULL::text AS law_revision_id, NULL::text AS path, c.lawsuit_id, 1 AS part, c.lawsuit_id AS k1, c.seq AS k2
FROM case_law_refs c
WHERE c.law_id = :law AND {target}
"""


async def cited_by(
    conn: AsyncConnection,
    law_id: str,
    path: str | None,
    *,
    kind: str | None = None,
    source: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[CitedByRow], int]:
    """What cites the law (``path`` None) or the provision at ``path`` or inside it: provisions of current
    revisions (other laws' and the law's own), then court decisions' 参照法条; one page and the total.

    ``kind`` keeps only ``cites`` or ``delegates`` (decisions only cite); ``source`` only ``statute`` or
    ``decision``.
    """
    params: dict[str, object] = {"law": law_id, "path": path, "prefix": (path or "") + "-", "kind": kind}
    parts = []
    if source in (None, "statute"):
        target = "(e.target_path = :path OR starts_with(e.target_path, :prefix))" if path else "TRUE"
        parts.append(_STATUTES.format(target=target) + (" AND e.kind = :kind" if kind else ""))
    if source in (None, "decision") and kind in (None, "cites"):
        target = "(c.path = :path OR starts_with(c.path, :prefix))" if path else "TRUE"
        parts.append(_DECISIONS.format(target=target))
    if not parts:
        return [], 0
    union = " UNION ALL ".join(parts)
    total = int((await conn.execute(text(f"SELECT count(*) FROM ({union}) u"), params)).scalar_one())
    rows = await conn.execute(
        text(
            f"SELECT source, kind, raw, target_path, law_id, title, law_revision_id, path, lawsuit_id FROM ({union}) u "
            "ORDER BY part, k1, k2 LIMIT :limit OFFSET :offset"
        ),
        {**params, "limit": limit, "offset": offset},
    )
    return [CitedByRow(**r._mapping) for r in rows], total


_DEGREE = """
SELECT
  (SELECT count(*) FROM citation_edges e WHERE e.revision_id = :r) AS out_edges,
  (SELECT count(*) FROM citation_edges e WHERE e.revision_id = :r AND e.status IN ('resolved', 'historical')
      AND e.target_law_id IS NOT NULL) AS out_resolved,
  (SELECT count(DISTINCT e.target_law_id) FROM citation_edges e WHERE e.revision_id = :r
      AND e.target_law_id <> :law) AS out_laws,
  (SELECT count(*) FROM citation_edges e WHERE e.revision_id = :r AND e.kind = 'delegates') AS delegations,
  (SELECT count(*) FROM citation_edges e JOIN laws l ON l.current_revision_id = e.revision_id
      WHERE e.target_law_id = :law AND l.law_id <> :law) AS in_edges,
  (SELECT count(DISTINCT l.law_id) FROM citation_edges e JOIN laws l ON l.current_revision_id = e.revision_id
      WHERE e.target_law_id = :law AND l.law_id <> :law) AS in_laws,
  (SELECT count(DISTINCT c.lawsuit_id) FROM case_law_refs c WHERE c.law_id = :law) AS in_decisions
"""


async def law_degree(conn: AsyncConnection, law_id: str, revision_pk: int) -> LawDegree:
    """In / out degree of a law: its revision ``revision_pk``'s references, and the references to it from
    other laws' current revisions and from court decisions."""
    row = (await conn.execute(text(_DEGREE), {"law": law_id, "r": revision_pk})).one()
    return LawDegree(**{k: int(v) for k, v in row._mapping.items()})


@dataclass(frozen=True, slots=True)
class StepRow:
    """A resolved reference leaving a node of a path search: the node it leaves (``frontier`` index), the
    citing provision and what it cites."""

    frontier: int
    path: str
    kind: str
    raw: str
    target_law_id: str
    target_path: str
    target_end_path: str | None = None


async def citation_steps(
    conn: AsyncConnection, nodes: Sequence[tuple[str, str]], *, kind: str | None = None, limit: int
) -> list[StepRow]:
    """The resolved references (to a provision) in the current revision's text of each ``(law_id, path)`` node
    or a provision inside it, in node then document order, at most ``limit`` rows.

    ``frontier`` is the node's index in ``nodes``; ``kind`` keeps only cites or delegates.
    """
    if not nodes:
        return []
    only = " AND e.kind = :kind" if kind else ""
    rows = await conn.execute(
        text(
            "SELECT f.i - 1 AS frontier, e.path, e.kind, e.raw, e.target_law_id, e.target_path, e.target_end_path "
            "FROM unnest(CAST(:laws AS text[]), CAST(:paths AS text[])) WITH ORDINALITY AS f(law_id, path, i) "
            "JOIN laws l ON l.law_id = f.law_id "
            "JOIN citation_edges e ON e.revision_id = l.current_revision_id "
            "AND (e.path = f.path OR starts_with(e.path, f.path || '-')) "
            f"WHERE e.status = 'resolved' AND e.target_path IS NOT NULL{only} ORDER BY f.i, e.seq LIMIT :limit"
        ),
        {"laws": [n[0] for n in nodes], "paths": [n[1] for n in nodes], "kind": kind, "limit": limit},
    )
    return [StepRow(**r._mapping) for r in rows]


# What a reference to a range or a division reaches, in the current revision: the provisions of the range's kind
# from its first to its last (an article range crosses 章; a paragraph range stays in its article), and for a 章・節
# (or a range of them) every article inside, up to where the last one's subtree ends (the next provision no deeper).
_MEMBERS = f"""
WITH t AS (
  SELECT * FROM unnest(CAST(:laws AS text[]), CAST(:starts AS text[]), CAST(:ends AS text[])) WITH ORDINALITY
    AS t(law_id, start_path, end_path, i)
), b AS (
  SELECT t.i, s.revision_id AS rev, s.kind, s.parent_path, s.position AS lo, s.kind IN ({_DIVISION_LIST}) AS division,
         coalesce(e.position, s.position) AS last, coalesce(e.depth, s.depth) AS last_depth
  FROM t JOIN laws l ON l.law_id = t.law_id
  JOIN provisions s ON s.revision_id = l.current_revision_id AND s.path = t.start_path
  LEFT JOIN provisions e ON e.revision_id = s.revision_id AND e.path = t.end_path AND e.position >= s.position
), r AS (
  SELECT b.*, CASE WHEN b.division THEN coalesce((SELECT min(n.position) - 1 FROM provisions n
    WHERE n.revision_id = b.rev AND n.position > b.last AND n.depth <= b.last_depth), 2147483647) ELSE b.last END AS hi
  FROM b
)
SELECT r.i - 1 AS target, m.path FROM r CROSS JOIN LATERAL (
  SELECT p.path, p.position FROM provisions p
  WHERE p.revision_id = r.rev AND p.position BETWEEN r.lo AND r.hi AND CASE WHEN r.division THEN p.kind = 'Article'
    ELSE p.kind = r.kind AND (r.kind = 'Article' OR p.parent_path IS NOT DISTINCT FROM r.parent_path) END
  ORDER BY p.position LIMIT :cap
) m ORDER BY r.i, m.position LIMIT :total
"""


async def reference_members(
    conn: AsyncConnection, targets: Sequence[tuple[str, str, str | None]], *, cap: int, total: int
) -> list[list[str]] | None:
    """For each ``(law_id, path, end_path)`` reference target of a current revision, the provisions it reaches:
    a range's (第十七条から第十九条まで: 第十七条, 第十八条, 第十九条), a 章・節's articles; at most ``cap`` each, in
    document order; empty for a target the store lacks. None when they come to more than ``total`` in all."""
    out: list[list[str]] = [[] for _ in targets]
    if not targets:
        return out
    rows = await conn.execute(
        text(_MEMBERS),
        {
            "laws": [t[0] for t in targets],
            "starts": [t[1] for t in targets],
            "ends": [t[2] for t in targets],
            "cap": cap,
            "total": total + 1,
        },
    )
    found = rows.all()
    if len(found) > total:
        return None
    for target, path in found:
        out[int(target)].append(str(path))
    return out


# For each delegation of a current revision to a stored order (「政令で定める」 → the 施行令), the order's
# provision that takes it up: one whose text cites the delegating provision (or the article or paragraph
# holding it) before its own 「…で定める」 — 「法第五条第二項の政令で定める者は…」; a reference after it (「…で定める
# 書類は、同条第一項の…」) is the subject matter, not the delegation. The most specific citation wins, then the
# first in the order's text. Delegations with no such provision point at the order as a whole.
_LINK_DELEGATIONS = """
WITH d AS MATERIALIZED (
  SELECT e.revision_id, e.seq, e.path, e.target_law_id AS order_id, l.law_id AS act_id, e.target_path AS old
  FROM citation_edges e JOIN laws l ON l.current_revision_id = e.revision_id
  WHERE e.kind = 'delegates' AND e.target_law_id IS NOT NULL
),
orders AS MATERIALIZED (
  SELECT DISTINCT d.order_id, l.current_revision_id AS rev FROM d JOIN laws l ON l.law_id = d.order_id
),
o AS MATERIALIZED (
  SELECT r.order_id, e.target_law_id AS act_id, e.target_path, e.path, e.seq
  FROM orders r JOIN citation_edges e ON e.revision_id = r.rev
  JOIN provisions p ON p.revision_id = e.revision_id AND p.path = e.path
  WHERE e.kind = 'cites' AND e.status = 'resolved' AND e.target_path IS NOT NULL AND e.target_law_id <> r.order_id
    AND strpos(p.text, e.raw) BETWEEN 1 AND strpos(p.text, 'で定める')
),
best AS (
  SELECT DISTINCT ON (d.revision_id, d.seq) d.revision_id, d.seq, o.path
  FROM d JOIN o ON o.order_id = d.order_id AND o.act_id = d.act_id
   AND (o.target_path = d.path OR starts_with(d.path, o.target_path || '-'))
  ORDER BY d.revision_id, d.seq, length(o.target_path) DESC, o.seq
),
linked AS (
  SELECT d.revision_id, d.seq, b.path AS new FROM d LEFT JOIN best b USING (revision_id, seq)
  WHERE d.old IS DISTINCT FROM b.path
)
UPDATE citation_edges e SET target_path = linked.new FROM linked
WHERE e.revision_id = linked.revision_id AND e.seq = linked.seq
"""


async def link_delegations(conn: AsyncConnection) -> tuple[int, int]:
    """Point every delegation of a current revision at the stored order's provision that takes it up, where
    one is identifiable (see above); returns (delegations to a stored order, of which linked to a provision)."""
    # A build has just written its edges: without fresh statistics the planner takes the table for empty.
    await conn.execute(text("ANALYZE citation_edges"))
    await conn.execute(text(_LINK_DELEGATIONS))
    row = (
        await conn.execute(
            text(
                "SELECT count(*), count(e.target_path) FROM citation_edges e "
                "JOIN laws l ON l.current_revision_id = e.revision_id "
                "WHERE e.kind = 'delegates' AND e.target_law_id IS NOT NULL"
            )
        )
    ).one()
    return int(row[0]), int(row[1])
