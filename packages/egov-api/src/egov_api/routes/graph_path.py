"""The shortest citation path between two provisions (`/v1/graph/path`)."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from egov_api.problems import ParameterError
from egov_api.routes._common import mark_cacheable, pick_revision, provision_url, stored_path
from egov_api.schemas.common import PROBLEM_RESPONSES
from egov_api.schemas.graph import CitationPath, PathStep
from egov_api.schemas.graph_examples import CITATION_PATH_EXAMPLE
from egov_api.state import Conn
from egov_core.graph.path import DEFAULT_DEPTH, MAX_DEPTH, MAX_MEMBERS, MAX_NODES, citation_path
from egov_core.store import Connection

router = APIRouter(prefix="/v1/graph", tags=["graph"], responses=PROBLEM_RESPONSES)

_NODE = re.compile(r"^(?P<law>[0-9A-Za-z_]{3,40})(?::(?P<path>[0-9A-Za-z_\-\[\]]{1,300}))?$")
_NODE_HELP = "`law_id:path` (elm path, shorthands accepted: `403AC0000000090:Article_5`)"


async def _node(conn: Connection, value: str, parameter: str, *, need_path: bool) -> tuple[str, str | None]:
    m = _NODE.match(value)
    if m is None or (need_path and m.group("path") is None):
        raise ParameterError(parameter, f"{parameter} must be {_NODE_HELP}{'' if need_path else ' or a law_id'}")
    law_id, path = m.group("law"), m.group("path")
    rev = await pick_revision(conn, law_id, None, None)  # LawNotFoundError: 404 law-not-found
    return law_id, (await stored_path(conn, law_id, rev, path, parameter=parameter) if path else None)


@router.get(
    "/path",
    summary="Shortest citation path between two provisions",
    description=(
        "The shortest chain of references (current revisions' citation graph) from the provision `from` to the "
        "provision `to` (or into it; a bare law id: any of its provisions). A provision's references are those "
        "in its own text and in the provisions inside it; a reference to a range (第十七条から第十九条まで) reaches every "
        f"provision in it and one to a 章・節 every article in it, at most {MAX_MEMBERS} each. "
        "Both are `law_id:path`, e.g. "
        "`from=403AC0000000090:Article_5&to=403AC0000000090:Article_3`. Bounded: at most `max_depth` "
        f"references (default {DEFAULT_DEPTH}, at most {MAX_DEPTH}) and {MAX_NODES} provisions visited; "
        "no path within the depth is `404 citation-path-not-found`, a search beyond the bound "
        "`422 citation-path-limit`."
    ),
    responses={200: {"content": {"application/json": {"example": CITATION_PATH_EXAMPLE}}}},
)
async def citation_path_route(
    conn: Conn,
    response: Response,
    from_: Annotated[str, Query(alias="from", max_length=360, description=f"Start: {_NODE_HELP}.")],
    to: Annotated[str, Query(max_length=360, description=f"End: {_NODE_HELP}, or a law_id (any provision).")],
    max_depth: Annotated[
        int, Query(ge=1, le=MAX_DEPTH, description=f"Longest path searched (default {DEFAULT_DEPTH}).")
    ] = DEFAULT_DEPTH,
    kind: Annotated[
        Literal["cites", "delegates"] | None, Query(description="Follow only references of this kind.")
    ] = None,
) -> CitationPath:
    from_law, from_path = await _node(conn, from_, "from", need_path=True)
    to_law, to_path = await _node(conn, to, "to", need_path=False)
    assert from_path is not None
    steps = await citation_path(conn, from_law, from_path, to_law, to_path, max_depth=max_depth, kind=kind)
    mark_cacheable(response, "law")
    return CitationPath.model_validate(
        {
            "start": f"{from_law}:{from_path}",
            "end": f"{to_law}:{to_path}" if to_path else to_law,
            "length": len(steps),
            "visited_limit": MAX_NODES,
            "steps": [
                PathStep(
                    law_id=s.law_id,
                    path=s.path,
                    source_path=s.source_path,
                    kind=s.kind,
                    raw=s.raw,
                    target_law_id=s.target_law_id,
                    target_path=s.target_path,
                    url=provision_url(s.target_law_id, s.target_path),
                )
                for s in steps
            ],
        }
    )
