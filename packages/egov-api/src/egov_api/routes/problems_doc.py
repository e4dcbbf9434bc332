"""Human-readable documentation of every problem ``type`` (the URIs in problem+json responses)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from egov_api.problems import PROBLEM_TYPES
from egov_api.schemas.common import Model
from egov_core.errors import NotFoundError


class ProblemType(Model):
    """What a problem type means."""

    type: str
    status: int
    title: str


router = APIRouter(prefix="/problems", tags=["operations"])


@router.get("", summary="Problem types", description="Every problem `type` this API can return.")
async def list_problem_types() -> list[ProblemType]:
    return [ProblemType(type=f"/problems/{c}", status=s, title=t) for c, (s, t) in PROBLEM_TYPES.items()]


@router.get("/{code}", summary="One problem type", description="The meaning of one problem `type` URI.")
async def get_problem_type(code: Annotated[str, Path(max_length=60, examples=["law-not-found"])]) -> ProblemType:
    if code not in PROBLEM_TYPES:
        raise NotFoundError(f"no problem type {code!r}")
    status, title = PROBLEM_TYPES[code]
    return ProblemType(type=f"/problems/{code}", status=status, title=title)
