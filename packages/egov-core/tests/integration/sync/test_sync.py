"""``egov_core.sync`` end to end: the fake e-Gov serving real revision payloads, a real PostgreSQL store."""

from __future__ import annotations

import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from fakes.fake_egov import FakeEgov, FakeResponse
from sqlalchemy.ext.asyncio import AsyncEngine
from sync_testsupport import count_revisions, data_version, jst_today, republish, revision_row, scalar

from egov_core.egov_client import EgovClient
from egov_core.errors import InvalidQueryError
from egov_core.store import content_hash
from egov_core.sync import SyncProgress, get_sync_cursor, sync
from egov_core.sync._cursor import jst_date

LAW = "505AC0000000032"  # 3 revisions, small: the edits below play e-Gov publishing changes to it


async def test_first_sync_imports_everything_with_api_metadata(
    engine: AsyncEngine, fake_egov: FakeEgov, revisions_root: Path
) -> None:
    served = fake_egov.serve_revisions(revisions_root)
    total = count_revisions(revisions_root)
    before = await data_version(engine)
    events: list[SyncProgress] = []
    async with EgovClient(fake_egov.settings()) as client:
        summary = await sync(engine, client, progress=events.append, citation_graph=False)
    assert summary.ok, summary.format()
    assert (summary.new, summary.changed, summary.unchanged, summary.laws_checked) == (total, 0, 0, len(served))
    assert await scalar(engine, "SELECT count(*) FROM law_revisions") == total
    assert await scalar(engine, "SELECT count(*) FROM laws") == len(served) == 11
    # citation_graph=False: the graph is left to a later run (every revision still lacks one).
    assert await scalar(engine, "SELECT count(*) FROM law_revisions WHERE citation_count IS NULL") == total
    assert await data_version(engine) == before + total  # one published transaction per revision
    # Progress: the plan first, then one event per revision.
    assert events[0].status == "planned"
    assert events[0].laws_total == 11
    assert [e.status for e in events[1:]] == ["new"] * total
    assert events[-1].revisions_done == total
    assert events[-1].bytes_done == summary.bytes > 0
    # Revision metadata comes from the API's revision_info / the XML: id, enforcement date, status, amending law.
    future = await revision_row(engine, "359AC0000000086_20280613_505AC0000000053")
    assert future["enforcement_date"] == date(2028, 6, 13)
    assert future["status"] == "UnEnforced"
    assert future["amendment_law_id"] == "505AC0000000053"
    assert future["is_current"] is False
    assert (await revision_row(engine, "359AC0000000086_20150801_000000000000000"))["is_current"] is True
    # The cursor is the start of this successful run; an import_runs row of kind 'sync' books it.
    cursor = await get_sync_cursor(engine)
    assert cursor is not None
    assert summary.cursor == cursor.isoformat()
    assert await scalar(engine, "SELECT status FROM import_runs WHERE kind = 'sync'") == "completed"


async def test_second_sync_is_a_noop(engine: AsyncEngine, fake_egov: FakeEgov, revisions_root: Path) -> None:
    """Also the one sync test that builds the citation graph, as a sync does by default (the others leave it out)."""
    fake_egov.serve_revisions(revisions_root, law_ids=[LAW, "359AC0000000086"])
    async with EgovClient(fake_egov.settings()) as client:
        first = await sync(engine, client)
        version, digest = await data_version(engine), await content_hash(engine)
        cursor = await get_sync_cursor(engine)
        calls = len(fake_egov.requests)
        second = await sync(engine, client)
    assert first.new == 5
    assert first.ok
    # Every revision imported has its graph, and the current ones cite something.
    assert await scalar(engine, "SELECT count(*) FROM law_revisions WHERE citation_count IS NULL") == 0
    assert (
        await scalar(
            engine, "SELECT count(*) FROM citation_edges e JOIN laws l ON l.current_revision_id = e.revision_id"
        )
        > 0
    )
    assert cursor is not None
    assert second.since == jst_date(cursor)
    assert second.ok
    assert (second.new, second.changed, second.unchanged) == (0, 0, 0)
    assert await data_version(engine) == version
    assert await content_hash(engine) == digest
    # Nothing was even downloaded: the law list, then each stored law's revisions updated since the cursor.
    assert [(r.path, r.query.get("updated_from")) for r in fake_egov.requests[calls:]] == [
        ("/api/2/laws", None),
        ("/api/2/law_revisions/359AC0000000086", second.since.isoformat()),
        (f"/api/2/law_revisions/{LAW}", second.since.isoformat()),
    ]


async def test_since_overrides_the_cursor(engine: AsyncEngine, fake_egov: FakeEgov, revisions_root: Path) -> None:
    fake_egov.serve_revisions(revisions_root, law_ids=[LAW])
    async with EgovClient(fake_egov.settings()) as client:
        await sync(engine, client, citation_graph=False)
        first_cursor = await get_sync_cursor(engine)
        calls = len(fake_egov.requests)
        # DataInfo 230523: the two later revisions were updated on 2023-05-23, the first on 2023-02-28.
        summary = await sync(engine, client, since=date(2023, 5, 1), citation_graph=False)
    assert summary.ok
    assert summary.since == date(2023, 5, 1)
    assert sorted(r.law_revision_id for r in summary.revisions) == [
        f"{LAW}_20230630_000000000000000",
        f"{LAW}_20240218_000000000000000",
    ]
    assert summary.unchanged == 2
    asked = [r.query.get("updated_from") for r in fake_egov.requests[calls:] if r.path == f"/api/2/law_revisions/{LAW}"]
    assert asked == ["2023-05-01"]
    # An earlier --since than the cursor covers it: the cursor moves to this run's start.
    later = await get_sync_cursor(engine)
    # A later one would leave a gap before it unread: the cursor stays where it was.
    async with EgovClient(fake_egov.settings()) as client:
        skipping = await sync(engine, client, since=jst_today() + timedelta(days=2), citation_graph=False)
    assert skipping.ok
    assert skipping.cursor is None
    assert await get_sync_cursor(engine) == later
    assert first_cursor is not None
    assert later is not None
    assert later > first_cursor


async def test_changed_and_new_revisions_are_picked_up_exactly_once(
    engine: AsyncEngine, fake_egov: FakeEgov, revisions_copy: Path
) -> None:
    fake_egov.serve_revisions(revisions_copy, law_ids=[LAW])
    async with EgovClient(fake_egov.settings()) as client:
        assert (await sync(engine, client, citation_graph=False)).new == 3
        # e-Gov corrects the newest revision and publishes a new (future) one, both stamped today.
        law_dir = revisions_copy / LAW
        newest = law_dir / f"{LAW}_20240218_000000000000000"
        republish(
            newest / f"{newest.name}.xml",
            old="寄与することを目的とする。",
            new="寄与することを目的とする（訂正）。",
            day=jst_today(),
        )
        added = law_dir / f"{LAW}_20270401_507AC0000000001"
        shutil.copytree(newest, added)
        for old in added.iterdir():
            old.rename(added / old.name.replace(newest.name, added.name))
        republish(added / f"{added.name}.xml", old="訂正", new="将来改正", day=jst_today())
        fake_egov.serve_revisions(revisions_copy, law_ids=[LAW])  # later routes win: e-Gov now answers this
        before = await data_version(engine)
        picked = await sync(engine, client, citation_graph=False)
        after_pick = await data_version(engine)
        again = await sync(engine, client, citation_graph=False)
    assert picked.ok, picked.format()
    assert (picked.new, picked.changed) == (1, 1)
    assert {r.law_revision_id for r in picked.revisions if r.action in ("new", "changed")} == {
        newest.name,
        added.name,
    }
    assert after_pick == before + 2
    assert again.ok
    assert (again.new, again.changed) == (0, 0)
    assert await data_version(engine) == after_pick
    assert await scalar(engine, "SELECT count(*) FROM law_revisions WHERE law_id = :l", l=LAW) == 4
    text = await scalar(
        engine,
        "SELECT p.text FROM provisions p JOIN law_revisions r ON r.id = p.revision_id "
        "WHERE r.law_revision_id = :r AND p.path = 'MainProvision-Article_1-Paragraph_1'",
        r=newest.name,
    )
    assert isinstance(text, str)
    assert text.endswith("寄与することを目的とする（訂正）。")
    row = await revision_row(engine, added.name)
    assert row["enforcement_date"] == date(2027, 4, 1)
    assert row["is_current"] is False


async def test_v1_update_lists_when_the_v2_law_list_fails(
    engine: AsyncEngine, fake_egov: FakeEgov, revisions_copy: Path, revisions_root: Path
) -> None:
    fake_egov.serve_revisions(revisions_copy, law_ids=[LAW])
    async with EgovClient(fake_egov.settings(retries=0)) as client:
        with pytest.raises(InvalidQueryError):
            await sync(
                engine, client, source="v1", citation_graph=False
            )  # no cursor and no --since: v1 has no "everything"
        assert (await sync(engine, client, citation_graph=False)).new == 3
        newest = revisions_copy / LAW / f"{LAW}_20240218_000000000000000"
        republish(newest / f"{newest.name}.xml", old="寄与することを目的とする。", new="寄与する。", day=jst_today())
        fake_egov.serve_revisions(revisions_copy, law_ids=[LAW])
        # e-Gov's daily update lists (the real v1 payload, naming this law), and a broken v2 law list.
        examples = revisions_root.parent.parent / "egov_api" / "shape_examples" / "lawv1"
        listed = re.sub(
            r"<LawId>[^<]+</LawId>",
            f"<LawId>{LAW}</LawId>",
            (examples / "law-update-list-v1-normal.xml").read_text(encoding="utf-8"),
        )
        for offset in range(-3, 2):
            day = jst_today() + timedelta(days=offset)
            fake_egov.add_file(f"/api/1/updatelawlists/{day:%Y%m%d}", examples / "law-update-list-v1-empty.xml")
        fake_egov.add(f"/api/1/updatelawlists/{jst_today():%Y%m%d}", FakeResponse.xml(listed))
        fake_egov.add("/api/2/laws", FakeResponse.error(500, "500001", "システムエラー"))
        calls = len(fake_egov.requests)
        summary = await sync(engine, client, citation_graph=False)
    assert summary.ok, summary.format()
    assert summary.source == "v1"
    assert [r.law_revision_id for r in summary.revisions if r.action == "changed"] == [newest.name]
    paths = [r.path for r in fake_egov.requests[calls:]]
    assert paths[0] == "/api/2/laws"
    assert f"/api/1/updatelawlists/{jst_today():%Y%m%d}" in paths
