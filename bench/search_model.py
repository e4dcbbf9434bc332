"""``python -m bench.search_model DATABASE_URL``: the keyword model of migration 0008 against the one it replaced.

Since migration 0008 a search of every current unit for a plain query takes its window from the first band and
its count from the n-gram frequency table, and a lone term's window is counted in the text (store.keyword).
Searches with other filters still run the token-ranked statement, so both can be asked the same question on
one store: this compares their first pages and totals over a sample of real queries — every n-gram found in
20 to 20,000 current units (unigrams and bigrams, every k-th in token order) and every caption of 3-8
characters (a 見出し such as 損害賠償, a phrase), a fixed sample — and the PostgreSQL CPU of both statements
on the same connection in the same rounds. It prints, by query kind: how many first pages (20) are the same
(units and order; in brackets with the band path alone, the window still ranked by ``ts_rank_cd``), the mean
share of units in common, how often the first hit is the same, and how far each total is
from the true number of matching units (counted with ``@@``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text

from bench.search_sql import backend_cpu_s
from egov_core.errors import InvalidQueryError
from egov_core.search.keyword import RANK_CANDIDATES, SCAN_CAP, estimate_total
from egov_core.settings import EgovSettings
from egov_core.store import Database, create_engine
from egov_core.store import keyword as keyword_sql
from egov_core.text.query import parse_query

_NGRAMS = """
    SELECT token FROM search_token_df WHERE ndoc BETWEEN 20 AND 20000 AND length(token) = :n ORDER BY token
"""
_CAPTIONS = """
    SELECT DISTINCT btrim(caption, '（）() ') AS c FROM search_units
    WHERE is_current AND length(btrim(caption, '（）() ')) BETWEEN 3 AND 8
      AND btrim(caption, '（）() ') !~ '[、。・「」（）() 　]' ORDER BY c
"""


#: Each statement is measured this many times in a row: a backend's CPU is read in 10 ms ticks.
_REPEAT = 10


@dataclass
class Kind:
    """Agreement figures of one kind of query."""

    queries: int = 0
    same_page: int = 0
    same_page_band: int = 0
    shared: list[float] = field(default_factory=list)
    same_first: int = 0
    error_new: list[float] = field(default_factory=list)
    error_old: list[float] = field(default_factory=list)
    exact_new: int = 0
    cpu_new: float = 0.0
    cpu_old: float = 0.0


async def _page(conn: Any, query: str, *, new: bool, text_count: bool = True) -> tuple[list[tuple[str, str, int]], int]:
    """(first page, total) by the new model (``text_count`` False: its band path with the token-ranked window)
    or by the token-ranked statement of before."""
    parsed = parse_query(query)
    exact = parsed.index_exact
    found = await keyword_sql.keyword_units(
        conn,
        tsquery=parsed.tsquery,
        index_tsquery=parsed.index_tsquery,
        exact=exact,
        conditions=["su.is_current"],
        window=RANK_CANDIDATES if exact else 2 * RANK_CANDIDATES,
        limit=20,
        offset=0,
        scan_cap=SCAN_CAP,
        exclusions=bool(parsed.excluded),
        and_tokens=parsed.and_tokens if new else (),
        term=parsed.lone_term if new and text_count else None,
    )
    total, _ = estimate_total(found, exact)
    return [(r.law_id, r.path, r.seq) for r in found.rows], total


def _sample(values: list[str], k: int) -> list[str]:
    step = max(1, len(values) // k)
    return values[::step][:k]


async def evaluate(url: str, per_kind: int) -> dict[str, Kind]:
    """Agreement and CPU by query kind (1-char, 2-char, caption phrases) over ``per_kind`` queries each."""
    database = Database(create_engine(EgovSettings(database={"url": url}), url=url))
    kinds: dict[str, Kind] = {}
    try:
        async with database.read() as conn:
            pid = int((await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one())
            queries = {
                "1-char": _sample(list((await conn.execute(text(_NGRAMS), {"n": 1})).scalars()), per_kind),
                "2-char": _sample(list((await conn.execute(text(_NGRAMS), {"n": 2})).scalars()), per_kind),
                "phrase": _sample(list((await conn.execute(text(_CAPTIONS))).scalars()), per_kind),
            }
            for name, qs in queries.items():
                kind = kinds.setdefault(name, Kind())
                for q in qs:
                    try:
                        parse_query(q)
                    except InvalidQueryError:  # an n-gram of query syntax (a quote, a bar): not a query
                        continue
                    truth = (
                        await conn.execute(
                            text(
                                "SELECT count(*) FROM search_units WHERE is_current AND tokens @@ CAST(:q AS tsquery)"
                            ),
                            {"q": parse_query(q).tsquery},
                        )
                    ).scalar_one()
                    if not truth:
                        continue
                    for new in (False, True):  # prepared and cached first, then measured
                        await _page(conn, q, new=new)
                    before = backend_cpu_s(pid)
                    for _ in range(_REPEAT):
                        old_page, old_total = await _page(conn, q, new=False)
                    middle = backend_cpu_s(pid)
                    for _ in range(_REPEAT):
                        new_page, new_total = await _page(conn, q, new=True)
                    kind.cpu_old += middle - before
                    kind.cpu_new += backend_cpu_s(pid) - middle
                    kind.queries += 1
                    kind.same_page += old_page == new_page
                    kind.same_page_band += old_page == (await _page(conn, q, new=True, text_count=False))[0]
                    kind.shared.append(len(set(old_page) & set(new_page)) / max(1, len(old_page)))
                    kind.same_first += old_page[:1] == new_page[:1]
                    kind.error_new.append(abs(new_total - truth) / truth)
                    kind.error_old.append(abs(old_total - truth) / truth)
                    kind.exact_new += new_total == truth
    finally:
        await database.dispose()
    return kinds


def main() -> None:
    """Print the agreement table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database_url", help="a loaded store (postgresql+asyncpg://…) at migration 0008 or later")
    parser.add_argument("--per-kind", type=int, default=150, help="queries of each kind")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    kinds = asyncio.run(evaluate(args.database_url, args.per_kind))
    print(f"load average {load:.1f} before, {os.getloadavg()[0]:.1f} after")
    print(
        "| queries | n | same first page (band alone) | units shared | same first hit | total exact (new) "
        "| total error new / old (mean) | PostgreSQL CPU new / old |\n|---|---|---|---|---|---|---|---|"
    )
    for name, k in kinds.items():
        n = max(1, k.queries)
        print(
            f"| {name} | {k.queries} | {k.same_page / n:.0%} ({k.same_page_band / n:.0%}) "
            f"| {statistics.fmean(k.shared or [0]):.1%} "
            f"| {k.same_first / n:.0%} | {k.exact_new / n:.0%} "
            f"| {statistics.fmean(k.error_new or [0]):.1%} / {statistics.fmean(k.error_old or [0]):.1%} "
            f"| {k.cpu_new / k.cpu_old if k.cpu_old else float('nan'):.2f} |"
        )


if __name__ == "__main__":
    main()
