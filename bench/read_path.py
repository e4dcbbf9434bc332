"""``python -m bench.read_path DATABASE_URL``: where an uncached read's CPU goes, layer by layer, in process.

The app is driven as an ASGI callable in this process (no server, no client, cache off, quotas off), so each
figure is this process's CPU time per request (``time.process_time``: user + system, waiting excluded but the
wake-ups it costs included). Layers, outermost first: the whole stack (edge: security headers, gate, input
check; the cache fast paths; FastAPI's middleware: errors, body limits, metrics, work budget); the FastAPI app;
its router alone; and the route's own work (a pooled connection and the one statement; the view). ``--profile``
adds cProfile's top functions (by own CPU time) for the whole stack. Run it over a loaded store, e.g. the
bench's or ``egov ingest``'s; the figures are for comparing layers and changes on one machine, the bench's
HTTP ratios are the machine-independent ones.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import io
import pstats
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from sqlalchemy import text

from egov_api.app import create_app
from egov_api.lifespan import lifespan_of
from egov_api.routes.provisions import current_provision_view
from egov_core.settings import EgovSettings
from egov_core.store import current_provision_context

ARTICLE = ("129AC0000000089", "MainProvision-Article_709")
ARTICLE_URL = "/v1/laws/129AC0000000089/articles/709"
SEARCHES = tuple(f"/v1/search?q={q}" for q in ("債権", "解雇", "過失", "契約", "相続", "賃金"))
Asgi = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


def _scope(url: str) -> dict[str, Any]:
    # Percent-encoded as a client sends it: raw UTF-8 in the query string is read as Latin-1 (Starlette's
    # QueryParams), so a search for 債権 searched for mojibake and found nothing.
    path, _, query = url.partition("?")
    query = quote(query, safe="=&")
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode("ascii"),
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1:8000"), (b"user-agent", b"bench"), (b"accept", b"*/*")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def _request(app: Asgi, url: str) -> bytes:
    sent: list[dict[str, Any]] = []
    received = False

    async def receive() -> dict[str, Any]:
        nonlocal received
        if received:  # the client stays connected: block as a live connection does
            await asyncio.Event().wait()
        received = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(_scope(url), receive, send)
    if sent[0]["status"] != 200:
        raise RuntimeError(f"GET {url} -> {sent[0]['status']}")
    return b"".join(m.get("body", b"") for m in sent[1:])


async def _cpu_us(work: Callable[[], Awaitable[Any]], n: int) -> float:
    for _ in range(max(20, n // 20)):
        await work()
    start = time.process_time()
    for _ in range(n):
        await work()
    return (time.process_time() - start) / n * 1e6


def _fastapi(app: Any) -> Any:
    while type(app).__name__ != "FastAPI":
        app = app.__dict__["app"]
    return app


async def measure(url: str, n: int, profile: bool) -> list[tuple[str, float]]:
    """(layer, CPU-µs per request) rows; prints cProfile's top functions when ``profile``."""
    settings = EgovSettings(
        database={"url": url},
        cache={"enabled": False},
        api={"load_sample_if_empty": False, "rate_limit": {"enabled": False}},
    )
    app: Any = create_app(settings)
    rows: list[tuple[str, float]] = []
    async with lifespan_of(app):
        inner = _fastapi(app)
        database = inner.state.egov.database
        turn = iter(range(1 << 62))

        for url in SEARCHES:  # a search that finds nothing measures nothing
            if b'"total":0,' in await _request(app, url):
                raise RuntimeError(f"GET {url} found nothing: load a corpus with these words in it")

        def searching(target: Asgi) -> Callable[[], Awaitable[bytes]]:
            return lambda: _request(target, SEARCHES[next(turn) % len(SEARCHES)])

        async def routed(scope: dict[str, Any], receive: Any, send: Any) -> None:
            async with contextlib.AsyncExitStack() as stack:
                scope |= {"fastapi_middleware_astack": stack, "fastapi_inner_astack": stack, "app": inner}
                await inner.router(scope, receive, send)

        async def checkout() -> None:
            async with database.read():
                pass

        async def one_statement() -> None:
            async with database.read() as conn:
                await current_provision_context(conn, *ARTICLE)

        async def statement_and_view() -> None:
            async with database.read() as conn:
                await current_provision_view(conn, *ARTICLE)

        async def select_1() -> None:
            async with database.read() as conn:
                await conn.execute(text("SELECT 1"))

        for label, work in [
            ("article: whole stack", lambda: _request(app, ARTICLE_URL)),
            ("article: FastAPI app (its middleware + router)", lambda: _request(inner, ARTICLE_URL)),
            ("article: router alone", lambda: _request(routed, ARTICLE_URL)),
            ("article: connection + one statement + view", statement_and_view),
            ("article: connection + one statement", one_statement),
            ("connection checkout alone", checkout),
            ("connection + SELECT 1 through SQLAlchemy", select_1),
            ("/health: whole stack", lambda: _request(app, "/health")),
            ("keyword search (6 two-character words): whole stack", searching(app)),
            ("keyword search: FastAPI app", searching(inner)),
        ]:
            rows.append((label, await _cpu_us(work, n)))
        if profile:
            for label, work in [("article", lambda: _request(app, ARTICLE_URL)), ("search", searching(app))]:
                prof = cProfile.Profile(time.process_time)
                prof.enable()
                for _ in range(n):
                    await work()
                prof.disable()
                out = io.StringIO()
                pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(25)
                print(f"--- cProfile, {label}, whole stack, {n} requests (own CPU time) ---\n{out.getvalue()}")
    return rows


def main() -> None:
    """Print the layer table for the store at the given URL."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database_url", help="a loaded store (129AC0000000089 民法 in it)")
    parser.add_argument("-n", type=int, default=2000, help="requests per layer")
    parser.add_argument("--profile", action="store_true", help="also cProfile the whole stack")
    args = parser.parse_args()
    rows = asyncio.run(measure(args.database_url, args.n, args.profile))
    print("| layer | CPU-µs per request |\n|---|---|")
    for label, us in rows:
        print(f"| {label} | {us:,.0f} |")


if __name__ == "__main__":
    main()
