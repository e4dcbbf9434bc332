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
    database: dict[str, Any] = Field(examples=[{"status": "ok", "migration": "0001", "at_head": True}])
    data_version: int | None = Field(examples=[42])
    cache: dict[str, Any] = Field(examples=[{"status": "ok", "l2": "disabled"}])
    vector: dict[str, Any] | None = None
