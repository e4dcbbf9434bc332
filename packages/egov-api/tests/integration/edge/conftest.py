"""One real Granian server (run as ``egov serve`` runs it) over a migrated database and the shared Redis."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator

import pytest
from egov_api_testsupport import drop_database, egov_server, migrated_database

from egov_core.settings import EgovSettings
from egov_core.store import Database, create_engine
from egov_core.store.api_keys import create_api_key, revoke_api_key

OPS_TOKEN = "ops-" + secrets.token_hex(8)
#: Anonymous quota of the test server: small, so a burst reaches it; clients are told apart by X-Forwarded-For.
ANON_QUOTA = 5
REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(scope="module")
def edge_db() -> Iterator[str]:
    """A migrated, empty database (dropped afterwards)."""
    name, url = migrated_database()
    try:
        yield url
    finally:
        drop_database(name)


async def _keys(url: str) -> dict[str, str]:
    database = Database(create_engine(EgovSettings(database={"url": url})))
    try:
        _, big = await create_api_key(database, "tests", quota=100_000)
        _, small = await create_api_key(database, "small", quota=3)
        revoked_key, revoked = await create_api_key(database, "gone")
        await revoke_api_key(database, revoked_key.key_id)
    finally:
        await database.dispose()
    return {"big": big, "small": small, "revoked": revoked}


@pytest.fixture(scope="module")
def keys(edge_db: str) -> dict[str, str]:
    """Full key texts: ``big`` (quota 100,000), ``small`` (quota 3), ``revoked``."""
    return asyncio.run(_keys(edge_db))


@pytest.fixture(scope="module")
def edge_server(edge_db: str, keys: dict[str, str]) -> Iterator[str]:
    env = {
        "EGOV_DATABASE__URL": edge_db,
        "EGOV_API__LOAD_SAMPLE_IF_EMPTY": "false",
        "EGOV_REDIS__URL": REDIS_URL,
        "EGOV_REDIS__KEY_PREFIX": "t" + secrets.token_hex(4),
        "EGOV_API__RATE_LIMIT__ENABLED": "true",
        "EGOV_API__RATE_LIMIT__ANONYMOUS": str(ANON_QUOTA),
        "EGOV_API__OPS_TOKEN": OPS_TOKEN,
        "EGOV_API__TRUSTED_PROXIES": '["127.0.0.1"]',
        "EGOV_API__CORS_ORIGINS": '["https://app.example"]',
    }
    with egov_server(env, idle_timeout_ms=1000) as base:
        yield base
