"""The environment header of a report: machine, Python, servers, package versions, corpus size."""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.infra import ADMIN_URL

PACKAGES: tuple[str, ...] = (
    "egov-core",
    "egov-api",
    "egov-vector",
    "granian",
    "uvicorn",
    "fastapi",
    "starlette",
    "sqlalchemy",
)
PACKAGES += ("asyncpg", "redis", "lxml", "pydantic", "orjson", "httpx", "matplotlib")


def _version(cmd: list[str]) -> str | None:
    if shutil.which(cmd[0]) is None:
        return None
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=10, check=False)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    return None


def postgres_version() -> str | None:
    """``server_version`` of the PostgreSQL the bench uses."""
    import asyncio

    import asyncpg  # type: ignore[import-untyped]  # no stubs

    async def ask() -> str | None:
        conn = await asyncpg.connect(ADMIN_URL, timeout=5)
        try:
            value = await conn.fetchval("SHOW server_version")
            return str(value) if value is not None else None
        finally:
            await conn.close()

    with contextlib.suppress(OSError, asyncpg.PostgresError):
        return asyncio.run(ask())
    return None


def redis_version() -> str | None:
    """The version of the ``redis-server`` binary the bench starts."""
    line = _version(["redis-server", "--version"])
    m = re.search(r"v=([\d.]+)", line or "")
    return m.group(1) if m else line


def corpus_size(law_files: list[Path], extra_dirs: list[Path]) -> dict[str, Any]:
    """Files and MB of the laws the run ingests (plus revision files)."""
    law_bytes = sum(p.stat().st_size for p in law_files)
    extra = [p for d in extra_dirs if d.is_dir() for p in d.rglob("*.xml")]
    return {
        "law_files": len(law_files),
        "law_mb": round(law_bytes / 1e6, 1),
        "revision_files": len(extra),
        "revision_mb": round(sum(p.stat().st_size for p in extra) / 1e6, 1),
    }


def environment() -> dict[str, Any]:
    """Everything a reader needs to place the figures."""
    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    cpu_model = None
    with contextlib.suppress(OSError):
        m = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu_model = m.group(1) if m else None
    return {
        "cpu_count": os.cpu_count(),
        "affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_model": cpu_model,
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "postgresql": postgres_version(),
        "redis": redis_version(),
        "wrk": _version(["wrk", "--version"]),
        "packages": versions,
        "load_avg_start": os.getloadavg(),
    }
