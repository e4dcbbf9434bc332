"""``egov embed`` as egov_api calls it: opens the store, migrates, backfills, prints a summary."""

from __future__ import annotations

import io

import pytest
from pydantic import SecretStr
from rich.console import Console
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.settings import DatabaseSettings, EgovSettings
from egov_vector import VectorSettings
from egov_vector.cli import run_embed

pytestmark = [pytest.mark.integration, pytest.mark.vector]


async def test_run_embed_twice(vector_engine: AsyncEngine) -> None:
    url = SecretStr(vector_engine.url.render_as_string(hide_password=False))
    settings = EgovSettings(database=DatabaseSettings(url=url, statement_timeout_ms=120_000))
    vector = VectorSettings(backend="deterministic", deterministic_dimension=56)
    out = io.StringIO()
    first = await run_embed(settings, vector, console=Console(file=out, width=200))
    assert first.model_id == "egov/deterministic-ngram-v1-56"
    assert first.embedded + first.reused == first.chunks
    assert first.cases == 2
    assert "egov/deterministic-ngram-v1-56 (dim 56)" in out.getvalue()
    second = await run_embed(settings, vector, console=Console(file=io.StringIO()))
    assert (second.embedded, second.kept) == (0, first.chunks)
