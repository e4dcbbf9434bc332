"""The one error boundary, in process: every kind of unavailability is a 503 problem with Retry-After."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from redis.exceptions import ConnectionError as RedisConnectionError

from egov_api.problems import PROBLEM_TYPES, UNAVAILABLE_CODES, install_problem_handlers
from egov_api.routes.search_vector import VectorUnavailableError
from egov_core.errors import EgovError, StorageBusyError, StorageUnavailableError


class _IndexMissingError(EgovError):
    code = "vector-index-missing"  # as egov_vector's VectorIndexMissingError (Lite has no egov_vector)


FAILURES: dict[str, tuple[Exception, str]] = {
    "refused": (ConnectionRefusedError(111, "Connect call failed"), "storage-unavailable"),
    "storage": (StorageUnavailableError("database unavailable: SELECT secret FROM t"), "storage-unavailable"),
    "busy": (StorageBusyError("database busy: canceling statement"), "storage-busy"),
    "redis": (RedisConnectionError("Error 111 connecting"), "service-unavailable"),
    "vector": (VectorUnavailableError("the embedding model is loading"), "vector-unavailable"),
    "index": (_IndexMissingError("no vectors yet: run egov embed"), "vector-index-missing"),
}


@pytest.fixture(scope="module")
def app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/fail/{kind}")
    async def fail(kind: str) -> None:
        raise FAILURES[kind][0]

    return app


@pytest.mark.parametrize("kind", sorted(FAILURES))
async def test_unavailable_is_503_with_retry_after(app: FastAPI, kind: str) -> None:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        r = await client.get(f"/fail/{kind}")
    code = FAILURES[kind][1]
    assert r.status_code == 503, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["type"] == f"/problems/{code}"
    assert int(r.headers["retry-after"]) > 0
    assert "select" not in r.text.lower()
    assert "canceling" not in r.text


def test_every_unavailable_code_is_a_registered_503() -> None:
    for code in UNAVAILABLE_CODES:
        assert PROBLEM_TYPES[code][0] == 503, code
