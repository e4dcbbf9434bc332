"""Shapes shared by several resources."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Model(BaseModel):
    """Base of every API model: immutable, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class PageInfo(Model):
    """Pagination of a list: the total and where this page sits."""

    total: int = Field(description="Number of items matching the request (all pages).", examples=[1300])
    limit: int = Field(description="Page size used.", examples=[20])
    offset: int = Field(description="Index of the first item of this page.", examples=[0])
    next_offset: int | None = Field(description="Offset of the next page, or null on the last page.", examples=[20])


class Problem(Model):
    """RFC 9457 problem details (``application/problem+json``)."""

    model_config = ConfigDict(frozen=True, extra="allow")

    type: str = Field(examples=["/problems/law-not-found"])
    title: str = Field(examples=["Law not found"])
    status: int = Field(examples=[404])
    detail: str = Field(examples=["no law with law_id '999AC0000000999'"])
    instance: str | None = Field(default=None, examples=["/v1/laws/999AC0000000999"])
    parameter: str | None = Field(default=None, description="The offending parameter, where one is to blame.")
    accepted: list[str] | None = Field(
        default=None, description="On `unknown-parameter`: the query parameters the route takes."
    )


def page_info(total: int, limit: int, offset: int, returned: int) -> PageInfo:
    """Build :class:`PageInfo` for a page of ``returned`` items."""
    nxt = offset + returned if offset + returned < total and returned > 0 else None
    return PageInfo(total=total, limit=limit, offset=offset, next_offset=nxt)


#: Documented error responses, shared by the routes' ``responses=``.
PROBLEM_RESPONSES: dict[int | str, dict[str, object]] = {
    400: {
        "model": Problem,
        "content": {"application/problem+json": {}},
        "description": "Unknown query parameter (the problem names it and lists the accepted ones)",
    },
    404: {"model": Problem, "content": {"application/problem+json": {}}, "description": "Not found"},
    422: {"model": Problem, "content": {"application/problem+json": {}}, "description": "Invalid parameter"},
    503: {"model": Problem, "content": {"application/problem+json": {}}, "description": "Database unavailable"},
}
