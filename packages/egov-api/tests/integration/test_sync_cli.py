"""``egov sync`` / ``egov fetch`` as real processes against the fake e-Gov (real payloads) and real PostgreSQL.

Includes the hard crash: ``kill -9`` of a sync in the middle of its run, then a rerun that must converge to
the content of a clean sync, with the cursor untouched by the killed run.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from egov_api_testsupport import drop_database, empty_database, new_database_url, shared_data_dir
from fakes.fake_egov import FakeEgov, FakeResponse
from sqlalchemy import text

from egov_core.settings import EgovSettings
from egov_core.store import content_hash, create_engine, migrate

LAWS = ["405AC0000000047", "505AC0000000032"]  # 14 + 3 revisions


class SlowEgov(FakeEgov):
    """The fake e-Gov answering law_data slowly, so a test can kill a sync in the middle of its run."""

    delay_s = 0.0

    def _resolve(self, path: str, query: dict[str, str]) -> FakeResponse:
        if self.delay_s and path.startswith("/api/2/law_data/"):
            time.sleep(self.delay_s)
        return super()._resolve(path, query)

    def served_count(self, prefix: str) -> int:
        """Requests received so far whose decoded path starts with ``prefix``."""
        return sum(1 for r in list(self.requests) if r.path.startswith(prefix))


@pytest.fixture
def revisions() -> Path:
    """``shared/data/laws/revisions``."""
    root = shared_data_dir() / "laws" / "revisions"
    if not root.is_dir():
        pytest.skip(f"shared data not found at {root} (set EGOV_SHARED_DATA)")
    return root


@pytest.fixture
def fresh_db() -> Iterator[str]:
    """A migrated, empty database (dropped afterwards)."""
    with empty_database() as url:
        yield url


def _env(db_url: str, egov: FakeEgov) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EGOV_")}
    env.update(
        {
            "EGOV_DATABASE__URL": db_url,
            "EGOV_EGOV_API__BASE_URL": egov.v2_base_url,
            "EGOV_EGOV_API__V1_BASE_URL": egov.v1_base_url,
            "EGOV_EGOV_API__RATE_LIMIT_PER_S": "1000",
            "EGOV_EGOV_API__RATE_LIMIT_BURST": "1000",
            "EGOV_EGOV_API__RETRIES": "1",
            "EGOV_EGOV_API__BACKOFF_BASE_S": "0.01",
        }
    )
    return env


def _egov(*args: str) -> list[str]:
    return [sys.executable, "-c", "from egov_api.cli import main; main()", *args]


def _query(url: str, sql: str) -> object:
    async def go() -> object:
        engine = create_engine(EgovSettings(database={"url": url}))
        try:
            async with engine.connect() as conn:
                return (await conn.execute(text(sql))).scalar_one_or_none()
        finally:
            await engine.dispose()

    return asyncio.run(go())


def _hash(url: str) -> str:
    async def go() -> str:
        engine = create_engine(EgovSettings(database={"url": url}))
        try:
            return await content_hash(engine)
        finally:
            await engine.dispose()

    return asyncio.run(go())


def test_sync_cli_dry_run_then_sync_then_noop(fresh_db: str, revisions: Path) -> None:
    with FakeEgov() as egov:
        egov.serve_revisions(revisions, law_ids=LAWS[1:])
        env = _env(fresh_db, egov)
        dry = subprocess.run(_egov("sync", "--dry-run"), env=env, capture_output=True, text=True, timeout=300)
        assert dry.returncode == 0, dry.stderr
        assert "3 new" in dry.stderr
        assert f"new would be: {LAWS[1]}_20240218_000000000000000" in dry.stderr
        assert _query(fresh_db, "SELECT count(*) FROM law_revisions") == 0
        done = subprocess.run(_egov("sync"), env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert "3 new, 0 changed" in done.stderr
        cursor = _query(fresh_db, "SELECT value FROM meta WHERE key = 'sync_cursor'")
        assert isinstance(cursor, str)
        version = _query(fresh_db, "SELECT value FROM meta WHERE key = 'data_version'")
        again = subprocess.run(_egov("sync"), env=env, capture_output=True, text=True, timeout=300)
        assert again.returncode == 0, again.stderr
        assert "0 new, 0 changed, 0 unchanged, 0 failed" in again.stderr
        assert _query(fresh_db, "SELECT value FROM meta WHERE key = 'data_version'") == version


def test_fetch_cli_asof_and_bad_dates(fresh_db: str, revisions: Path) -> None:
    with FakeEgov() as egov:
        egov.serve_revisions(revisions, law_ids=LAWS[:1])
        env = _env(fresh_db, egov)
        ok = subprocess.run(
            _egov("fetch", LAWS[0], "--asof", "2019-07-01"), env=env, capture_output=True, text=True, timeout=300
        )
        assert ok.returncode == 0, ok.stderr
        assert _query(fresh_db, "SELECT string_agg(law_revision_id, ',') FROM law_revisions") == (
            f"{LAWS[0]}_20190701_430AC0000000033"
        )
        bad = subprocess.run(_egov("fetch", LAWS[0], "--asof", "2019-13-01"), env=env, capture_output=True, text=True)
        assert bad.returncode == 2
        assert "YYYY-MM-DD" in bad.stderr


def test_killed_sync_then_rerun_converges(fresh_db: str, revisions: Path) -> None:
    total = 17
    egov = SlowEgov()
    with egov:
        egov.serve_revisions(revisions, law_ids=LAWS)
        env = _env(fresh_db, egov)
        egov.delay_s = 0.3
        proc = subprocess.Popen(_egov("sync"), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 120
            while egov.served_count("/api/2/law_data/") < 6 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert proc.poll() is None, "sync finished before it could be killed"
        finally:
            proc.kill()  # SIGKILL: no cleanup of any kind runs
            proc.wait()
        stored = _query(fresh_db, "SELECT count(*) FROM law_revisions")
        assert isinstance(stored, int)
        assert stored < total
        assert _query(fresh_db, "SELECT value FROM meta WHERE key = 'sync_cursor'") is None
        egov.delay_s = 0.0
        rerun = subprocess.run(_egov("sync"), env=env, capture_output=True, text=True, timeout=300)
        assert rerun.returncode == 0, rerun.stderr
        assert f"{total - stored} new, 0 changed, {stored} unchanged" in rerun.stderr
        name, clean_url = new_database_url()
        try:
            asyncio.run(migrate(clean_url))
            clean = subprocess.run(
                _egov("sync"), env=_env(clean_url, egov), capture_output=True, text=True, timeout=300
            )
            assert clean.returncode == 0, clean.stderr
            assert _hash(clean_url) == _hash(fresh_db)
        finally:
            drop_database(name)
    assert _query(fresh_db, "SELECT count(*) FROM law_revisions") == total
