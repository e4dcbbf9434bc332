"""Database errors translated once, at the storage boundary, into egov's own hierarchy.

Callers above storage see only :class:`~egov_core.errors.StorageError` and
:class:`~egov_core.errors.StorageUnavailableError`, never asyncpg or SQLAlchemy exceptions.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information
from sqlalchemy import exc as sa_exc

from egov_core.errors import EgovError, StorageBusyError, StorageError, StorageUnavailableError

__all__ = ["DRIVER_ERRORS", "is_unavailable", "translate_error", "translate_errors", "wrap_storage_errors"]

_P = ParamSpec("_P")
_T = TypeVar("_T")

#: query_canceled: what a statement that ran into ``statement_timeout`` raises.
_QUERY_CANCELED = "57014"
# SQLSTATE classes meaning "the server is not there / not accepting us", as opposed to a failed statement.
_UNAVAILABLE_SQLSTATE_PREFIXES = ("08", "53", "57P")


def _sqlstate(error: BaseException) -> str | None:
    orig = getattr(error, "orig", None)
    for candidate in (error, orig, getattr(orig, "__cause__", None), error.__cause__):
        code = getattr(candidate, "sqlstate", None)
        if isinstance(code, str):
            return code
    return None


def is_unavailable(error: BaseException) -> bool:
    """True when ``error`` means the database cannot be reached (rather than that a statement failed)."""
    if isinstance(error, OSError | TimeoutError | asyncpg.exceptions.ConnectionDoesNotExistError):
        return True
    if isinstance(error, asyncpg.exceptions.InterfaceError | sa_exc.InterfaceError):
        return True
    if isinstance(error, asyncpg.exceptions.InternalClientError):
        # The client's view of the connection broke (a protocol state left behind by a closed or cancelled
        # operation): that connection is gone, the database is not at fault, and a retry gets a fresh one.
        return True
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return True
    orig = getattr(error, "orig", None)
    if orig is not None and orig is not error and is_unavailable(orig):
        return True
    code = _sqlstate(error)
    return code is not None and code.startswith(_UNAVAILABLE_SQLSTATE_PREFIXES)


#: Driver messages can quote whole statements or COPY data: keep what reaches logs and clients short.
_MAX_MESSAGE = 500


#: The exception classes the database driver stack raises; :func:`translate_error` turns each into an EgovError.
#: The API registers its one boundary handler for these, so an untranslated driver error is never a 500.
DRIVER_ERRORS: tuple[type[Exception], ...] = (
    sa_exc.SQLAlchemyError,
    asyncpg.PostgresError,
    asyncpg.exceptions.InterfaceError,
    asyncpg.exceptions.InternalClientError,
    OSError,
)


def translate_error(error: BaseException) -> EgovError:
    """The egov error for a driver error: :class:`StorageUnavailableError` when the database cannot be
    reached, :class:`StorageError` otherwise; an :class:`EgovError` is returned as it is."""
    if isinstance(error, EgovError):
        return error
    return _translate(error)


def _translate(error: BaseException) -> EgovError:
    message = str(error)
    if len(message) > _MAX_MESSAGE:
        message = message[:_MAX_MESSAGE] + "…"
    if _sqlstate(error) == _QUERY_CANCELED:
        return StorageBusyError(f"database busy: {message}")
    if isinstance(error, sa_exc.TimeoutError):
        # The pool's checkout wait ran out: every connection is in use, so the database is busy, not broken
        # (a 503 with Retry-After; it was a StorageError, a 500, when a burst outlasted the 30 s wait).
        return StorageBusyError(f"database busy: {message}")
    if is_unavailable(error):
        return StorageUnavailableError(f"database unavailable: {message}")
    return StorageError(f"database error: {message}")


@contextmanager
def translate_errors() -> Iterator[None]:
    """Re-raise asyncpg / SQLAlchemy / socket errors raised inside the block as egov storage errors."""
    try:
        yield
    except EgovError:
        raise
    except DRIVER_ERRORS as error:
        raise _translate(error) from error


def wrap_storage_errors(func: Callable[_P, Awaitable[_T]]) -> Callable[_P, Awaitable[_T]]:
    """Decorator: :func:`translate_errors` around an async function."""

    @functools.wraps(func)
    async def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        with translate_errors():
            return await func(*args, **kwargs)

    return wrapper
