"""Cached-GET throughput against the raw-ASGI ceiling, each app under Granian (1 worker) on a free port.

Scenarios (same response bytes everywhere: a real e-Gov v2 law_data payload):

- ``raw``: a bare ASGI callable sending fixed bytes — the ceiling.
- ``fastpath-l1``: FastAPI behind :class:`egov_api.fastpath.FastPath`, warmed, every request an L1 hit.
- ``fastpath-mw-l1``: the same, installed with ``app.add_middleware`` (inside Starlette's error middleware).
- ``fastpath-redis``: L1 disabled, every request a Redis (L2) hit — only when ``redis-server`` is installed.
- ``fastapi-bytes``: plain FastAPI returning the pre-serialized bytes, no cache (the uncached route floor).

Load: ``wrk`` when installed (``apt-get install -y wrk``), else a bounded httpx client. Prints requests/s,
p50/p99 latency, server CPU-µs per request (psutil CPU times of the Granian processes / requests) and the
ratio to the raw ceiling, both as requests/s and as CPU per request (raw CPU-µs / scenario CPU-µs, which
is steadier on a busy machine). Run: ``python packages/egov-api/benchmarks/bench_fastpath.py [--duration 5]``.
Not part of the test run; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psutil  # type: ignore[import-untyped]  # no types-psutil in the dev set

HERE = Path(__file__).resolve().parent
_SHARED = Path(os.environ.get("EGOV_SHARED_DATA", HERE.parents[3] / "shared" / "data"))
_PAYLOAD = _SHARED / "egov_api" / "v2" / "law_data.json"
BODY = _PAYLOAD.read_bytes() if _PAYLOAD.is_file() else b'{"law_info":{"law_id":"411AC0000000127"}}' * 80
PATH = "/v1/laws/411AC0000000127/provisions/MainProvision-Article_1"


# --- the apps Granian serves (imported by the worker as ``bench_fastpath:<name>``) -----------------


async def raw_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The ceiling: the least an ASGI app can do to answer with these bytes."""
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(BODY))],
        }
    )
    await send({"type": "http.response.body", "body": BODY})


def _fastapi(mark: bool) -> Any:
    from fastapi import FastAPI, Response

    from egov_api.fastpath import mark_cacheable

    app = FastAPI()

    @app.get("/v1/laws/{law_id}/provisions/{path}")
    async def provision(law_id: str, path: str) -> Response:
        out = Response(BODY, media_type="application/json")
        if mark:
            mark_cacheable(out, "provision")
        return out

    return app


def _cache(redis_url: str | None) -> Any:
    from egov_core.cache import StaticVersion, TieredCache
    from egov_core.settings import CacheSettings, RedisSettings

    settings = CacheSettings(l1_max_bytes=0 if redis_url else 64 * 1024 * 1024)
    return TieredCache.from_settings(
        settings, RedisSettings(url=redis_url, key_prefix="bench"), version=StaticVersion(1)
    )


def fastpath_app() -> Any:
    """FastAPI behind the fast path, wrapped from outside (the cheapest mounting)."""
    from egov_api.fastpath import FastPath

    return FastPath(_fastapi(True), cache=_cache(os.environ.get("BENCH_REDIS_URL")))


def fastpath_mw_app() -> Any:
    """FastAPI with the fast path installed through ``add_middleware``."""
    from egov_api.fastpath import FastPath

    app = _fastapi(True)
    app.add_middleware(FastPath, cache=_cache(None))
    return app


def fastapi_bytes_app() -> Any:
    """Plain FastAPI returning pre-serialized bytes (no cache)."""
    return _fastapi(False)


# --- driving them ---------------------------------------------------------------------------------


@dataclass
class Result:
    """One scenario's numbers."""

    name: str
    rps: float
    p50_ms: float
    p99_ms: float
    cpu_us: float


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _granian(target: str, *, factory: bool, env: dict[str, str] | None = None) -> Iterator[tuple[str, psutil.Process]]:
    port = _free_port()
    granian = Path(sys.executable).with_name("granian")
    args = [str(granian), "--interface", "asgi", "--workers", "1", "--host", "127.0.0.1", "--port", str(port)]
    args += ["--working-dir", str(HERE), "--log-level", "warning", *(["--factory"] if factory else []), target]
    proc = subprocess.Popen(args, env={**os.environ, **(env or {})})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + PATH, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"granian {target} did not start")
            time.sleep(0.1)
        yield base, psutil.Process(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _cpu_seconds(proc: psutil.Process) -> float:
    total = 0.0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            t = p.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += t.user + t.system
    return total


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def _wrk(url: str, duration: float, connections: int) -> tuple[int, float, float, float]:
    """Run wrk; returns (requests, seconds, p50 ms, p99 ms)."""
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(duration))}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def pct(p: str) -> float:
        m = re.search(rf"^\s*{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        return float(m.group(1)) * _UNITS[m.group(2)] if m else float("nan")

    m = re.search(r"(\d+) requests in ([\d.]+)(s|m)", out)
    if m is None:
        raise RuntimeError(out)
    seconds = float(m.group(2)) * (60 if m.group(3) == "m" else 1)
    return int(m.group(1)), seconds, pct("50"), pct("99")


async def _httpx_load(url: str, duration: float, connections: int) -> tuple[int, float, float, float]:
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=10) as client:
        deadline = time.monotonic() + duration

        async def worker() -> None:
            while time.monotonic() < deadline:
                t = time.perf_counter()
                r = await client.get(url)
                latencies.append((time.perf_counter() - t) * 1000)
                r.raise_for_status()

        started = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.monotonic() - started
    latencies.sort()
    return len(latencies), elapsed, latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.99)]


def _measure(name: str, base: str, server: psutil.Process, duration: float, connections: int) -> Result:
    url = base + PATH
    for _ in range(50):  # warm: fill the cache, JIT nothing, settle connections
        httpx.get(url, timeout=5).raise_for_status()
    cpu0 = _cpu_seconds(server)
    if shutil.which("wrk"):
        n, seconds, p50, p99 = _wrk(url, duration, connections)
    else:
        n, seconds, p50, p99 = asyncio.run(_httpx_load(url, duration, min(connections, 16)))
    cpu = _cpu_seconds(server) - cpu0
    return Result(name, n / seconds, p50, p99, cpu / max(n, 1) * 1e6)


@contextmanager
def _redis() -> Iterator[str | None]:
    exe = shutil.which("redis-server")
    if exe is None:
        yield None
        return
    port = _free_port()
    proc = subprocess.Popen(
        [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        time.sleep(0.3)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main(argv: list[str] | None = None) -> dict[str, Result]:
    """Run every scenario ``--rounds`` times (interleaved), print the median round of each, return them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds of load per scenario and round")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; the median is reported")
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args(argv)
    runs: dict[str, list[Result]] = {}
    with _redis() as redis_url, ExitStack() as stack:
        scenarios: list[tuple[str, str, bool, dict[str, str]]] = [
            ("raw", "bench_fastpath:raw_app", False, {}),
            ("fastpath-l1", "bench_fastpath:fastpath_app", True, {}),
            ("fastpath-mw-l1", "bench_fastpath:fastpath_mw_app", True, {}),
            ("fastapi-bytes", "bench_fastpath:fastapi_bytes_app", True, {}),
        ]
        if redis_url:
            scenarios.append(("fastpath-redis", "bench_fastpath:fastpath_app", True, {"BENCH_REDIS_URL": redis_url}))
        # All servers up at once, then interleaved rounds, so drifting load on a shared machine hits each alike.
        servers = {name: stack.enter_context(_granian(t, factory=f, env=e)) for name, t, f, e in scenarios}
        for _ in range(args.rounds):
            for name, (base, proc) in servers.items():
                runs.setdefault(name, []).append(_measure(name, base, proc, args.duration, args.connections))
    results = {name: sorted(rs, key=lambda r: r.rps)[len(rs) // 2] for name, rs in runs.items()}
    raw = results["raw"]
    tool = "wrk" if shutil.which("wrk") else "httpx"
    print(
        f"body {len(BODY)} bytes, {args.duration:.0f} s x {args.rounds} rounds per scenario (median shown), "
        f"{args.connections} connections, load: {tool}, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(
        f"{'scenario':<16}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'CPU-µs/req':>12}{'req/s vs raw':>14}{'CPU vs raw':>12}"
    )
    for r in results.values():
        print(
            f"{r.name:<16}{r.rps:>9.0f}{r.p50_ms:>9.2f}{r.p99_ms:>9.2f}{r.cpu_us:>12.0f}"
            f"{r.rps / raw.rps:>14.0%}{raw.cpu_us / r.cpu_us:>12.0%}"
        )
    return results


if __name__ == "__main__":
    main()
