"""``import_runs`` bookkeeping and the checksums already stored.

A run holds a session-level advisory lock on its row's id for as long as it lives (on a connection of
its own). A run that was killed loses that lock with its connection, so the next run to start can tell
its ``running`` row apart from a live one and marks it ``interrupted`` instead of leaving it running
forever.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

__all__ = ["finish_run_values", "finishing", "known_law_checksums", "start_run"]

#: First key of the two-key advisory locks that mark live runs (second key: the run id).
_RUN_LOCK_SPACE = 0x6567_6F76 & 0x7FFF_FFFF
# Live runs of this process: run id -> the connection holding its lock.
_LEASES: dict[int, AsyncConnection] = {}

_MARK_INTERRUPTED = """
UPDATE import_runs SET status = 'interrupted', finished_at = now()
WHERE status = 'running' AND pg_try_advisory_xact_lock(:space, (id % 2147483647)::int)
"""


async def known_law_checksums(engine: AsyncEngine, parser_version: int) -> frozenset[str]:
    """Checksums of every law revision stored by ``parser_version`` (older ones are to be parsed again)."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT checksum FROM law_revisions WHERE parser_version = :v"), {"v": parser_version}
        )
        return frozenset(rows.scalars())


async def start_run(engine: AsyncEngine, kind: str) -> int:
    """Mark dead runs ``interrupted``, insert a ``running`` import_runs row, hold its lock; return its id."""
    async with engine.begin() as conn:
        await conn.execute(text(_MARK_INTERRUPTED), {"space": _RUN_LOCK_SPACE})
        run_id = int(
            (
                await conn.execute(
                    text(
                        "INSERT INTO import_runs (kind, started_at, status) VALUES (:kind, now(), 'running') "
                        "RETURNING id"
                    ),
                    {"kind": kind},
                )
            ).scalar_one()
        )
    lease = await engine.connect()
    try:
        await lease.execute(
            text("SELECT pg_advisory_lock(:space, (CAST(:id AS bigint) % 2147483647)::int)"),
            {"space": _RUN_LOCK_SPACE, "id": run_id},
        )
        await lease.commit()
    except BaseException:
        await lease.close()
        raise
    _LEASES[run_id] = lease
    return run_id


async def finish_run_values(
    engine: AsyncEngine,
    run_id: int,
    status: str,
    *,
    imported: int,
    unchanged: int,
    failed: int,
    errors: Sequence[Mapping[str, Any]] | Mapping[str, Any],
) -> None:
    """Record the outcome of run ``run_id`` and release its lock."""
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "UPDATE import_runs SET finished_at = now(), status = :status, imported = :imported, "
                    "unchanged = :unchanged, failed = :failed, errors = CAST(:errors AS jsonb) WHERE id = :id"
                ),
                {
                    "status": status,
                    "imported": imported,
                    "unchanged": unchanged,
                    "failed": failed,
                    "errors": orjson.dumps(errors).decode(),
                    "id": run_id,
                },
            )
    finally:
        lease = _LEASES.pop(run_id, None)
        if lease is not None:
            try:
                # Session locks outlive a pooled connection's return to the pool: release explicitly.
                await lease.execute(
                    text("SELECT pg_advisory_unlock(:space, (CAST(:id AS bigint) % 2147483647)::int)"),
                    {"space": _RUN_LOCK_SPACE, "id": run_id},
                )
                await lease.commit()
            finally:
                await lease.close()


#: Key of the advisory lock under which a finishing law import decides whether it is the last one running.
_FINISH_LOCK = (_RUN_LOCK_SPACE, 0)

_OTHERS_LIVE = """
SELECT count(*) FROM import_runs
WHERE status = 'running' AND kind = :kind AND id <> :id
  AND NOT pg_try_advisory_xact_lock(:space, (id % 2147483647)::int)
"""


@asynccontextmanager
async def finishing(engine: AsyncEngine, run_id: int, kind: str) -> AsyncIterator[bool]:
    """Serialise the end of concurrent runs of ``kind``; yields True for the last one still running.

    Work that needs every concurrent run's rows (the citation graph resolves references across laws)
    is done by the last run only. A run decides under one lock and finishes (``finish_run_values``)
    before leaving the block, so of runs ending together exactly one sees no other run still live.
    """
    lock = await engine.connect()
    try:
        await lock.execute(text("SELECT pg_advisory_lock(:a, :b)"), {"a": _FINISH_LOCK[0], "b": _FINISH_LOCK[1]})
        await lock.commit()
        async with engine.begin() as conn:
            others = int(
                (
                    await conn.execute(text(_OTHERS_LIVE), {"kind": kind, "id": run_id, "space": _RUN_LOCK_SPACE})
                ).scalar_one()
            )
        yield others == 0
    finally:
        try:
            await lock.execute(text("SELECT pg_advisory_unlock(:a, :b)"), {"a": _FINISH_LOCK[0], "b": _FINISH_LOCK[1]})
            await lock.commit()
        finally:
            await lock.close()
