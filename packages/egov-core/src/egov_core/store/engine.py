"""Engine creation and the ``open_store`` lifecycle (embedded server, start-up retries, migrations)."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from egov_core.errors import StorageUnavailableError
from egov_core.settings import EgovSettings
from egov_core.store.embedded import EmbeddedPostgres
from egov_core.store.errors import is_unavailable, translate_errors
from egov_core.store.migrate import migrate

__all__ = ["Store", "create_engine", "normalize_url", "open_store", "vector_available", "wait_until_ready"]

_log = logging.getLogger(__name__)


def normalize_url(url: str) -> str:
    """``url`` with the asyncpg driver (``postgresql://`` and ``postgres://`` are accepted too)."""
    parsed = make_url(url)
    if parsed.drivername in {"postgresql", "postgres", "postgresql+psycopg", "postgresql+psycopg2"}:
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


def create_engine(settings: EgovSettings, *, url: str | None = None, replica: bool = False) -> AsyncEngine:
    """An async engine (asyncpg) configured from ``settings.database``.

    Args:
        settings: pool size/overflow, statement timeout and connect timeout come from ``settings.database``.
        url: overrides ``settings.database.url`` (the embedded server passes its own).
        replica: an engine on a read replica: the ``read_*`` pool bounds and connect timeout, and
            ``application_name`` ``egov-read`` (so an operator tells them apart in ``pg_stat_activity``).

    Raises:
        StorageUnavailableError: no URL given or configured.
    """
    db = settings.database
    raw = url or (db.url.get_secret_value() if db.url is not None else None)
    if raw is None:
        raise StorageUnavailableError("no database URL configured (EGOV_DATABASE__URL); use open_store() for embedded")
    engine = create_async_engine(
        normalize_url(raw),
        pool_size=db.read_pool_size if replica else db.pool_size,
        max_overflow=db.read_max_overflow if replica else db.max_overflow,
        # No pool_pre_ping: it costs BEGIN + ping + ROLLBACK (three round trips) on every checkout, more
        # than a whole cached read. A closed socket is caught for free on checkout instead (below).
        pool_recycle=1800,
        # A replica whose pool is exhausted is passed over for the next one (or the primary) soon, not waited on.
        pool_timeout=db.read_connect_timeout_s if replica else 30.0,
        connect_args={
            "timeout": db.read_connect_timeout_s if replica else db.connect_timeout_s,
            "server_settings": {
                "statement_timeout": str(db.statement_timeout_ms),
                "application_name": "egov-read" if replica else "egov",
            },
        },
    )
    event.listen(engine.sync_engine.pool, "checkout", _reject_closed)
    return engine


def _reject_closed(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Pool checkout hook: a connection whose server side went away is replaced, not handed out.

    When PostgreSQL restarts or terminates a backend it closes the socket, and asyncpg marks the
    connection closed as soon as the event loop sees that; raising ``DisconnectionError`` here makes the
    pool discard it and check out (or open) another, with no round trip on the healthy path.
    """
    raw = getattr(dbapi_connection, "_connection", None)
    if raw is not None and raw.is_closed():
        raise DisconnectionError("connection closed by the server")


def _nothing_there(error: BaseException) -> str | None:
    """Why retrying cannot help, when nothing is there to wait for: no server listens at the address, the
    host name does not resolve, or the Unix socket does not exist. None for anything else."""
    if isinstance(error, ConnectionRefusedError):
        return "connection refused: no server listens there"
    if isinstance(error, socket.gaierror):
        return f"the host name does not resolve ({error.strerror})"
    if isinstance(error, FileNotFoundError):
        return "no server socket at that path"
    # asyncio joins the failures of every address a name resolves to (IPv6 and IPv4) into one OSError.
    message = str(error)
    if isinstance(error, OSError) and message.startswith("Multiple exceptions") and "Connect call failed" in message:
        return "connection refused: no server listens there"
    return None


def _where(engine: AsyncEngine) -> str:
    url = engine.url
    socket_dir = url.query.get("host")
    if url.host is None and socket_dir:
        return str(socket_dir)
    return f"{url.host or 'localhost'}:{url.port or 5432}"


async def wait_until_ready(engine: AsyncEngine, *, retries: int = 30, delay_s: float = 1.0) -> None:
    """Wait for the database to accept connections (compose starts it in parallel with the app).

    A server that is there but not ready yet (``the database system is starting up``, too many
    connections, a connection timeout) is retried up to ``retries`` times; an address where nothing is
    there (connection refused, a host name that does not resolve) fails at once: waiting will not help,
    and the operator should see the one line that says so rather than minutes of retries.

    Raises:
        StorageUnavailableError: nothing listens at the address, or still unreachable after ``retries`` retries.
    """
    attempt = 0
    while True:
        try:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return
        except Exception as error:
            if (reason := _nothing_there(error)) is not None:
                raise StorageUnavailableError(
                    f"database unavailable at {_where(engine)}: {reason} (check EGOV_DATABASE__URL)"
                ) from error
            if not is_unavailable(error) or attempt >= retries:
                with translate_errors():
                    raise
                raise  # pragma: no cover - translate_errors always raises
            attempt += 1
            _log.info("database not ready (%s), retry %d/%d", _short(error), attempt, retries)
            await asyncio.sleep(min(delay_s * attempt, 5.0))


def _short(error: BaseException) -> str:
    cause = getattr(error, "orig", None) or error
    return str(cause).splitlines()[0][:120] if str(cause) else type(cause).__name__


async def vector_available(engine: AsyncEngine) -> bool:
    """True when the ``vector`` extension is installed in the database."""
    with translate_errors():
        async with engine.connect() as conn:
            found = await conn.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'vector'"))
            return found.first() is not None


@dataclass(frozen=True, slots=True)
class Store:
    """An open store.

    Attributes:
        engine: the async engine.
        url: its SQLAlchemy URL (with password; do not log it).
        embedded: the embedded server handle, when egov started one.
        vector: True when pgvector is installed.
    """

    engine: AsyncEngine
    url: str
    embedded: EmbeddedPostgres | None
    vector: bool


@asynccontextmanager
async def open_store(settings: EgovSettings, *, run_migrations: bool = True) -> AsyncIterator[Store]:
    """Open the configured database (or start the embedded one), migrate it, and close it all on exit.

    Example::

        async with open_store(EgovSettings()) as store:
            summary = await ingest_laws(store.engine, [path])
    """
    embedded: EmbeddedPostgres | None = None
    if settings.database.url is None:
        embedded = EmbeddedPostgres(settings.database.embedded_dir)
        url = await embedded.astart()
    else:
        url = normalize_url(settings.database.url.get_secret_value())
    engine = create_engine(settings, url=url)
    try:
        await wait_until_ready(engine, retries=settings.database.connect_retries)
        if run_migrations:
            await migrate(engine)
        yield Store(engine=engine, url=url, embedded=embedded, vector=await vector_available(engine))
    finally:
        await engine.dispose()
        if embedded is not None:
            await embedded.astop()
