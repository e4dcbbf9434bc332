"""Start-up against a database that is not there: fail at once when nothing listens, wait for one that is
starting (a real PostgreSQL refusing connections with 57P03 until it is promoted)."""

from __future__ import annotations

import asyncio
import logging

import pytest
from egov_testsupport import ThrowawayCluster, free_port

from egov_core.errors import StorageUnavailableError
from egov_core.settings import EgovSettings
from egov_core.store import create_engine, open_store, wait_until_ready

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("postgresql://postgres@127.0.0.1:{port}/egov", "connection refused"),
        ("postgresql://postgres@no-such-host.invalid:5432/egov", "does not resolve"),
    ],
)
async def test_nothing_there_fails_at_once(url: str, reason: str, caplog: pytest.LogCaptureFixture) -> None:
    settings = EgovSettings(database={"url": url.format(port=free_port()), "connect_retries": 30})
    caplog.set_level(logging.INFO, logger="egov_core")
    with pytest.raises(StorageUnavailableError) as caught:
        async with open_store(settings):
            pass  # pragma: no cover - never reached
    message = str(caught.value)
    assert reason in message
    assert "EGOV_DATABASE__URL" in message
    assert "\n" not in message
    assert not [r for r in caplog.records if "retry" in r.getMessage()]  # no retry was even tried


async def test_a_starting_database_is_waited_for(caplog: pytest.LogCaptureFixture) -> None:
    cluster = await asyncio.to_thread(ThrowawayCluster)
    engine = create_engine(EgovSettings(database={"url": cluster.url, "connect_timeout_s": 5}))
    caplog.set_level(logging.INFO, logger="egov_core")
    try:
        await asyncio.to_thread(cluster.start, standby=True)
        waiting = asyncio.create_task(wait_until_ready(engine, retries=30, delay_s=0.2))
        for _ in range(600):  # until it has been refused (57P03) at least twice
            if len([r for r in caplog.records if "retry" in r.getMessage()]) >= 2:
                break
            await asyncio.sleep(0.05)
        assert not waiting.done()
        retries = [r.getMessage() for r in caplog.records if "retry" in r.getMessage()]
        assert len(retries) >= 2, retries
        # SQLSTATE 57P03: "the database system is starting up", then "… is not accepting connections".
        assert all("the database system is" in r for r in retries), retries
        await asyncio.to_thread(cluster.promote)
        await asyncio.wait_for(waiting, timeout=60)
    finally:
        await engine.dispose()
        await asyncio.to_thread(cluster.remove)
