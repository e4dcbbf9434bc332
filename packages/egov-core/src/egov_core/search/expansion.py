"""The citation graph's one-hop expansion: what the best hits cite, and the order provisions implementing
what they delegate, as one more ranking of a fused search.

A question is often answered by a provision the wording of the question does not match but a matching
provision points to: the definition article its terms come from, the article it applies 「準用」, the 施行令
article that fills in its 「政令で定める」. The neighbours of the fused top ``graph_sources`` hits (stored
edges, :mod:`egov_core.store.graph_hops`) are ranked by the rank of the hit they hang off, then by where the
reference stands in its text, and each gets ``graph / (k + rank)``; a neighbour no other ranking found
joins the candidates with that score alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncConnection

from egov_core.search._sql import connection
from egov_core.search.fusion import FusionWeights, hit_key
from egov_core.search.keyword import unit_hit
from egov_core.search.model import Fusion, Hit, ProvisionFilter
from egov_core.store import search as sql
from egov_core.store.database import ReadSource
from egov_core.store.graph_hops import one_hop
from egov_core.store.search import UnitRow

__all__ = ["expand_one_hop"]


async def expand_one_hop(
    conn_or_engine: AsyncConnection | ReadSource,
    hits: Sequence[Hit],
    weights: FusionWeights,
    *,
    filters: ProvisionFilter,
    terms: Sequence[str] = (),
) -> list[Hit]:
    """``hits`` (fused, best first) re-scored with the one-hop neighbours of the top ``weights.graph_sources``
    as one more ranking; neighbours that were not hits are added (``fusion.graph_rank`` set on every hit the
    expansion placed). Returns ``hits`` unchanged when the weight is 0 or nothing is one hop away.

    Raises:
        StorageError: the database failed.
    """
    if weights.graph <= 0 or not hits:
        return list(hits)
    sources = hits[: weights.graph_sources]
    async with connection(conn_or_engine) as conn:
        conditions = await sql.provision_conditions(conn, filters, alias="su")
        neighbours = await one_hop(conn, [(h.law_id, h.path) for h in sources], conditions)
    # A neighbour's rank: its first appearance (sources best first, references in text order).
    ranking: dict[str, tuple[int, UnitRow]] = {}
    for n in neighbours:
        ranking.setdefault(f"{n.unit.law_id}\x1f{n.unit.path}", (len(ranking) + 1, n.unit))
    if not ranking:
        return list(hits)
    out: list[Hit] = []
    for h in hits:
        placed = ranking.pop(hit_key(h), None)
        if placed is None or h.fusion is None:
            out.append(h)
            continue
        rank = placed[0]
        score = h.score + weights.graph / (weights.k + rank)
        out.append(h.rescored(score, replace(h.fusion, rrf_score=score, graph_rank=rank)))
    for rank, unit in ranking.values():
        score = weights.graph / (weights.k + rank)
        hit = unit_hit(unit, tuple(terms), snippets=False)
        out.append(hit.rescored(score, Fusion(None, None, None, None, score, graph_rank=rank)))
    out.sort(key=lambda h: (-h.score, hit_key(h)))
    return out
