"""The shortest chain of citations from one provision to another, over the stored graph (current revisions).

A breadth-first search, one query per level: a node is a provision (law and path) and its references are
those in its own text and in the provisions inside it, so 借地借家法第五条 reaches what its paragraphs cite.
A reference to a range reaches every provision in it (第十七条第一項から第三項まで: each of the three paragraphs)
and one to a 章・節 every article in it, at most :data:`MAX_MEMBERS` each (one more query per level, only for
levels holding such references). It stops at ``to`` (the provision or one inside it; the law as a whole when no
path is given). The work is bounded: at most :data:`MAX_DEPTH` references long, at most ``max_nodes``
provisions visited, at most :data:`STEP_ROWS` references read per level.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from egov_core.domain.provision import DIVISION_KINDS
from egov_core.errors import CitationPathLimitError, CitationPathNotFoundError
from egov_core.store.graph import StepRow, citation_steps, reference_members

__all__ = ["DEFAULT_DEPTH", "MAX_DEPTH", "MAX_MEMBERS", "MAX_NODES", "STEP_ROWS", "CitationStep", "citation_path"]

#: Longest path searched unless asked otherwise, and the most that may be asked.
DEFAULT_DEPTH = 4
MAX_DEPTH = 6
#: Provisions a search may visit (the frontier of every level together).
MAX_NODES = 5_000
#: References read per level at most: a level reading more stops the search with a limit error.
STEP_ROWS = 50_000
#: Provisions one reference to a range or a 章・節 reaches at most (the longest chapters hold a few hundred articles).
MAX_MEMBERS = 200


@dataclass(frozen=True, slots=True)
class CitationStep:
    """One reference on a path: the provision ``(law_id, path)`` whose text holds it (``source_path`` is
    the provision inside it that says it), as written (``raw``), and the provision it reaches (for a range or a
    章, the one of its members the path goes on from)."""

    law_id: str
    path: str
    source_path: str
    kind: str
    raw: str
    target_law_id: str
    target_path: str


def _reached(node: tuple[str, str], to_law: str, to_path: str | None) -> bool:
    law, path = node
    if law != to_law:
        return False
    return to_path is None or path == to_path or path.startswith(to_path + "-")


def _spans(row: StepRow) -> bool:
    """Whether the reference reaches more than its target: a range, or a 章・節 (its articles)."""
    return row.target_end_path is not None or row.target_path.rsplit("-", 1)[-1].split("_", 1)[0] in DIVISION_KINDS


async def _targets(conn: AsyncConnection, rows: list[StepRow]) -> list[list[str]]:
    """The provisions each row's reference reaches (its target, or the members of its range or division).

    Raises:
        CitationPathLimitError: the level's ranges and divisions hold more than :data:`STEP_ROWS` provisions.
    """
    spanning = [i for i, row in enumerate(rows) if _spans(row)]
    members = await reference_members(
        conn,
        [(rows[i].target_law_id, rows[i].target_path, rows[i].target_end_path) for i in spanning],
        cap=MAX_MEMBERS,
        total=STEP_ROWS,
    )
    if members is None:
        raise CitationPathLimitError(f"a level of the search reaches more than {STEP_ROWS} provisions in ranges")
    out = [[row.target_path] for row in rows]
    for i, found in zip(spanning, members, strict=True):
        # A division is reached itself (a path may be asked to end at a 章) and through its articles.
        out[i] = list(dict.fromkeys([rows[i].target_path, *found]))
    return out


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
        for row, targets in zip(rows, await _targets(conn, rows), strict=True):
            for target in targets:
                node = (row.target_law_id, target)
                if node in came_from:
                    continue
                came_from[node] = (frontier[row.frontier], row)
                if _reached(node, to_law, to_path):
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
                target_path=node[1],
            )
        )
        node = before
    return steps[::-1]
