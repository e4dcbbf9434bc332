"""Read replicas: which streaming standby serves a read, and when one is skipped.

Consistency with the cache. Cache keys and ETags carry the ``data_version`` the process learned from the
*primary* (the watcher listens there). A replica that has not replayed the publish yet would serve the old
body under the new key for a whole TTL. So a replica connection serves a read only when the data_version it
sees is at least the one the caller requires (:attr:`ReplicaSet.required`, the watcher's): it is read from
the connection that is about to serve the data. Replay on a standby only moves forward, so a connection
that once saw version *v* sees at least *v* for the rest of its life; the version it saw is remembered on
the pooled connection and re-read only after a publish has raised the requirement: one extra round trip
per connection and publish, none on the steady path. A replica behind the requirement is skipped for this
read (the primary serves it) but not marked down: it is lagging, not broken. This was chosen over pinning
reads to the primary for a window after each publish because a window is a guess: a replica paused or
slowed for longer than the window would serve stale bodies under the new key, while the check is exact.

Behind a transaction-mode pooler (PgBouncer in front of several replicas) one client connection is not one
server: each transaction may land on another replica. With ``pooled`` each read therefore runs in one
REPEATABLE READ, read-only transaction (the pooler keeps it on one server, and it is one snapshot) and the
data_version is checked inside it on every read, nothing remembered: two statements more per read.

Falling out. A replica that refuses or times out a connection, or fails mid-read (shut down, a recovery
conflict cancelled the statement), is skipped for ``retry_s``; then one read tries it again. A failure at
checkout falls through to the next replica and finally the primary inside :meth:`Database.read`, so the
caller never sees it. A failure mid-read cannot be retried there (the caller's block already ran): it is
raised as :class:`~egov_core.errors.StorageUnavailableError` and noted on the current :class:`ReadScope`,
and the API's replica fallback runs the request again pinned to the primary.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field

from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from egov_core.settings import EgovSettings
from egov_core.store.engine import create_engine
from egov_core.store.errors import DRIVER_ERRORS, is_unavailable

__all__ = ["ReadScope", "Replica", "ReplicaSet", "is_replica_trouble", "read_scope"]

_log = logging.getLogger(__name__)

#: Where a pooled replica connection remembers the highest data_version it has seen.
_SEEN = "egov_seen_data_version"
_VERSION_QUERY = text("SELECT value FROM meta WHERE key = 'data_version'")
#: Recovery conflicts on a hot standby: a statement cancelled because replay needed what it read
#: (serialization_failure, deadlock_detected with a buffer pin) or because its database was dropped.
_RECOVERY_CONFLICT_SQLSTATES = frozenset({"40001", "40P01", "57P04"})


def _sqlstate(error: BaseException) -> str | None:
    for candidate in (error, getattr(error, "orig", None), error.__cause__):
        code = getattr(candidate, "sqlstate", None)
        if isinstance(code, str):
            return code
    return None


def is_replica_trouble(error: BaseException) -> bool:
    """True when ``error`` on a replica connection means "read this from somewhere else": the replica is not
    reachable, is shutting down, or cancelled the statement for a recovery conflict."""
    return is_unavailable(error) or _sqlstate(error) in _RECOVERY_CONFLICT_SQLSTATES


@dataclass
class ReadScope:
    """What one request's reads know about replicas (set per request by the API's replica fallback).

    Attributes:
        primary_only: every read of this scope goes to the primary (the retry after a replica failed).
        replica_failed: a replica failed during a read of this scope (so the request may be run again).
    """

    primary_only: bool = False
    replica_failed: bool = False


_SCOPE: ContextVar[ReadScope | None] = ContextVar("egov_read_scope", default=None)


@contextlib.contextmanager
def read_scope(*, primary_only: bool = False) -> Iterator[ReadScope]:
    """Run the block's reads under a new :class:`ReadScope` (tasks started inside share it)."""
    scope = ReadScope(primary_only=primary_only)
    token = _SCOPE.set(scope)
    try:
        yield scope
    finally:
        _SCOPE.reset(token)


def current_scope() -> ReadScope | None:
    """The :class:`ReadScope` of the running request, if any."""
    return _SCOPE.get()


@dataclass
class Replica:
    """One read replica: its engine (own bounded pool) and its health.

    Attributes:
        engine: the replica's engine, in autocommit.
        name: ``host:port`` for logs and metrics (no credentials).
        down_until: monotonic time before which the replica is skipped.
        reads, behind, busy, failures: counters (reads served; reads sent elsewhere because it lagged or its
            pool was exhausted; failures seen).
    """

    engine: AsyncEngine
    name: str
    down_until: float = 0.0
    reads: int = 0
    behind: int = 0
    busy: int = 0
    failures: int = 0
    _warned: bool = field(default=False, repr=False)


class ReplicaSet:
    """The read replicas of one :class:`~egov_core.store.Database`, chosen round-robin among the healthy ones.

    Args:
        engines: one engine per replica URL (each with its own bounded pool; disposed by :meth:`dispose`).
        required: the data_version a replica must have replayed to serve a read (the watcher's, read from the
            primary); 0 accepts any.
        retry_s: how long a failed replica is skipped.
        pooled: the URLs go through a transaction-mode pooler (see above).
        clock: monotonic seconds (tests inject their own).
    """

    def __init__(
        self,
        engines: Sequence[AsyncEngine],
        *,
        required: Callable[[], int],
        retry_s: float = 5.0,
        pooled: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        isolation = "REPEATABLE READ" if pooled else "AUTOCOMMIT"
        self.pooled = pooled
        self.replicas = [
            Replica(
                engine.execution_options(isolation_level=isolation),
                f"{engine.url.host}:{engine.url.port}",
            )
            for engine in engines
        ]
        self._engines = list(engines)
        self.required = required
        self.retry_s = retry_s
        self._clock = clock
        self._turn = itertools.count()

    @classmethod
    def from_settings(cls, settings: EgovSettings, *, required: Callable[[], int]) -> ReplicaSet | None:
        """The replicas ``settings.database.read_url`` names (each engine with the ``read_*`` pool bounds), or
        None when there are none. Does no I/O: a replica that is down at start is simply skipped until it is up.
        """
        db = settings.database
        if not db.read_url:
            return None
        engines = [create_engine(settings, url=url.get_secret_value(), replica=True) for url in db.read_url]
        return cls(engines, required=required, retry_s=db.read_retry_s, pooled=db.read_pooled)

    def candidates(self) -> list[Replica]:
        """The replicas to try for the next read, in order (healthy ones only, rotated for balance)."""
        now = self._clock()
        healthy = [r for r in self.replicas if r.down_until <= now]
        if not healthy:
            return []
        start = next(self._turn) % len(healthy)
        return healthy[start:] + healthy[:start]

    async def connect(self) -> tuple[Replica, AsyncConnection] | None:
        """A connection on a replica that is up and has replayed :attr:`required`, or None (use the primary)."""
        need = self.required()
        for replica in self.candidates():
            conn: AsyncConnection | None = None
            try:
                conn = await replica.engine.connect()
                # Behind a transaction pooler the next statement may meet another server: check every time,
                # inside the transaction the read then runs in (it begins with this statement).
                seen = -1 if self.pooled else conn.info.get(_SEEN, -1)
                if seen < need:
                    seen = int((await conn.execute(_VERSION_QUERY)).scalar_one_or_none() or -1)
                    if not self.pooled:
                        conn.info[_SEEN] = seen
                if seen >= need:
                    replica.reads += 1
                    return replica, conn
                replica.behind += 1
            except sa_exc.TimeoutError:
                replica.busy += 1  # its pool is exhausted: busy, not broken; the next one serves this read
            except DRIVER_ERRORS as error:
                self.failed(replica, error)
            except ValueError as error:  # an unreadable data_version: treat the replica as not usable
                self.failed(replica, error)
            if conn is not None:
                await _close_quietly(conn)
        return None

    def failed(self, replica: Replica, error: BaseException) -> None:
        """Skip ``replica`` for :attr:`retry_s` after ``error`` (logged once per outage)."""
        replica.failures += 1
        replica.down_until = self._clock() + self.retry_s
        if not replica._warned:
            replica._warned = True
            _log.warning(
                "read replica %s skipped for %.0f s: %s", replica.name, self.retry_s, str(error).splitlines()[0][:200]
            )

    def recovered(self, replica: Replica) -> None:
        """Note a successful read after an outage (so the next outage is logged again)."""
        if replica._warned:
            replica._warned = False
            _log.info("read replica %s serves reads again", replica.name)

    def stats(self) -> dict[str, dict[str, float]]:
        """Per replica: its counters and whether it is up (1.0) or skipped (0.0)."""
        now = self._clock()
        return {
            r.name: {
                "reads": r.reads,
                "behind": r.behind,
                "busy": r.busy,
                "failures": r.failures,
                "up": float(r.down_until <= now),
            }
            for r in self.replicas
        }

    async def dispose(self) -> None:
        """Close every replica's pooled connections."""
        for engine in self._engines:
            await engine.dispose()


async def _close_quietly(conn: AsyncConnection) -> None:
    # The replica may be gone: closing must not raise over the fallback that follows.
    with contextlib.suppress(*DRIVER_ERRORS):
        await conn.close()
