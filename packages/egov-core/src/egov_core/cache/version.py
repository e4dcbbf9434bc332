"""The data version a process keys its cache with, kept current by LISTEN/NOTIFY plus polling.

Every published import bumps ``meta.data_version`` and sends ``NOTIFY egov_data_version`` in the same
transaction (SCHEMA.md). Cache keys carry the version, so once a process learns the new number none of
its old entries can be hit again: invalidation without a flush. NOTIFY makes that near-instant; the poll
covers lost notifications (a dropped connection), and the loop reconnects after failures.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Protocol

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information

from egov_core.store.data_version import DATA_VERSION_CHANNEL, DATA_VERSION_SQL

__all__ = ["CHANNEL", "DataVersionWatcher", "StaticVersion", "VersionSource", "asyncpg_dsn"]

CHANNEL = DATA_VERSION_CHANNEL
_log = logging.getLogger(__name__)


class VersionSource(Protocol):
    """Anything with a ``current`` data version."""

    @property
    def current(self) -> int:
        """The data version to key the cache with."""
        ...


class StaticVersion:
    """A fixed data version (tests; deployments without a database watcher).

    Args:
        current: the version.
    """

    def __init__(self, current: int = 1) -> None:
        self.current = current


def asyncpg_dsn(sqlalchemy_url: str) -> str:
    """Turn a SQLAlchemy URL (``postgresql+asyncpg://...``) into a DSN asyncpg accepts."""
    scheme, sep, rest = sqlalchemy_url.partition("://")
    return f"{scheme.split('+', 1)[0]}{sep}{rest}"


class DataVersionWatcher:
    """Keeps :attr:`current` equal to ``meta.data_version`` for this process.

    Args:
        dsn: an asyncpg DSN (see :func:`asyncpg_dsn`); may instead be given to :meth:`start` (the embedded
            database's URL is only known once it runs).
        poll_interval_s: how often to re-read the table, also the reconnect interval.
        timeout_s: bound on connecting and on each query.

    Attributes:
        current: the last version seen; 0 until the first successful read.
        connected: whether the LISTEN connection is up.
        connects, errors, changes: counters for metrics.
    """

    def __init__(self, dsn: str | None = None, *, poll_interval_s: float = 1.0, timeout_s: float = 5.0) -> None:
        self._dsn = dsn
        self.poll_interval_s = poll_interval_s
        self._timeout = timeout_s
        self.current = 0
        self.connected = False
        self.changes = 0
        self.errors = 0
        self.connects = 0
        self._conn: asyncpg.Connection | None = None
        self._task: asyncio.Task[None] | None = None
        self._listeners: list[Callable[[int, int], None]] = []
        self._side_tasks: set[asyncio.Task[None]] = set()
        self._failing = False

    def on_change(self, callback: Callable[[int, int], None]) -> None:
        """Call ``callback(old, new)`` whenever the version changes."""
        self._listeners.append(callback)

    async def start(self, dsn: str | None = None) -> None:
        """Read the version once (best effort) and start listening and polling in the background.

        Args:
            dsn: the database to watch, if not given to the constructor.

        Raises:
            ValueError: no DSN at all.
        """
        self._dsn = dsn or self._dsn
        if not self._dsn:
            raise ValueError("DataVersionWatcher needs a DSN")
        await self._refresh()
        self._task = asyncio.create_task(self._run(), name="egov-data-version-watcher")

    async def stop(self) -> None:
        """Stop the background task and close the connection."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._disconnect()

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.poll_interval_s)
            await self._refresh()

    async def _refresh(self) -> None:
        try:
            if self._conn is None or self._conn.is_closed():
                await self._connect()
            assert self._conn is not None
            value = await self._conn.fetchval(DATA_VERSION_SQL, timeout=self._timeout)
            version = None if value is None else int(value)
        except (OSError, TimeoutError, ValueError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            self.errors += 1
            if not self._failing:
                # Once per streak: a down database must not fill the log every poll interval.
                _log.warning("data version watcher cannot read meta.data_version (will retry): %s", exc)
            self._failing = True
            await self._disconnect()
            return
        if self._failing:
            _log.info("data version watcher reconnected")
            self._failing = False
        if version is not None:
            self._set(version)

    async def _connect(self) -> None:
        await self._disconnect()
        conn = await asyncpg.connect(self._dsn, timeout=self._timeout)
        try:
            await conn.add_listener(CHANNEL, self._on_notify)
        except BaseException:
            await conn.close(timeout=self._timeout)
            raise
        conn.add_termination_listener(self._on_terminated)
        self._conn = conn
        self.connected = True
        self.connects += 1

    async def _disconnect(self) -> None:
        conn, self._conn = self._conn, None
        self.connected = False
        if conn is not None and not conn.is_closed():
            with contextlib.suppress(OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
                await conn.close(timeout=self._timeout)

    def _on_notify(self, _conn: object, _pid: int, _channel: str, payload: object) -> None:
        try:
            self._set(int(str(payload)))
        except ValueError:
            # A NOTIFY without a usable payload still means "something changed": re-read the table now.
            task = asyncio.get_running_loop().create_task(self._refresh())
            self._side_tasks.add(task)
            task.add_done_callback(self._side_tasks.discard)

    def _on_terminated(self, _conn: object) -> None:
        self.connected = False

    def _set(self, version: int) -> None:
        old = self.current
        if version == old:
            return
        self.current = version
        self.changes += 1
        for callback in self._listeners:
            callback(old, version)
