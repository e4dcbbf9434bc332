"""The Full edition assembled from the one settings root: ``create_app(settings)`` with a ``vector`` section
mounts the semantic routes, loads the section's embedder at start-up and reports it in readiness; with
``enabled=false`` the same install serves Lite. In process, on the embedded PostgreSQL (pgvector)."""

from __future__ import annotations

import pytest
from egov_api_testsupport import in_process_client
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_api.app import create_app
from egov_core.settings import EgovSettings
from egov_vector import DeterministicEmbedder
from egov_vector.backfill import backfill

pytestmark = [pytest.mark.integration, pytest.mark.vector]

OPS = {"authorization": "Bearer ops-test-token"}
#: A dimension no other test embeds with: its model id has no vectors until this test makes them.
DIMENSION = 44


async def test_full_app_from_settings(vector_engine: AsyncEngine) -> None:
    url = vector_engine.url.render_as_string(hide_password=False)
    settings = EgovSettings(
        database={"url": url},
        api={"ops_token": "ops-test-token"},
        vector={"backend": "deterministic", "deterministic_dimension": DIMENSION},
    )
    async with in_process_client(create_app(settings)) as client:
        before = (await client.get("/health/ready", headers=OPS)).json()["vector"]
        assert before["dimension"] == DIMENSION  # the section's embedder, loaded at start-up
        assert before["status"] == "empty"

        missing = await client.get("/v1/search/semantic", params={"q": "借地権の存続期間"})
        assert missing.status_code == 200, missing.text
        assert missing.json()["model_id"] == f"egov/deterministic-ngram-v1-{DIMENSION}"
        assert missing.json()["items"] == []

        await backfill(vector_engine, DeterministicEmbedder(DIMENSION))
        # Another query: the first answer is cached (vectors are not part of the data version).
        found = await client.get("/v1/search/semantic", params={"q": "建物の賃貸借の更新"})
        assert found.status_code == 200, found.text
        assert found.json()["items"]

        after = (await client.get("/health/ready", headers=OPS)).json()["vector"]
        assert after["chunks"]["law"] > 0, after


async def test_vector_section_disabled_serves_lite(vector_engine: AsyncEngine) -> None:
    url = vector_engine.url.render_as_string(hide_password=False)
    settings = EgovSettings(database={"url": url}, vector={"enabled": False})
    async with in_process_client(create_app(settings)) as client:
        r = await client.get("/v1/search/semantic", params={"q": "借地"})
        assert r.status_code == 404
        assert (await client.get("/v1/search", params={"q": "借地"})).status_code == 200
