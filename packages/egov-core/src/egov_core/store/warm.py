"""Warm read connections: a few autocommit connections kept checked out between reads, on the API's hot path.

Checking a connection out of SQLAlchemy's pool and back in costs ~70 CPU-µs on this stack (greenlet hop,
connection fairy, pool events, the isolation level set for autocommit and reset on return), about a tenth of
an uncached article GET served over HTTP. A read that finds a warm connection here takes it with a list pop,
and a read that ends cleanly gives it back. Only the API's :class:`~egov_core.store.Database` keeps any
(``keep_warm``), and it closes them when it is disposed. The pool still counts them as checked out, so its
bounds hold. A connection goes back to the pool (which recycles it) once it has been warm for
:data:`MAX_AGE_S`, and is never kept after a block that raised, invalidated it or left a transaction open.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.pool import Pool, QueuePool

__all__ = ["MAX_AGE_S", "WarmReads"]

#: A warm connection goes back to the pool after this long (the pool recycles its connections after 30 min).
MAX_AGE_S = 300.0
_SINCE = "egov.warm_since"


class WarmReads:
    """Up to ``keep`` idle autocommit connections of one event loop, the most recently used last.

    Like the event loop it belongs to, it is not thread-safe: a connection taken by a task is that task's
    until the task gives it back or closes it.
    """

    __slots__ = ("_idle", "_loop", "_pool", "keep")

    def __init__(self, keep: int, pool: Pool | None = None) -> None:
        """Keep up to ``keep`` connections of ``pool`` (the engine's: its bounds are checked on give-back)."""
        self.keep = keep
        self._pool = pool
        self._idle: list[AsyncConnection] = []
        self._loop: asyncio.AbstractEventLoop | None = None

    async def take(self) -> AsyncConnection | None:
        """A warm connection that is still open, or None (then check one out of the pool)."""
        if not self._idle:
            return None
        if asyncio.get_running_loop() is not self._loop:
            # Connections belong to the loop that opened them: a Database used from another loop (a test, a
            # restarted lifespan) forgets them rather than touch another loop's sockets.
            self._idle.clear()
            return None
        now = time.monotonic()
        while self._idle:
            conn = self._idle.pop()
            if now - conn.info.get(_SINCE, now) < MAX_AGE_S and not _driver_closed(conn):
                return conn
            # Warm for long enough, or closed by the server while idle: the pool recycles or replaces it.
            conn.info.pop(_SINCE, None)
            with contextlib.suppress(Exception):
                await conn.close()
        return None

    def give_back(self, conn: AsyncConnection) -> bool:
        """Keep ``conn`` for the next read if it is clean and there is room; False: the caller closes it."""
        if (
            len(self._idle) >= self.keep
            or conn.closed
            or conn.invalidated
            or conn.in_transaction()
            or _at_limit(self._pool)
        ):
            return False
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self._idle.clear()
            self._loop = loop
        conn.info.setdefault(_SINCE, time.monotonic())
        self._idle.append(conn)
        return True

    async def close(self) -> None:
        """Hand every warm connection back to the pool (before the engine is disposed)."""
        idle, self._idle = self._idle, []
        if self._loop is not asyncio.get_running_loop():
            return
        for conn in idle:
            conn.info.pop(_SINCE, None)
            with contextlib.suppress(Exception):
                await conn.close()


def _at_limit(pool: Pool | None) -> bool:
    """Whether every connection the pool may open is checked out: a checkout may be waiting on the pool
    then, and only a connection returned to the pool wakes it (a warm one would sit idle meanwhile)."""
    if not isinstance(pool, QueuePool):
        return False
    # QueuePool keeps its overflow bound private (-1: unbounded, nobody ever waits); without it, assume none.
    overflow = int(getattr(pool, "_max_overflow", 0))
    return overflow >= 0 and pool.checkedout() >= pool.size() + overflow


def _driver_closed(conn: AsyncConnection) -> bool:
    """Whether the server closed the connection's socket (asyncpg notices as soon as the loop sees it)."""
    raw: Any = conn.sync_connection.connection.driver_connection if conn.sync_connection is not None else None
    return raw is None or bool(raw.is_closed())
