"""``sync`` (keep the store current from e-Gov) and ``fetch`` (read given laws from e-Gov)."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.egov_client import EgovClient
from egov_core.errors import EgovApiError, InvalidQueryError, RevisionNotFoundError
from egov_core.store import Database, all_law_ids, translate_errors
from egov_core.store.import_runs import finish_run_values, start_run
from egov_core.sync._cursor import get_sync_cursor, jst_date, set_sync_cursor
from egov_core.sync._egov import Target, changed_laws_v1, changed_laws_v2, in_force, revision_targets
from egov_core.sync._runner import Runner, TargetsFn
from egov_core.sync.summary import SyncProgressCallback, SyncSummary

__all__ = ["fetch", "sync"]

_log = logging.getLogger(__name__)

Source = Literal["auto", "v2", "v1"]


async def _start_run(engine: AsyncEngine, kind: str) -> int:
    with translate_errors():
        return await start_run(engine, kind)


async def _finish_run(engine: AsyncEngine, run_id: int, summary: SyncSummary, status: str) -> None:
    with translate_errors():
        await finish_run_values(
            engine,
            run_id,
            status,
            imported=summary.new + summary.changed,
            unchanged=summary.unchanged,
            failed=len(summary.failed),
            errors=summary.to_dict(),
        )


async def _recorded(
    engine: AsyncEngine, summary: SyncSummary, runner: Runner, laws: list[tuple[str, TargetsFn]]
) -> None:
    """Run ``laws`` and, unless dry, book the run in ``import_runs`` (``aborted`` if it raised)."""
    if summary.dry_run:
        await runner.run(laws)
        return
    run_id = await _start_run(engine, summary.kind)
    status = "aborted"
    try:
        await runner.run(laws)
        status = "completed" if summary.ok else "aborted" if summary.aborted else "completed_with_errors"
    finally:
        await _finish_run(engine, run_id, summary, status)


async def _stored_law_ids(engine: AsyncEngine) -> list[str]:
    async with Database(engine).read() as conn:
        return await all_law_ids(conn)


async def _discover(
    engine: AsyncEngine, client: EgovClient, since: date | None, source: Source, today: date
) -> tuple[list[str], str]:
    """The laws whose revision lists to read, and how they were found."""
    if source == "v1":
        if since is None:
            raise InvalidQueryError("a v1 sync needs a start date (--since or an earlier successful sync)")
        return await changed_laws_v1(client, since, today), "v1"
    try:
        listed = await changed_laws_v2(client, since)
    except EgovApiError as error:
        if source != "auto" or since is None:
            raise
        # The v2 list failed after its retries: the daily v1 update lists name changed laws too.
        _log.warning("sync: v2 /laws failed (%s); finding changed laws with v1 updatelawlists", error)
        return await changed_laws_v1(client, since, today), "v1"
    # /laws shows each law's current revision only: a newly published future amendment (UnEnforced) leaves
    # it untouched. So every stored law's revision list is read too (updated_from keeps those answers small).
    stored = await _stored_law_ids(engine) if since is not None else []
    return list(dict.fromkeys([*stored, *listed])), "v2"


async def sync(
    engine: AsyncEngine,
    client: EgovClient,
    *,
    since: date | None = None,
    dry_run: bool = False,
    progress: SyncProgressCallback | None = None,
    source: Source = "auto",
    workers: int = 0,
    max_consecutive_failures: int = 5,
    citation_graph: bool = True,
) -> SyncSummary:
    """Bring the store up to date with e-Gov: import every revision e-Gov updated since the last successful sync.

    Laws to look at (v2, the default): those v2 ``GET /laws`` (every page) lists with an ``updated`` on or after
    the start day, plus every law already stored — ``/laws`` shows only current revisions, so a newly published
    future amendment shows up only in the law's own revision list. That costs one request per stored law; with
    ``source="v1"`` the v1 ``updatelawlists/{day}`` of each day since the start name the changed laws instead
    (one request per day; e-Gov keeps about three months), which ``auto`` also falls back to when the v2 list
    fails. For each law, ``/law_revisions?updated_from=`` names the revisions to read;
    each one's ``/law_data`` (XML full text with its ``law_info``/``revision_info``) goes through the same
    import pipeline as files: identical bytes change nothing, every revision is published in one transaction.

    The cursor (``meta.sync_cursor``, the start time of the run) is recorded only when the whole run succeeded,
    so an interrupted or failed run is simply run again: nothing is lost and nothing duplicated.

    Args:
        engine: a migrated store.
        client: the e-Gov client (its base URL may point at a mirror or a test server).
        since: read revisions e-Gov updated on or after this JST day instead of the cursor's day. The cursor
            advances afterwards only if this does not skip past it.
        dry_run: fetch and compare, but write nothing (no data, no cursor, no import_runs row).
        progress: called when the plan is known and once per revision.
        source: ``auto`` (v2, falling back to v1), ``v2`` or ``v1``.
        workers: parser processes of the pipeline (0: threads of this process).
        max_consecutive_failures: stop after this many e-Gov failures in a row.
        citation_graph: build the citation graph of the revisions imported (as the import does); False leaves
            it to the next run that builds it (an ``egov ingest``, or a sync with it on).

    Returns:
        What was (or would be) new, changed, unchanged or failed, and the cursor recorded.

    Raises:
        EgovApiError: e-Gov could not list changed laws at all (nothing was written).
        InvalidQueryError: a v1 sync without a start date, or one reaching back further than e-Gov keeps lists.
        StorageError: the database failed (revisions already published stay; the cursor does not move).
    """
    started, clock = datetime.now(UTC), time.perf_counter()
    cursor = await get_sync_cursor(engine)
    cursor_day = jst_date(cursor) if cursor is not None else None
    effective = since if since is not None else cursor_day
    summary = SyncSummary(kind="sync", dry_run=dry_run, since=effective)
    try:
        law_ids, summary.source = await _discover(engine, client, effective, source, jst_date(started))

        def targets(law_id: str) -> TargetsFn:
            return lambda: revision_targets(client, law_id, effective)

        runner = Runner(
            engine,
            client,
            summary,
            progress=progress,
            workers=workers,
            max_consecutive_failures=max_consecutive_failures,
            citation_graph=citation_graph,
        )
        await _recorded(engine, summary, runner, [(law_id, targets(law_id)) for law_id in law_ids])
        # A later --since than the cursor leaves a gap before it: keep the old cursor so the gap is read next time.
        skips_gap = since is not None and cursor_day is not None and since > cursor_day
        if not dry_run and summary.ok and not skips_gap:
            summary.cursor = await set_sync_cursor(engine, started)
    finally:
        summary.seconds = time.perf_counter() - clock
    _log.info("%s", summary.format())
    return summary


async def fetch(
    engine: AsyncEngine,
    client: EgovClient,
    law_ids: Sequence[str],
    *,
    asof: date | None = None,
    all_revisions: bool = False,
    dry_run: bool = False,
    progress: SyncProgressCallback | None = None,
    workers: int = 0,
    max_consecutive_failures: int = 5,
    citation_graph: bool = True,
) -> SyncSummary:
    """Import given laws from e-Gov: their current revision, the one in force on ``asof``, or all revisions.

    Same pipeline, idempotency and atomic publishing as :func:`sync`; the sync cursor is left alone.

    Args:
        engine: a migrated store.
        client: the e-Gov client.
        law_ids: e-Gov law ids (or law numbers, as e-Gov accepts them).
        asof: the revision in force on this date (latest enforcement date not after it, from ``/law_revisions``).
        all_revisions: every revision e-Gov lists for each law.
        dry_run: fetch and compare, write nothing.
        progress: called when the plan is known and once per revision.
        workers: parser processes of the pipeline (0: threads of this process).
        max_consecutive_failures: stop after this many e-Gov failures in a row.
        citation_graph: build the citation graph of the revisions imported (see :func:`sync`).

    Returns:
        The run's summary; a law with no revision in force on ``asof`` is reported as failed.

    Raises:
        InvalidQueryError: both ``asof`` and ``all_revisions``.
        StorageError: the database failed.
    """
    if asof is not None and all_revisions:
        raise InvalidQueryError("give asof or all_revisions, not both")
    clock = time.perf_counter()
    summary = SyncSummary(kind="fetch", dry_run=dry_run, source="ids")

    def targets(law_id: str) -> TargetsFn:
        async def pick() -> Sequence[Target]:
            if all_revisions:
                return await revision_targets(client, law_id, None)
            if asof is None:
                return [Target(law_id, None)]
            chosen = await in_force(client, law_id, asof)
            if chosen is None:
                raise _NothingInForceError(f"{law_id} had no revision in force on {asof}")
            return [chosen]

        return pick

    runner = Runner(
        engine,
        client,
        summary,
        progress=progress,
        workers=workers,
        max_consecutive_failures=max_consecutive_failures,
        citation_graph=citation_graph,
    )
    try:
        await _recorded(engine, summary, runner, [(law_id, targets(law_id)) for law_id in dict.fromkeys(law_ids)])
    finally:
        summary.seconds = time.perf_counter() - clock
    _log.info("%s", summary.format())
    return summary


class _NothingInForceError(RevisionNotFoundError):
    """e-Gov lists no revision of the law in force on the date asked for (reported as that law's failure)."""
