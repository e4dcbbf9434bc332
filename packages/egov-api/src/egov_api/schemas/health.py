"""Health and readiness."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from egov_api.schemas.common import Model


class Liveness(Model):
    """The process answers."""

    status: str = Field(examples=["ok"])


class Readiness(Model):
    """Whether the app can serve, and the state of what it depends on."""

    status: str = Field(description="ready or not_ready.", examples=["ready"])
    database: dict[str, Any] | None = Field(
        default=None, examples=[{"status": "ok", "migration": "0001", "at_head": True}], description="Ops token only."
    )
    data_version: int | None = Field(default=None, examples=[42], description="Ops token only.")
    cache: dict[str, Any] | None = Field(
        default=None, examples=[{"status": "ok", "l2": "disabled"}], description="Ops token only."
    )
    vector: dict[str, Any] | None = Field(default=None, description="Ops token only (Full edition).")
