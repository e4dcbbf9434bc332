"""Liveness and readiness."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from egov_api.edge.gate import OPS_SCOPE_KEY
from egov_api.schemas.health import Liveness, Readiness
from egov_api.state import State
from egov_core.store import current_revision, get_data_version, head_revision

router = APIRouter(tags=["operations"])


@router.get("/health", summary="Liveness", description="200 while the process answers. Touches nothing else.")
async def liveness() -> Liveness:
    return Liveness(status="ok")


@router.get(
    "/health/ready",
    summary="Readiness",
    description=(
        "200 when the database is reachable and migrated to head; 503 otherwise. With the ops token "
        "(`Authorization: Bearer <EGOV_API__OPS_TOKEN>`) it also reports the data version, the cache (Redis trouble "
        "is `degraded`, never a reason to be unready) and, in the Full edition, the vector index; without it, only "
        "the status."
    ),
    responses={503: {"model": Readiness, "description": "Not ready"}},
)
async def readiness(state: State, request: Request, response: Response) -> Readiness:
    db: dict[str, Any] = {"status": "down"}
    data_version: int | None = None
    ready = False
    database = state.database
    if database is not None:
        try:
            async with database.read() as conn:
                data_version = await get_data_version(conn)
            current = await current_revision(database.engine)
            head = head_revision()
            db = {"status": "ok", "migration": current, "head": head, "at_head": current == head}
            ready = current == head
        except Exception as exc:  # noqa: BLE001 - readiness reports any failure instead of raising it
            db = {"status": "down", "error": type(exc).__name__}
    cache: dict[str, Any] = (
        {"status": state.cache.health(), **state.cache.stats()} if state.cache is not None else {"status": "disabled"}
    )
    vector = await state.vector.health(state.database) if state.vector is not None else None
    if not ready:
        response.status_code = 503
    if not request.scope.get(OPS_SCOPE_KEY):
        return Readiness(status="ready" if ready else "not_ready")
    return Readiness(
        status="ready" if ready else "not_ready", database=db, data_version=data_version, cache=cache, vector=vector
    )
