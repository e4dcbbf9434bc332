"""The one way in to the database: :class:`Database` owns the engine and hands out connections.

Every connection comes from :meth:`Database.read`, :meth:`Database.write` or :meth:`Database.maintenance`,
and each of them translates driver errors (SQLAlchemy, asyncpg, sockets) into egov's own hierarchy once,
here: callers see :class:`~egov_core.errors.StorageUnavailableError` when the database cannot be reached
and :class:`~egov_core.errors.StorageError` when a statement failed, never a driver exception.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol, TypeAlias

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from egov_core.errors import StorageError, StorageUnavailableError
from egov_core.store.errors import DRIVER_ERRORS, translate_error, translate_errors
from egov_core.store.replicas import ReplicaSet, current_scope, is_replica_trouble
from egov_core.store.warm import WarmReads

__all__ = ["Connection", "Database", "Engine", "ReadSource"]

#: What :meth:`Database.read` / :meth:`Database.write` hand out and the repositories take. Callers outside
#: the store name the type through this alias and never import the driver stack themselves.
Connection: TypeAlias = AsyncConnection
#: The engine type, for the few callers that hand an engine on (ingest, migrations, the pool metrics).
Engine: TypeAlias = AsyncEngine


class ReadSource(Protocol):
    """What hands out connections for reads: an engine (the primary), or :attr:`Database.reads` (a replica
    when one is up and current, else the primary). Code that takes its own connections (search, the citation
    directory) is written against this, so the caller decides where its reads go."""

    def connect(self) -> AbstractAsyncContextManager[AsyncConnection]:
        """A connection for the block (returned to its pool when the block ends)."""
        ...


class Database:
    """The engine owner and the read/write API over it.

    Example::

        database = Database(create_engine(settings))
        async with database.read() as conn:
            law = await get_law(conn, "129AC0000000089")
        async with database.write() as conn:  # one transaction, committed on exit
            await bump_data_version(conn)
        await database.dispose()

    Attributes:
        engine: the async engine (its pool is shared by every mode below).
    """

    def __init__(self, engine: AsyncEngine, *, replicas: ReplicaSet | None = None, keep_warm: int = 0) -> None:
        """Wrap ``engine`` (the Database disposes of it in :meth:`dispose`).

        Args:
            engine: the primary: every write, and every read when there are no replicas.
            replicas: read replicas for :meth:`read` (see :mod:`egov_core.store.replicas`); disposed with it.
            keep_warm: primary reads keep up to this many connections checked out between blocks
                (:mod:`egov_core.store.warm`), for a long-lived Database that is disposed (the API's); 0 for a
                Database made for one job, which would otherwise hold them until the process ends.
        """
        self.engine = engine
        self.replicas = replicas
        self._warm = WarmReads(keep_warm, engine.sync_engine.pool)
        # Reads run in autocommit: under READ COMMITTED every statement takes its own snapshot anyway, so
        # a BEGIN / ROLLBACK around each request would only cost two round trips. Same pool, no new engine.
        self._read_engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._reads = _Reads(self)

    @property
    def read_engine(self) -> AsyncEngine:
        """The primary's pool in autocommit mode, for code that must read the primary with its own connections
        (no request path does: searches, vector retrieval included, read through :attr:`reads`)."""
        return self._read_engine

    @property
    def reads(self) -> ReadSource:
        """:meth:`read` as a :class:`ReadSource` (``reads.connect()`` is ``read()``), for code that takes its
        own connections: keyword search, vector retrieval, the citation directory. Replicas serve it as they
        serve :meth:`read`."""
        return self._reads

    @asynccontextmanager
    async def read(self, *, primary: bool = False) -> AsyncIterator[AsyncConnection]:
        """A connection for reads (autocommit: one snapshot per statement).

        With replicas, a replica that is up and has replayed the required data_version serves it, else the
        primary (see :mod:`egov_core.store.replicas`); a replica failing at checkout is skipped unseen.

        Args:
            primary: read from the primary even when replicas are configured (reads that must see the latest
                commit: API keys, so a revoked key stops working at once).

        Raises:
            StorageUnavailableError: the database cannot be reached (also when it goes away mid-block, or when
                the replica serving the block failed: then the current ReadScope notes it, for a retry).
            StorageError: a statement failed.
        """
        scope = current_scope()
        if self.replicas is not None and not primary and not (scope is not None and scope.primary_only):
            chosen = await self.replicas.connect()
            if chosen is not None:
                replica, conn = chosen
                try:
                    yield conn
                except Exception as error:
                    # A repository may have translated the driver error already: judge its cause then.
                    driver = error if isinstance(error, DRIVER_ERRORS) else _driver_cause(error)
                    if driver is not None and is_replica_trouble(driver):
                        self.replicas.failed(replica, driver)
                        if scope is not None:
                            scope.replica_failed = True
                        raise StorageUnavailableError(
                            f"read replica {replica.name} failed: {_first_line(driver)}"
                        ) from driver
                    if isinstance(error, DRIVER_ERRORS):
                        raise translate_error(error) from error
                    raise
                else:
                    self.replicas.recovered(replica)
                finally:
                    with contextlib.suppress(*DRIVER_ERRORS):
                        await conn.close()
                return
        with translate_errors():
            conn = await self._warm.take() or await self._read_engine.connect()
            try:
                yield conn
                if conn.in_transaction():
                    # SQLAlchemy's logical transaction, begun by the block's first execute: in autocommit,
                    # ending it sends nothing to the server, and the connection can be kept warm.
                    await conn.rollback()
            except BaseException:
                await _close(conn)
                raise
            if not self._warm.give_back(conn):
                await _close(conn)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        """A connection inside one transaction: committed when the block ends, rolled back when it raises."""
        with translate_errors():
            async with self.engine.begin() as conn:
                yield conn

    @asynccontextmanager
    async def maintenance(self) -> AsyncIterator[AsyncConnection]:
        """An autocommit connection without a statement timeout, for VACUUM, ANALYZE and index builds.

        The API's ``statement_timeout`` (a guard against runaway requests) would cancel a VACUUM of a large
        table under load; maintenance is not a request, so it runs without one.
        """
        with translate_errors():
            async with self._read_engine.connect() as conn:
                await conn.execute(text("SET statement_timeout = 0"))
                try:
                    yield conn
                finally:
                    # The connection goes back to the pool: later users must get the configured timeout again.
                    if not conn.closed and not conn.invalidated:
                        await conn.execute(text("RESET statement_timeout"))

    async def ping(self) -> None:
        """Run ``SELECT 1``.

        Raises:
            StorageUnavailableError: the database cannot be reached.
        """
        async with self.read() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        """Close every pooled connection, the replicas' too (the Database can still be used; it reconnects)."""
        await self._warm.close()
        await self.engine.dispose()
        if self.replicas is not None:
            await self.replicas.dispose()


class _Reads:
    """:meth:`Database.read` behind the engine-like ``connect()`` of :class:`ReadSource`."""

    __slots__ = ("__weakref__", "_database")

    def __init__(self, database: Database) -> None:
        self._database = database

    def connect(self) -> AbstractAsyncContextManager[AsyncConnection]:
        return self._database.read()


async def _close(conn: AsyncConnection) -> None:
    """Return ``conn`` to the pool, even when the task is cancelled meanwhile (as ``async with`` does)."""
    await asyncio.shield(asyncio.ensure_future(conn.close()))


def _driver_cause(error: BaseException) -> BaseException | None:
    cause = error.__cause__
    return cause if isinstance(error, StorageError) and isinstance(cause, DRIVER_ERRORS) else None


def _first_line(error: BaseException) -> str:
    return str(error).splitlines()[0][:200] if str(error) else type(error).__name__
