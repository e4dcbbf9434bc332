"""Sync when things go wrong (e-Gov failing mid-run), dry runs, and ``fetch`` of given laws."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from egov_testsupport import PgTemplates
from fakes.fake_egov import FakeEgov, FakeResponse
from sqlalchemy.ext.asyncio import AsyncEngine
from sync_testsupport import count_revisions, data_version, revision_row, scalar

from egov_core.egov_client import EgovClient
from egov_core.settings import EgovSettings
from egov_core.store import content_hash, create_engine
from egov_core.sync import fetch, get_sync_cursor, sync

LAWS = ["405AC0000000047", "505AC0000000032", "505CO0000000222"]  # 14 + 3 + 2 revisions


class FailingEgov(FakeEgov):
    """The fake e-Gov, except that after ``ok_law_data`` law_data answers it fails with 500 (until healed)."""

    def __init__(self, ok_law_data: int) -> None:
        super().__init__()
        self.ok_law_data = ok_law_data
        self.broken = True
        self._law_data_seen = 0

    def _resolve(self, path: str, query: dict[str, str]) -> FakeResponse:
        if self.broken and path.startswith("/api/2/law_data/"):
            self._law_data_seen += 1
            if self._law_data_seen > self.ok_law_data:
                return FakeResponse.error(500, "500001", "システムエラーが発生しました。")
        return super()._resolve(path, query)


async def test_failure_mid_sync_then_rerun_converges_to_a_clean_sync(
    engine: AsyncEngine, pg_templates: PgTemplates, revisions_root: Path
) -> None:
    total = count_revisions(revisions_root, LAWS)
    egov = FailingEgov(ok_law_data=6)
    with egov:
        egov.serve_revisions(revisions_root, law_ids=LAWS)
        async with EgovClient(egov.settings(retries=1)) as client:
            crashed = await sync(engine, client, max_consecutive_failures=3, citation_graph=False)
            # Published revisions are complete; nothing else is visible and the cursor did not move.
            assert crashed.aborted is not None
            assert not crashed.ok
            assert crashed.new == 6
            assert len(crashed.failed) == 3
            assert await scalar(engine, "SELECT count(*) FROM law_revisions") == 6
            assert await get_sync_cursor(engine) is None
            assert await scalar(engine, "SELECT status FROM import_runs WHERE kind = 'sync'") == "aborted"
            egov.broken = False
            rerun = await sync(engine, client, citation_graph=False)
        assert rerun.ok, rerun.format()
        assert (rerun.new, rerun.unchanged) == (total - 6, 6)
        assert await get_sync_cursor(engine) is not None
        # A clean sync into another fresh store ends with exactly the same content.
        clean_engine = create_engine(EgovSettings(database={"url": await pg_templates.copy()}))
        try:
            async with EgovClient(egov.settings()) as client:
                clean = await sync(clean_engine, client, citation_graph=False)
            assert clean.ok
            assert clean.new == total
            assert await content_hash(clean_engine) == await content_hash(engine)
        finally:
            await clean_engine.dispose()
    assert await scalar(engine, "SELECT count(*) FROM law_revisions") == total  # no duplicates


async def test_dry_run_writes_nothing(engine: AsyncEngine, fake_egov: FakeEgov, revisions_root: Path) -> None:
    fake_egov.serve_revisions(revisions_root, law_ids=LAWS[1:])
    empty_hash, version = await content_hash(engine), await data_version(engine)
    async with EgovClient(fake_egov.settings()) as client:
        planned = await sync(engine, client, dry_run=True, citation_graph=False)
        assert planned.dry_run
        assert planned.ok
        assert planned.new == 5
        assert "would be" in planned.format()
        assert f"{LAWS[1]}_20240218_000000000000000" in planned.format()
        assert await content_hash(engine) == empty_hash
        assert await data_version(engine) == version
        assert await get_sync_cursor(engine) is None
        assert await scalar(engine, "SELECT count(*) FROM import_runs") == 0
        # After a real sync, a dry run of everything reports every revision unchanged.
        await sync(engine, client, citation_graph=False)
        again = await sync(engine, client, since=date(2000, 1, 1), dry_run=True, citation_graph=False)
    assert (again.new, again.changed, again.unchanged) == (0, 0, 5)


async def test_fetch_asof_picks_the_revision_in_force(
    engine: AsyncEngine, fake_egov: FakeEgov, revisions_root: Path
) -> None:
    law = "405AC0000000047"
    fake_egov.serve_revisions(revisions_root, law_ids=[law])
    async with EgovClient(fake_egov.settings()) as client:
        on_day = await fetch(engine, client, [law], asof=date(2024, 2, 16), citation_graph=False)
        day_before = await fetch(engine, client, [law], asof=date(2024, 2, 15), citation_graph=False)
        too_early = await fetch(engine, client, [law], asof=date(2000, 1, 1), citation_graph=False)
        current = await fetch(engine, client, [law], citation_graph=False)
    assert [r.law_revision_id for r in on_day.revisions] == [f"{law}_20240216_505AC0000000028"]
    assert [r.law_revision_id for r in day_before.revisions] == [f"{law}_20230703_505AC0000000051"]
    assert too_early.failed
    assert "no revision in force" in too_early.failed[0][1]
    # Without asof: what e-Gov's /law_data/{law_id} answers, the revision its data marks CurrentEnforced.
    assert [r.law_revision_id for r in current.revisions] == [f"{law}_20230703_505AC0000000051"]
    assert current.unchanged == 1
    assert await scalar(engine, "SELECT count(*) FROM law_revisions") == 2
    assert await get_sync_cursor(engine) is None  # fetch never moves the sync cursor
    row = await revision_row(engine, f"{law}_20240216_505AC0000000028")
    assert row["enforcement_date"] == date(2024, 2, 16)
    assert row["amendment_law_id"] == "505AC0000000028"


async def test_fetch_all_revisions_is_idempotent(
    engine: AsyncEngine, fake_egov: FakeEgov, revisions_root: Path
) -> None:
    law = "505AC0000000032"
    fake_egov.serve_revisions(revisions_root, law_ids=[law])
    async with EgovClient(fake_egov.settings()) as client:
        first = await fetch(engine, client, [law], all_revisions=True, citation_graph=False)
        version = await data_version(engine)
        second = await fetch(engine, client, [law], all_revisions=True, citation_graph=False)
    assert first.ok
    assert first.new == 3
    assert second.ok
    assert second.unchanged == 3
    assert await data_version(engine) == version
