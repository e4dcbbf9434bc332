"""The shortest chain of citations from one provision to another, over the stored graph (current revisions).

A breadth-first search, one query per level: a node is a provision (law and path) and its references are
those in its own text and in the provisions inside it, so 借地借家法第五条 reaches what its paragraphs cite.
It stops at ``to`` (the provision or one inside it; the law as a whole when no path is given). The work is
bounded: at most :data:`MAX_DEPTH` references long, at most ``max_nodes`` provisions visited, at most
:data:`STEP_ROWS` references read per level.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from egov_core.errors import CitationPathLimitError, CitationPathNotFoundError
from egov_core.store.graph import StepRow, citation_steps

__all__ = ["DEFAULT_DEPTH", "MAX_DEPTH", "MAX_NODES", "STEP_ROWS", "CitationStep", "citation_path"]

#: Longest path searched unless asked otherwise, and the most that may be asked.
DEFAULT_DEPTH = 4
MAX_DEPTH = 6
#: Provisions a search may visit (the frontier of every level together).
MAX_NODES = 5_000
#: References read per level at most: a level reading more stops the search with a limit error.
STEP_ROWS = 50_000


@dataclass(frozen=True, slots=True)
class CitationStep:
    """One reference on a path: the provision ``(law_id, path)`` whose text holds it (``source_path`` is
    the provision inside it that says it), as written (``raw``), and what it cites."""

    law_id: str
    path: str
    source_path: str
    kind: str
    raw: str
    target_law_id: str
    target_path: str


def _reached(row: StepRow, to_law: str, to_path: str | None) -> bool:
    if row.target_law_id != to_law:
        return False
    return to_path is None or row.target_path == to_path or row.target_path.startswith(to_path + "-")


async def citation_path(
    conn: AsyncConnection,
    from_law: str,
    from_path: str,
    to_law: str,
    to_path: str | None,
    *,
    max_depth: int = DEFAULT_DEPTH,
    max_nodes: int = MAX_NODES,
    kind: str | None = None,
) -> list[CitationStep]:
    """The shortest chain of references from the provision ``from_path`` of ``from_law`` to ``to_path`` of
    ``to_law`` (or to the law, ``to_path`` None); the first found in document order among equally short ones.

    An empty list when ``from`` already is ``to`` (or inside it).

    Raises:
        CitationPathNotFoundError: no chain of at most ``max_depth`` references.
        CitationPathLimitError: more than ``max_nodes`` provisions or :data:`STEP_ROWS` references a level
            would have to be read.
    """
    if from_law == to_law and (to_path is None or from_path == to_path or from_path.startswith(to_path + "-")):
        return []
    start = (from_law, from_path)
    came_from: dict[tuple[str, str], tuple[tuple[str, str], StepRow] | None] = {start: None}
    frontier = [start]
    for _depth in range(max_depth):
        rows = await citation_steps(conn, frontier, kind=kind, limit=STEP_ROWS + 1)
        if len(rows) > STEP_ROWS:
            raise CitationPathLimitError(f"a level of the search reads more than {STEP_ROWS} references")
        next_frontier: list[tuple[str, str]] = []
        for row in rows:
            node = (row.target_law_id, row.target_path)
            if node in came_from:
                continue
            came_from[node] = (frontier[row.frontier], row)
            if _reached(row, to_law, to_path):
                return _walk_back(came_from, node)
            next_frontier.append(node)
            if len(came_from) > max_nodes:
                raise CitationPathLimitError(f"the search visits more than {max_nodes} provisions")
        if not next_frontier:
            break
        frontier = next_frontier
    target = f"{to_law} {to_path}" if to_path else to_law
    raise CitationPathNotFoundError(
        f"no chain of at most {max_depth} citations leads from {from_law} {from_path} to {target}"
    )


def _walk_back(
    came_from: dict[tuple[str, str], tuple[tuple[str, str], StepRow] | None], node: tuple[str, str]
) -> list[CitationStep]:
    steps: list[CitationStep] = []
    while (link := came_from[node]) is not None:
        before, row = link
        steps.append(
            CitationStep(
                law_id=before[0],
                path=before[1],
                source_path=row.path,
                kind=row.kind,
                raw=row.raw,
                target_law_id=row.target_law_id,
                target_path=row.target_path,
            )
        )
        node = before
    return steps[::-1]
