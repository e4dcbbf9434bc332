"""Load generation from a separate process on loopback: ``wrk`` when installed, else a raw asyncio client.

Each measurement is bounded in time and cycles through a list of paths (so uncached search sees a mix of
queries rather than one). Returns requests, seconds, p50/p90/p99 in ms, the count of failed requests and
what they were (by status code, or the socket error: a 503 the server sent to shed load is not a client
timeout). Failed requests are counted in ``requests`` too.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.infra import REPO

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}

_LUA = """
paths = {%s}
i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
"""


@dataclass
class Load:
    """The client-side view of one bounded load window."""

    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    errors: int
    tool: str
    #: What the failures were: ``{"503": n}`` by status code (wrk only says ``"non-2xx"``), or wrk's socket
    #: errors (``"connect"``, ``"read"``, ``"write"``, ``"timeout"``: its 30 s client timeout).
    failures: dict[str, int] = field(default_factory=dict)


def tool() -> str:
    """``wrk`` when installed (``BENCH_LOAD=python`` forces the Python client), else ``python``."""
    if os.environ.get("BENCH_LOAD") == "python":
        return "python"
    return "wrk" if shutil.which("wrk") else "python"


def _lua_string(path: str) -> str:
    # Paths are percent-encoded first, so they hold only characters a Lua string takes as they are.
    return f'"{path}"'


def _wrk(base: str, paths: list[str], duration: float, connections: int) -> Load:
    from urllib.parse import quote

    quoted = [quote(p, safe="/?=&-_.%") for p in paths]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(_LUA % ", ".join(_lua_string(p) for p in quoted))
        script = f.name
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{max(1, round(duration))}s",
                "--timeout",
                "30s",
                "--latency",
                "-s",
                script,
                base + quoted[0],
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        Path(script).unlink()

    def pct(p: str) -> float:
        m = re.search(rf"^\s*{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        return float(m.group(1)) * _UNITS[m.group(2)] if m else float("nan")

    m = re.search(r"(\d+) requests in ([\d.]+)(ms|s|m)", out)
    if m is None:
        raise RuntimeError(out)
    seconds = float(m.group(2)) * {"ms": 1e-3, "s": 1.0, "m": 60.0}[m.group(3)]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errs = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    failures = {"non-2xx": int(bad.group(1))} if bad else {}
    if errs:
        failures |= {
            kind: int(n) for kind, n in zip(("connect", "read", "write", "timeout"), errs.groups(), strict=True)
        }
    failures = {kind: n for kind, n in failures.items() if n}
    return Load(int(m.group(1)), seconds, pct("50"), pct("90"), pct("99"), sum(failures.values()), "wrk", failures)


async def _python(base: str, paths: list[str], duration: float, connections: int) -> dict[str, Any]:
    """Keep-alive HTTP/1.1 over raw asyncio streams: a client light enough not to be the bottleneck
    (an httpx client topped out near 100 requests/s at 64 connections on 2 cores, below any server)."""
    from urllib.parse import quote, urlsplit

    url = urlsplit(base)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    requests = [
        f"GET {quote(p, safe='/?=&-_.%')} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: */*\r\n\r\n".encode()
        for p in paths
    ]
    latencies: list[float] = []
    failures: Counter[str] = Counter()
    deadline = time.monotonic() + duration

    async def worker(k: int) -> None:
        reader, writer = await asyncio.open_connection(host, port)
        i = k
        try:
            while time.monotonic() < deadline:
                t = time.perf_counter()
                writer.write(requests[i % len(requests)])
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head[9:12])
                m = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head)
                if m is None:
                    raise RuntimeError(f"response without content-length: {head[:200]!r}")
                await reader.readexactly(int(m.group(1)))
                latencies.append((time.perf_counter() - t) * 1000)
                if status >= 400:
                    failures[str(status)] += 1
                i += 1
        finally:
            writer.close()

    started = time.monotonic()
    await asyncio.gather(*(worker(k) for k in range(connections)))
    elapsed = time.monotonic() - started
    latencies.sort()
    n = len(latencies)

    def pct(q: float) -> float:
        return latencies[min(n - 1, int(n * q))] if n else float("nan")

    return {
        "requests": n,
        "seconds": elapsed,
        "p50": pct(0.5),
        "p90": pct(0.9),
        "p99": pct(0.99),
        "errors": sum(failures.values()),
        "failures": dict(failures),
    }


def run_load(base: str, paths: list[str], duration: float, connections: int) -> Load:
    """Drive ``base`` with ``connections`` keep-alive connections for ``duration`` seconds, cycling ``paths``."""
    if tool() == "wrk":
        return _wrk(base, paths, duration, connections)
    job = json.dumps({"base": base, "paths": paths, "duration": duration, "connections": connections})
    done = subprocess.run(
        [sys.executable, "-m", "bench.load"], input=job, capture_output=True, text=True, check=True, cwd=REPO
    )
    r = json.loads(done.stdout)
    return Load(
        int(r["requests"]), r["seconds"], r["p50"], r["p90"], r["p99"], int(r["errors"]), "python", r["failures"]
    )


if __name__ == "__main__":
    _job = json.loads(sys.stdin.read())
    print(json.dumps(asyncio.run(_python(_job["base"], _job["paths"], _job["duration"], _job["connections"]))))
