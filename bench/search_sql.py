"""``python -m bench.search_sql DATABASE_URL``: PostgreSQL CPU per keyword-search statement, and where it goes.

Runs the store's own keyword statement (:func:`egov_core.store.keyword.keyword_units`, first page of 20, current
revisions, as ``/v1/search`` runs it for a plain query) on one pooled connection and reads that backend's CPU
time from ``/proc/<pid>/stat`` (user + system, 10 ms ticks: enough requests per figure make it exact), for the
bench's 1-, 2- and 4+-character queries, in interleaved rounds. Then one ``EXPLAIN (ANALYZE, BUFFERS)`` per
group shows the stages (candidates from the GIN index and the heap, the window by prior, verification and
``ts_rank_cd``, the page). Run it over a loaded store (the bench's, or ``egov ingest``'s over the shared corpus)
after its import finished: an import that failed before its maintenance leaves entries in the GIN pending list
that every search scans, which shows here as a Bitmap Index Scan costing milliseconds.

``--against OTHER_URL`` runs the same statements on a second store in the same rounds, group by group in turn
(e.g. a template copy of the first after a migration), and prints both with their ratio: a store-side change
measured before and after on one machine at one load.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench.web import SEARCH_1, SEARCH_2, SEARCH_4
from egov_core.search.keyword import RANK_CANDIDATES, SCAN_CAP
from egov_core.settings import EgovSettings
from egov_core.store import Database, create_engine
from egov_core.store import keyword as keyword_sql
from egov_core.store import search as sql
from egov_core.text.query import parse_query

GROUPS = {"1-char": SEARCH_1, "2-char": SEARCH_2, "4+-char": SEARCH_4}
_TICK = os.sysconf("SC_CLK_TCK")


def backend_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of a local process, from ``/proc/<pid>/stat``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


async def _search(conn: Any, query: str) -> keyword_sql.KeywordWindow:
    parsed = parse_query(query)
    exact = parsed.index_exact
    return await keyword_sql.keyword_units(
        conn,
        tsquery=parsed.tsquery,
        index_tsquery=parsed.index_tsquery,
        exact=exact,
        conditions=await sql.provision_conditions(conn, sql.ProvisionFilter(), alias="su"),
        window=RANK_CANDIDATES if exact else 2 * RANK_CANDIDATES,
        limit=20,
        offset=0,
        scan_cap=SCAN_CAP,
        exclusions=bool(parsed.excluded),
        and_tokens=parsed.and_tokens,
        term=parsed.lone_term,
    )


async def measure(url: str, n: int, rounds: int, explain: bool) -> dict[str, list[float]]:
    """PostgreSQL CPU-µs per statement by query group, one figure per round; prints the plans when ``explain``."""
    database = Database(create_engine(EgovSettings(database={"url": url}), url=url))
    out: dict[str, list[float]] = {}
    try:
        async with database.read() as conn:
            pid = int((await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one())
            for _ in range(rounds):
                for name, queries in GROUPS.items():
                    for q in queries:  # prepared, generic plan chosen, caches warm
                        for _ in range(6):
                            await _search(conn, q)
                    before = backend_cpu_s(pid)
                    for i in range(n):
                        await _search(conn, queries[i % len(queries)])
                    out.setdefault(name, []).append((backend_cpu_s(pid) - before) / n * 1e6)
            if explain:
                await _explain(conn)
    finally:
        await database.dispose()
    return out


async def compare(url: str, other: str, n: int, rounds: int) -> dict[str, dict[str, list[float]]]:
    """:func:`measure` of two stores in the same rounds (each group on one, then on the other): {url: figures}."""
    databases = {u: Database(create_engine(EgovSettings(database={"url": u}), url=u)) for u in (url, other)}
    out: dict[str, dict[str, list[float]]] = {u: {} for u in databases}
    try:
        async with databases[url].read() as first, databases[other].read() as second:
            conns = {url: first, other: second}
            pids = {u: int((await c.execute(text("SELECT pg_backend_pid()"))).scalar_one()) for u, c in conns.items()}
            for _ in range(rounds):
                for name, queries in GROUPS.items():
                    for u, conn in conns.items():
                        for q in queries:
                            for _ in range(6):
                                await _search(conn, q)
                        before = backend_cpu_s(pids[u])
                        for i in range(n):
                            await _search(conn, queries[i % len(queries)])
                        out[u].setdefault(name, []).append((backend_cpu_s(pids[u]) - before) / n * 1e6)
    finally:
        for database in databases.values():
            await database.dispose()
    return out


async def _explain(conn: Any) -> None:
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection
    captured: list[tuple[str, tuple[Any, ...]]] = []
    original = getattr(keyword_sql, "fetch")  # noqa: B009 - the store's driver call, replaced below

    async def capture(_conn: Any, statement: str, *args: Any) -> Any:
        captured.append((statement, args))
        return await original(_conn, statement, *args)

    for name, queries in GROUPS.items():
        captured.clear()
        setattr(keyword_sql, "fetch", capture)  # noqa: B010 - only to read the statement the store built
        try:
            await _search(conn, queries[0])
        finally:
            setattr(keyword_sql, "fetch", original)  # noqa: B010
        statement, args = captured[0]
        rows = await driver.fetch("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + statement, *args)
        print(f"--- {name}: {queries[0]} ---")
        print("\n".join(r[0] for r in rows))


def main() -> None:
    """Print PostgreSQL CPU per keyword statement by query group (median, min–max of the rounds)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database_url", help="a loaded store (postgresql+asyncpg://…)")
    parser.add_argument("-n", type=int, default=120, help="statements per group and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--explain", action="store_true", help="also EXPLAIN (ANALYZE, BUFFERS) one query per group")
    parser.add_argument("--against", metavar="OTHER_URL", help="also this store, in the same rounds (with the ratio)")
    args = parser.parse_args()
    load = os.getloadavg()
    if args.against:
        pair = asyncio.run(compare(args.database_url, args.against, args.n, args.rounds))
        print(f"load average {load[0]:.1f} before, {os.getloadavg()[0]:.1f} after")
        print("| queries | first store, CPU-µs (median, min–max) | other store | ratio |\n|---|---|---|---|")
        a, b = pair[args.database_url], pair[args.against]
        for name in GROUPS:
            ma, mb = statistics.median(a[name]), statistics.median(b[name])
            print(
                f"| {name} | {ma:,.0f} ({min(a[name]):,.0f}–{max(a[name]):,.0f}) "
                f"| {mb:,.0f} ({min(b[name]):,.0f}–{max(b[name]):,.0f}) | {mb / ma:.2f} |"
            )
        return
    figures = asyncio.run(measure(args.database_url, args.n, args.rounds, args.explain))
    print(f"load average {load[0]:.1f} before, {os.getloadavg()[0]:.1f} after")
    print("| queries | PostgreSQL CPU-µs per keyword statement (median, min–max) |\n|---|---|")
    for name, values in figures.items():
        print(f"| {name} | {statistics.median(values):,.0f} ({min(values):,.0f}–{max(values):,.0f}) |")


if __name__ == "__main__":
    main()
