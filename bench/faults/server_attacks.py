"""Attacks on the running server: costly and oversized inputs, bad characters, method and header abuse,
idle floods and slowloris, a burst past the quota, Redis and PostgreSQL failing under load."""

from __future__ import annotations

import asyncio
import contextlib
import re
import resource
import secrets
import signal
import socket
import time
from typing import Any
from urllib.parse import urlsplit

import httpx

from bench.faults.load import Tally, run_for
from bench.faults.rows import Row
from bench.faults.stack import OPS, Stack

MB = 1e6
#: Worker RSS may grow this much over a row (issue 13: < 50 MB).
RSS_GROWTH_MB = 50.0


def _client(stack: Stack, timeout: float = 30.0, **kwargs: object) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    return httpx.AsyncClient(base_url=stack.base, timeout=timeout, limits=limits, **kwargs)  # type: ignore[arg-type]


def _as_client() -> dict[str, str]:
    """A fresh client address (X-Forwarded-For from the trusted 127.0.0.1): every attack row has its own quota."""
    return {"x-forwarded-for": f"198.18.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"}


def _finish(row: Row, stack: Stack, *, caches_mb: float = 0.0) -> Row:
    """Alive, and RSS grown less than :data:`RSS_GROWTH_MB` (plus ``caches_mb``: what the row's answers may
    fill of the workers' bounded caches)."""
    row.rss_after = stack.rss_mb()
    row.check("server alive", stack.alive())
    if row.rss_before is not None:
        bound = RSS_GROWTH_MB + caches_mb
        label = f"RSS growth < {bound:.0f} MB" + (
            f" ({RSS_GROWTH_MB:.0f} + caches {caches_mb:.0f})" if caches_mb else ""
        )
        row.check(label, row.rss_after - row.rss_before < bound)
    return row


def costly_citations(stack: Stack, quick: bool) -> Row:
    """Inputs that were quadratic (issue 13), each inside the documented 100,000-character limit, sent at once."""
    texts = ["第一条" * 33_333, "民法第七百九条" * 3_000, "一" * 100_000]
    copies = 1 if quick else 3
    row = Row("citations: formerly quadratic inputs", Tally(), rss_before=stack.rss_mb())
    biggest = 0

    async def go() -> None:
        nonlocal biggest
        async with _client(stack, timeout=60, headers=_as_client()) as client:
            answers = await asyncio.gather(
                *(
                    row.tally.send(client, "POST", "/v1/citations", json={"text": t})
                    for t in texts
                    for _ in range(copies)
                )
            )
        biggest = max((len(a.content) for a in answers if a is not None), default=0)

    asyncio.run(go())
    row.check("0 5xx, 0 timeouts", row.tally.server_errors == 0 and row.tally.timeouts == 0)
    row.check("every answer < 10 s", row.tally.worst_s < 10)
    row.check(f"largest body {biggest / MB:.1f} MB < 10 MB", biggest < 10 * MB)
    return _finish(row, stack)


def oversized(stack: Stack, quick: bool) -> Row:
    """Past every documented limit: body, text, query, headers, parameters."""
    row = Row("oversized bodies, queries, headers", Tally(), rss_before=stack.rss_mb())
    expect_4xx = 0

    async def go() -> None:
        nonlocal expect_4xx
        async with _client(stack, headers=_as_client()) as client:
            json = {"content-type": "application/json"}
            probes: list[tuple[str, str, dict[str, Any]]] = [
                ("POST", "/v1/citations", {"content": b"x" * 2_000_000, "headers": json}),
                ("POST", "/v1/citations", {"json": {"text": "民" * 100_001}}),
                ("POST", "/v1/citations", {"content": b"{" * 500_000, "headers": json}),
                ("POST", "/v1/citations", {"json": {"text": "\u0000" * 50_000}}),
                ("GET", "/v1/search", {"params": {"q": "税" * 5_000}}),
                ("GET", "/v1/laws", {"params": {f"p{i}": "x" for i in range(500)}}),
                ("GET", "/v1/laws", {"params": {"limit": "9" * 400}}),
            ]
            for method, url, kwargs in probes:
                timeouts = row.tally.timeouts
                r = await row.tally.send(client, method, url, **kwargs)
                if r is None and row.tally.timeouts == timeouts:
                    # The server answered 413 and closed while the client was still uploading (a race the
                    # client sees as ReadError): a refusal, not a server error. A crash would show in the
                    # next probes and rows.
                    row.tally.server_errors -= 1
                    row.tally.notes.append(f"{method} {url}: connection closed on the oversized request")
                    expect_4xx += 1
                elif r is not None and 400 <= r.status_code < 500:
                    expect_4xx += 1
            # Headers are bounded by Granian's HTTP/1 buffer (408 KB): a large one is read, a huge one refused.
            big = await row.tally.send(client, "GET", "/v1/laws", headers={"x-big": "a" * 60_000})
            if big is not None and big.status_code < 500:
                expect_4xx += 1  # within the bound: answered
            huge = await row.tally.send(client, "GET", "/v1/laws", headers={"x-big": "a" * 1_000_000})
            if huge is None:
                row.tally.server_errors -= 1  # closed on it: a refusal, not a server error
                row.tally.notes.append("1 MB header: connection closed by Granian")
                expect_4xx += 1
            elif 400 <= huge.status_code < 500:
                expect_4xx += 1

    asyncio.run(go())
    row.check("0 5xx, 0 timeouts", row.tally.server_errors == 0 and row.tally.timeouts == 0)
    row.check("every probe refused with a 4xx", expect_4xx == row.tally.requests)
    return _finish(row, stack)


METHOD_LABELS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "OTHER"}
#: Refused everywhere (tab, LF and CR are allowed in query values: pasted text; the path refuses them too).
BAD = ["%00", "%01", "%0B", "%1B", "%7F", "%FF", "%C3%28", "%ED%A0%80"]


def bad_characters(stack: Stack, quick: bool) -> Row:
    """NUL, control characters and invalid UTF-8 in every path and query parameter of every documented route."""
    row = Row("NUL / control / invalid UTF-8 sweep", Tally(), rss_before=stack.rss_mb())
    refused = 0

    async def go() -> None:
        nonlocal refused
        async with _client(stack, headers={"authorization": OPS["authorization"]}) as client:
            spec = (await client.get("/openapi.json")).json()
            for template, ops in spec["paths"].items():
                for method, op in ops.items():
                    params = op.get("parameters", [])
                    path_params = [p["name"] for p in params if p["in"] == "path"]
                    query_params = [p["name"] for p in params if p["in"] == "query"]
                    good = dict.fromkeys(path_params, "129AC0000000089")
                    urls = []
                    for bad in BAD[:2] if quick else BAD:
                        urls += [template.format(**(good | {n: "Article_1" + bad})) for n in path_params]
                        urls += [template.format(**good) + f"?{n}=a{bad}" for n in query_params]
                    for url in urls:
                        r = await row.tally.send(client, method.upper(), url)
                        if r is not None and r.status_code in (400, 422):
                            refused += 1

    asyncio.run(go())
    row.check("0 5xx, 0 timeouts", row.tally.server_errors == 0 and row.tally.timeouts == 0)
    row.check(f"every request refused 400/422 ({refused}/{row.tally.requests})", refused == row.tally.requests)
    return _finish(row, stack)


def methods_and_headers(stack: Stack, quick: bool) -> Row:
    """Invented methods (metric labels), a forged Host on a trailing slash (open redirect), junk headers."""
    row = Row("methods, Host, redirects, junk headers", Tally(), rss_before=stack.rss_mb())
    host = urlsplit(stack.base)
    count = 200 if quick else 4000
    redirected_to_host = 0

    def labels() -> tuple[set[str], set[str], int]:
        """(methods, routes, most lines) over a few scrapes: each worker keeps its own metrics."""
        methods: set[str] = set()
        routes: set[str] = set()
        most = 0
        for _ in range(6):
            text = httpx.get(stack.base + "/metrics", headers=OPS, timeout=30).text
            methods |= set(re.findall(r'method="([^"]*)"', text))
            routes |= set(re.findall(r'route="([^"]*)"', text))
            most = max(most, len(text.splitlines()))
        return methods, routes, most

    _, _, before = labels()
    started = time.monotonic()
    for i in range(count):
        t0 = time.monotonic()
        request = (
            f"M{secrets.token_hex(3).upper()} /v1/x{i}/ HTTP/1.1\r\nhost: x\r\nx-forwarded-for: 198.18.0.{i % 250}\r\n"
            "connection: close\r\n\r\n"
        )
        try:
            with socket.create_connection((host.hostname, host.port), timeout=10) as sock:
                sock.sendall(request.encode())
                head = sock.recv(4096)
        except OSError:
            row.tally.record(None, time.monotonic() - t0)
            continue
        row.tally.requests += 1
        row.tally.worst_s = max(row.tally.worst_s, time.monotonic() - t0)
        if head.startswith(b"HTTP/1.1 5"):
            row.tally.server_errors += 1
    with httpx.Client(base_url=stack.base, timeout=10, headers=_as_client()) as client:
        for path in ("/v1/laws/", "/v1/laws/129AC0000000089/", "/docs/"):
            r = client.get(path, headers={"host": "evil.example"})
            row.tally.record(r, 0.0)
            if "evil.example" in r.headers.get("location", ""):
                redirected_to_host += 1
        for headers in ({"cookie": "a=" + "b" * 8000}, {"accept": "x/y;" * 500}, {"if-none-match": '"' * 4000}):
            row.tally.record(client.get("/v1/laws", headers=headers), 0.0)
    methods, routes, after = labels()
    row.check("0 5xx", row.tally.server_errors == 0)
    row.check("no redirect to the Host header", redirected_to_host == 0)
    row.check(f"method labels from the fixed set ({len(methods)})", methods <= METHOD_LABELS)
    row.check(f"route labels are templates ({len(routes)})", not any("/v1/x" in r for r in routes))
    row.tally.notes.append(f"/metrics {before} → {after} lines (largest of 6 scrapes)")
    row.tally.notes.append(f"{count} invented methods in {time.monotonic() - started:.0f} s")
    return _finish(row, stack)


def _open_idle(host: str, port: int, n: int) -> list[socket.socket]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < n + 500:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, n + 1000), hard))
    socks = []
    for _ in range(n):
        try:
            socks.append(socket.create_connection((host, port), timeout=5))
        except OSError:
            break
    return socks


def idle_flood(stack: Stack, quick: bool) -> Row:
    """5,000 connections that never speak plus slowloris heads; a normal client's /health meanwhile."""
    n = 1000 if quick else 5000
    row = Row(f"idle flood ({n:,}) + slowloris", Tally(), rss_before=stack.rss_mb())
    url = urlsplit(stack.base)
    assert url.hostname is not None
    assert url.port is not None
    socks = _open_idle(url.hostname, url.port, n)
    drips = _open_idle(url.hostname, url.port, 50)
    for s in drips:
        with contextlib.suppress(OSError):
            s.sendall(b"GET /health HTTP/1.1\r\n")
    latencies: list[float] = []
    with httpx.Client(base_url=stack.base, timeout=10) as client:
        for _ in range(60):
            started = time.monotonic()
            try:
                r = client.get("/health")
                row.tally.record(r, time.monotonic() - started)
            except httpx.TimeoutException:
                row.tally.record(None, time.monotonic() - started, timed_out=True)
            latencies.append(time.monotonic() - started)
            for s in drips:
                with contextlib.suppress(OSError):
                    s.sendall(b"x-drip: 1\r\n")
            time.sleep(0.05)
    time.sleep(3.0)  # past the 2 s header-read timeout of the stack
    closed = 0
    for s in socks + drips:
        s.setblocking(False)
        try:
            closed += s.recv(1) == b""
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
        s.close()
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1] if latencies else 0.0
    row.check(f"opened {len(socks):,} idle connections", len(socks) >= n * 0.95)
    row.check(f"/health p99 {p99 * 1000:.0f} ms < 100 ms", p99 < 0.1)
    row.check(
        f"idle and slowloris closed by the server ({closed:,}/{len(socks) + len(drips):,})",
        closed == len(socks) + len(drips),
    )
    row.check("0 5xx, 0 timeouts", row.tally.server_errors == 0 and row.tally.timeouts == 0)
    return _finish(row, stack)


def quota_burst(stack: Stack, quick: bool) -> Row:
    """One client sends 700 requests at once against a 600-per-minute quota."""
    row = Row("burst past the quota (600/min)", Tally(), rss_before=stack.rss_mb())
    bad_429 = 0
    missing_headers = 0
    limited = 0

    async def go() -> None:
        nonlocal bad_429, missing_headers, limited
        me = _as_client()
        async with _client(stack, headers=me) as client:
            # Quotas are fixed windows: a burst across a window's end is two smaller bursts. Start early in one.
            first = await client.get("/v1/laws", params={"limit": 1})
            left = int(first.headers["ratelimit"].rsplit("t=", 1)[1])
            if left < 30:
                await asyncio.sleep(left + 1)
            sem = asyncio.Semaphore(20)

            async def one(i: int) -> None:
                nonlocal bad_429, missing_headers, limited
                async with sem:
                    r = await row.tally.send(client, "GET", "/v1/laws", params={"limit": 1 + i % 5})
                if r is None:
                    return
                if "ratelimit" not in r.headers or "ratelimit-policy" not in r.headers:
                    missing_headers += 1
                if r.status_code == 429:
                    limited += 1
                    retry = r.headers.get("retry-after", "")
                    if (
                        not retry.isdigit()
                        or not 1 <= int(retry) <= 60
                        or not r.headers["ratelimit"].startswith('"default";r=0;')
                    ):
                        bad_429 += 1

            await asyncio.gather(*(one(i) for i in range(700)))

    asyncio.run(go())
    # A count whose Redis reply came too late (a loaded machine) is counted in-process only: allow 10 %.
    row.check(f"quota held within 10 % ({700 - limited} of 700 let through, quota 600)", 700 - limited <= 660)
    row.check("every 429 has Retry-After and r=0", bad_429 == 0)
    row.check("RateLimit headers on every answer", missing_headers == 0)
    row.check("0 5xx", row.tally.server_errors == 0)
    return _finish(row, stack)


def _uncached_load(stack: Stack, row: Row, seconds: float, during: list[tuple[float, str]]) -> None:
    """Fresh (uncached) reads and searches from 8 loops for ``seconds``, running ``during`` actions on time."""
    words = ["契約", "損害", "賠償", "責任", "労働", "解雇", "税", "会社", "取締役", "個人情報"]

    async def go() -> None:
        async with _client(stack, timeout=10) as client:
            tag = secrets.token_hex(3)

            async def one(i: int) -> None:
                ip = {"x-forwarded-for": f"198.19.{i % 200}.{i % 250 + 1}"}
                if i % 3 == 0:
                    await row.tally.send(
                        client, "GET", "/v1/search", params={"q": f"{words[i % 10]} {tag}{i}"}, headers=ip
                    )
                elif i % 3 == 1:
                    await row.tally.send(
                        client, "GET", "/v1/laws", params={"offset": i % 30, "title": tag[: i % 3]}, headers=ip
                    )
                else:
                    await row.tally.send(
                        client, "POST", "/v1/citations", json={"text": f"民法第{i % 700 + 1}条 {tag}"}, headers=ip
                    )

            async def actions() -> None:
                started = time.monotonic()
                for at, what in during:
                    await asyncio.sleep(max(0.0, at - (time.monotonic() - started)))
                    await asyncio.to_thread(_act, stack, what)

            await asyncio.gather(run_for(seconds, 8, one), actions())

    asyncio.run(go())


def _act(stack: Stack, what: str) -> None:
    if what == "redis-stop":
        stack.redis.signal(signal.SIGSTOP)
    elif what == "redis-cont":
        stack.redis.signal(signal.SIGCONT)
    elif what == "redis-kill":
        stack.redis.kill()
    elif what == "redis-start":
        stack.redis.start()
    elif what == "pg-terminate":
        stack.terminate_backends()


def redis_faults(stack: Stack, quick: bool) -> Row:
    """Redis paused (SIGSTOP), resumed, killed and restarted while clients read and search."""
    row = Row("Redis SIGSTOP / SIGKILL / restart under load", Tally(), rss_before=stack.rss_mb())
    plan = [(2.0, "redis-stop"), (5.0, "redis-cont"), (7.0, "redis-kill"), (10.0, "redis-start")]
    _uncached_load(stack, row, 6.0 if quick else 13.0, plan[:2] if quick else plan)
    row.check("0 5xx, 0 timeouts", row.tally.server_errors == 0 and row.tally.timeouts == 0)
    row.check(f"worst {row.tally.worst_s:.2f} s < 5 s", row.tally.worst_s < 5)
    return _finish(row, stack)


def postgres_terminated(stack: Stack, quick: bool) -> Row:
    """pg_terminate_backend on every connection of the app, every second, under load."""
    row = Row("pg_terminate_backend under load", Tally(), rss_before=stack.rss_mb())
    seconds = 5.0 if quick else 10.0
    _uncached_load(stack, row, seconds, [(1.0 + i, "pg-terminate") for i in range(int(seconds) - 1)])
    row.check("0 5xx (503 + Retry-After allowed), 0 timeouts", row.tally.server_errors == 0 and row.tally.timeouts == 0)
    with httpx.Client(base_url=stack.base, timeout=10) as client:
        ok = client.get("/v1/laws", params={"limit": 2}, headers=_as_client()).status_code == 200
    row.check("serves again right after", ok)
    return _finish(row, stack)
