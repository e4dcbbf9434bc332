"""One hop along the stored citation graph (``citation_edges``) from search units: what a hit cites and the
provisions of the orders it delegates to that implement it — the graph-expansion ranking of search."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from egov_core.store.search import _UNIT_COLUMNS, UnitRow, _unit, conjunction

__all__ = ["Neighbour", "one_hop"]


@dataclass(frozen=True, slots=True)
class Neighbour:
    """A search unit one edge away from a source unit.

    Attributes:
        source: 0-based index of the source unit in the list asked about.
        kind: ``cites`` (the source's text cites it) or ``delegates`` (a provision of an order the source's
            law delegates to, citing the source: 「法第五条の政令で定める…」).
        unit: the neighbour's search unit (current revision; its first segment), ``score`` 0.
        definition: the neighbour's caption says it is a definitions article (「（定義）」).
    """

    source: int
    kind: str
    unit: UnitRow
    definition: bool


# A unit's path is its provision path up to the Article (or, in an article-less law, the Paragraph): the
# references inside it carry deeper paths (…-Article_5-Paragraph_2-Item_1), so the unit of a target is
# that prefix (greedy: Article_12 is not Article_1; a 別表 is its own unit). The references of a unit are
# those at its path or below it: one byte-order range [path, path + '.') on the (revision_id, path) and
# (target_law_id, target_path) indexes, the store's collation being C.UTF-8 ('-' 0x2D sorts right before
# '.' 0x2E; Article_5_2 continues with '_', after the range).
_UNIT_OF = "coalesce(substring({p} from '^([^-]+-(Article|Paragraph)_[0-9_]+)'), {p})"
# The orders (政令・勅令・府省令) that implement an Act: their provisions citing an article fill in what it
# delegates (「法第五条第一項の政令で定める…」).
_ORDERS = "'CabinetOrder', 'ImperialOrder', 'MinisterialOrdinance'"
_ONE_HOP = f"""
WITH src AS (
    SELECT s.ord, s.law_id, s.path, l.current_revision_id AS rev
    FROM unnest(CAST(:laws AS text[]), CAST(:paths AS text[])) WITH ORDINALITY AS s(law_id, path, ord)
    JOIN laws l ON l.law_id = s.law_id
), cited AS (
    SELECT src.ord, e.seq, 'cites' AS kind, e.target_law_id AS law_id, {_UNIT_OF.format(p="e.target_path")} AS path
    FROM src JOIN citation_edges e ON e.revision_id = src.rev AND e.path >= src.path AND e.path < src.path || '.'
    WHERE e.kind = 'cites' AND e.status = 'resolved' AND e.target_law_id IS NOT NULL AND e.target_path IS NOT NULL
), implementing AS (
    SELECT src.ord, i.seq, 'delegates' AS kind, d.law_id, {_UNIT_OF.format(p="i.path")} AS path
    FROM src JOIN citation_edges i ON i.target_law_id = src.law_id
     AND i.target_path >= src.path AND i.target_path < src.path || '.'
    JOIN laws d ON d.current_revision_id = i.revision_id AND d.law_id <> src.law_id
    WHERE i.kind = 'cites' AND i.status = 'resolved' AND d.law_type IN ({_ORDERS})
), hop AS (
    SELECT * FROM cited UNION ALL SELECT * FROM implementing
)
SELECT DISTINCT ON (h.ord, h.law_id, h.path) h.ord, h.seq AS edge_seq, h.kind,
       coalesce(su.caption LIKE '%定義%', false) AS definition, {_UNIT_COLUMNS}, 0.0 AS score
FROM hop h JOIN laws l ON l.law_id = h.law_id
JOIN search_units su ON su.revision_id = l.current_revision_id AND su.path = h.path AND su.seq = 0
JOIN src ON src.ord = h.ord
WHERE NOT (h.law_id = src.law_id AND h.path = src.path){{conditions}}
ORDER BY h.ord, h.law_id, h.path, h.seq
"""


async def one_hop(
    conn: AsyncConnection, units: Sequence[tuple[str, str]], conditions: Sequence[str] = ()
) -> list[Neighbour]:
    """The search units one resolved edge away from each of ``units`` ((law_id, unit path), current
    revisions): the units their text cites, and the provisions citing them of the orders their law delegates
    to (the 施行令 article that fills in an article's 「政令で定める」). Ordered by source, then by where the
    reference stands in the text; a unit is listed once per source and never as its own neighbour.

    Args:
        conn: the store.
        units: the source units, best first.
        conditions: the search's filter (:func:`~egov_core.store.search.provision_conditions` on ``su``);
            neighbours outside it are left out.
    """
    if not units:
        return []
    rows = await conn.execute(
        text(
            f"SELECT * FROM ({_ONE_HOP.replace('{conditions}', conjunction(conditions))}) x ORDER BY ord, edge_seq, law_id, path"
        ),
        {"laws": [u[0] for u in units], "paths": [u[1] for u in units]},
    )
    return [Neighbour(int(r.ord) - 1, str(r.kind), _unit(r), bool(r.definition)) for r in rows]
