"""``python -m bench.baseline [--commit REV]``: PostgreSQL CPU per search request, this checkout against an old one.

Issue 17's "PostgreSQL CPU per search halved" is a claim about two versions of the code, so it is measured as
a pair on one machine in one run: the old revision (default ``c3a7f8c``, the commit of the 2026-11-28 bench
the issue's figures came from) checked out as a git worktree in a cache directory with the venv its own
``scripts/dev setup`` builds (both reused on later runs), and this checkout with the interpreter running
this module. Each side loads its own store from the shared corpus with its own ``egov migrate`` and
``egov ingest`` (then ``VACUUM ANALYZE``), so each is measured on the schema and data its importer writes,
and serves it with its own ``egov serve`` (Granian, one worker, cache off, no rate limit, no sample load).

Then, in interleaved rounds whose order alternates (after a warm-up window per side and group), one
connection drives each server through the bench's 1-, 2- and 4+-character keyword searches
(:data:`bench.search_sql.GROUPS`) with :func:`bench.load.run_load` (``wrk`` when installed), and
:func:`bench.web.measure` turns each window into CPU per HTTP request: the PostgreSQL backends of that side's
database (pids from ``pg_stat_activity``, CPU from ``/proc``; a parallel worker that exits inside a window is
not counted) and the server's whole process group. Any response that is not 2xx fails the run.

Prints a Markdown table (per group: both sides' PostgreSQL CPU-µs per request as the median of the rounds,
their ratio and each round's ratio, and the server CPU), with the machine's CPU model and the load average
before and after, and writes it to ``bench/results/<timestamp>-baseline.md``. Databases are fresh each run and
dropped at the end; ``--keep`` keeps them (named by revision) and reuses them on the next run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]  # no stubs
import httpx

from bench.infra import ADMIN_URL, REPO, Server, db_name, egov_env, free_port, fresh_database, shared_data
from bench.load import tool
from bench.search_sql import GROUPS, backend_cpu_s
from bench.web import Scenario, measure

#: The commit of the 2026-11-28 bench, whose figures issue 17 quotes.
DEFAULT_COMMIT = "c3a7f8c"
#: Where old checkouts and their venvs are kept between runs (``$EGOV_BENCH_CACHE`` overrides).
CACHE_ROOT = Path(os.environ.get("EGOV_BENCH_CACHE", "/work/cache"))
#: Written into an old checkout's venv once its ``scripts/dev setup`` finished, so a half-built one is redone.
_READY = ".egov-baseline-ready"
#: The settings both servers run with: every search reaches PostgreSQL, and nothing else runs beside it.
_SERVE_ENV = {
    "EGOV_CACHE__ENABLED": "false",
    "EGOV_API__RATE_LIMIT__ENABLED": "false",
    "EGOV_API__LOAD_SAMPLE_IF_EMPTY": "false",
    "EGOV_VECTOR__ENABLED": "false",
}
_TICK = os.sysconf("SC_CLK_TCK")


def _log(msg: str) -> None:
    print(f"[baseline {datetime.now(UTC):%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Side:
    """One version of egov: a name (``baseline``/``current``), what it is, its venv's bin and its checkout."""

    name: str
    label: str
    bindir: Path
    cwd: Path

    def env(self, db_url: str) -> dict[str, str]:
        """The environment of this side's ``egov`` over ``db_url``: its own venv first, nothing of ours leaking in."""
        base = {k: v for k, v in os.environ.items() if not k.startswith("GRANIAN_")}
        for key in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME"):
            base.pop(key, None)
        base["PATH"] = f"{self.bindir}{os.pathsep}{base.get('PATH', '')}"
        return base | egov_env(db_url, **_SERVE_ENV)

    def egov(self, db_url: str, *args: str, check: bool = True) -> int:
        """Run this side's ``egov`` command line over ``db_url`` (its output goes to our stderr); its exit status."""
        cmd = [str(self.bindir / "egov"), *args]
        return subprocess.run(cmd, env=self.env(db_url), cwd=self.cwd, check=check, stdout=sys.stderr).returncode


def _git(*args: str, cwd: Path = REPO) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout.strip()


def current_side() -> Side:
    """This checkout, served by the venv running this module; labelled by the last commit that changed the
    packages (what is measured: a bench-only commit on top does not rename it), ``+dirty`` with local edits."""
    code = _git("log", "-1", "--format=%h", "--abbrev=7", "--", "packages")
    dirty = "+dirty" if _git("status", "--porcelain", "--untracked-files=no", "--", "packages") else ""
    return Side("current", code + dirty, Path(sys.executable).parent, REPO)


def baseline_side(rev: str, where: Path | None = None) -> Side:
    """``rev`` checked out as a git worktree (``where``, default ``$EGOV_BENCH_CACHE/egov-baseline-<rev>``) with
    the venv its own ``scripts/dev setup`` builds; both are made once and reused."""
    sha = _git("rev-parse", "--verify", f"{rev}^{{commit}}")
    where = where or CACHE_ROOT / f"egov-baseline-{rev}"
    if where.exists():
        if _git("rev-parse", "HEAD", cwd=where) != sha:
            raise SystemExit(f"{where} holds another revision than {rev} ({sha[:7]}): remove it or pick --cache-dir")
    else:
        _log(f"git worktree of {rev} in {where}")
        where.parent.mkdir(parents=True, exist_ok=True)
        _git("worktree", "add", "--detach", str(where), sha)
    venv = where / ".venv"
    if not (venv / _READY).exists():
        _log(f"building {venv} with that revision's scripts/dev setup (PyPI only, a few minutes)")
        env = {k: v for k, v in os.environ.items() if k not in ("EGOV_VENV", "VIRTUAL_ENV", "PYTHONPATH")}
        subprocess.run([str(where / "scripts" / "dev"), "setup"], cwd=where, env=env, check=True, stdout=sys.stderr)
        (venv / _READY).write_text(sha + "\n")
    return Side("baseline", sha[:7], venv / "bin", where)


async def _admin(sql: str, *args: Any, url: str = ADMIN_URL) -> list[Any]:
    # Without arguments as one simple-protocol statement: VACUUM and CREATE/DROP DATABASE refuse to be prepared.
    conn = await asyncpg.connect(url)
    try:
        if not args:
            await conn.execute(sql)
            return []
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


def _plain(url: str) -> str:
    """The asyncpg form of a SQLAlchemy URL (``postgresql+asyncpg://`` → ``postgresql://``)."""
    return re.sub(r"^postgresql\+\w+://", "postgresql://", url)


def load_store(side: Side, db_url: str, corpus: Sequence[Path], workers: int) -> None:
    """Migrate and import ``corpus`` with ``side``'s own command line, then ``VACUUM ANALYZE`` (both sides are
    measured on fresh statistics and no dead tuples, whatever each importer's own maintenance did)."""
    t0 = time.monotonic()
    if status := side.egov(db_url, "migrate", check=False):
        # c3a7f8c's migrate also migrates egov-vector whatever EGOV_VECTOR__ENABLED says, and fails without
        # pgvector after the core schema is at head; its ingest migrates the core schema itself (and fails loudly).
        _log(f"{side.name}: egov migrate exited {status}; going on, egov ingest migrates the core schema too")
    side.egov(db_url, "ingest", "--workers", str(workers), *map(str, corpus))
    asyncio.run(_admin("VACUUM ANALYZE", url=_plain(db_url)))
    _log(f"{side.name} ({side.label}) store {db_name(db_url)} loaded in {time.monotonic() - t0:.0f} s")


@contextlib.contextmanager
def store(side: Side, corpus: Sequence[Path], workers: int, keep: str | None = None) -> Iterator[str]:
    """A database ``side`` loaded with ``corpus``: fresh and dropped afterwards, or (``keep``: a name) kept and,
    when an earlier run finished loading it, reused as it is."""
    if keep is None:
        with fresh_database(f"egov_baseline_{side.name}") as url:
            load_store(side, url, corpus, workers)
            yield url
        return
    base = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    url, mark = f"{base}/{keep}", f"egov-baseline: loaded by {side.label}"
    rows = asyncio.run(
        _admin("SELECT shobj_description(oid, 'pg_database') AS note FROM pg_database WHERE datname = $1", keep)
    )
    if not rows or rows[0]["note"] != mark:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{keep}" WITH (FORCE)'))
        asyncio.run(_admin(f'CREATE DATABASE "{keep}"'))
        load_store(side, url, corpus, workers)
        asyncio.run(_admin(f"COMMENT ON DATABASE \"{keep}\" IS '{mark}'"))
    else:
        _log(f"reusing {keep} ({mark})")
    yield url


def group_cpu_s(pgid: int) -> float:
    """CPU seconds (user + system) of every live process in process group ``pgid``, from ``/proc``."""
    ticks = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[2]) == pgid:
                    ticks += int(fields[11]) + int(fields[12])
    return ticks / _TICK


class GroupServer(Server):
    """An ``egov serve`` started in a session of its own: its CPU is its whole process group's (the command,
    the Granian it starts and Granian's worker), however the processes are parented."""

    def cpu_seconds(self) -> float:
        """User + system CPU of the process group so far."""
        return group_cpu_s(self.proc.pid)


def _stop_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@contextlib.contextmanager
def servers(pairs: Sequence[tuple[Side, str]], timeout_s: float = 120) -> Iterator[list[GroupServer]]:
    """Start ``egov serve`` of every side over its database at once, wait until each is ready, yield, stop them."""
    procs: list[tuple[Side, str, subprocess.Popen[bytes]]] = []
    try:
        for side, url in pairs:
            port = free_port()
            cmd = [str(side.bindir / "egov"), "serve", "--port", str(port), "--workers", "1"]
            proc = subprocess.Popen(cmd, env=side.env(url), cwd=side.cwd, start_new_session=True)
            procs.append((side, f"http://127.0.0.1:{port}", proc))
        deadline = time.monotonic() + timeout_s
        for side, base, proc in procs:
            while True:
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(base + "/health/ready", timeout=5).status_code == 200:
                        break
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"egov serve of {side.name} ({side.label}) did not become ready")
                time.sleep(0.2)
        yield [GroupServer(side.name, base, proc) for side, base, proc in procs]
    finally:
        for _, _, proc in procs:
            _stop_group(proc)


class BackendCpu:
    """CPU seconds by pid of the PostgreSQL backends of a database: the pids from ``pg_stat_activity`` (so
    parallel workers count too), read over one admin connection kept open, their CPU from ``/proc``."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._conn = self._loop.run_until_complete(asyncpg.connect(ADMIN_URL))

    def __call__(self, database: str) -> dict[int, float]:
        """``{pid: CPU seconds}`` of ``database``'s backends now (see :func:`bench.infra.postgres_cpu_delta`)."""
        rows = self._loop.run_until_complete(
            self._conn.fetch("SELECT pid FROM pg_stat_activity WHERE datname = $1", database)
        )
        out: dict[int, float] = {}
        for row in rows:
            with contextlib.suppress(OSError):  # a backend that exited since the snapshot
                out[int(row["pid"])] = backend_cpu_s(int(row["pid"]))
        return out

    def close(self) -> None:
        """Close the admin connection and the loop."""
        self._loop.run_until_complete(self._conn.close())
        self._loop.close()


def compare(pairs: Sequence[tuple[Side, str]], *, rounds: int, duration: float, warmup: float = 1.0) -> dict[str, Any]:
    """Serve each side over its database and measure every query group on each, ``rounds`` times interleaved.

    Returns ``{"sides": [{name, label}], "groups": {group: [[figures of each round] of each side]},
    "load_before", "load_after", "tool", "rounds", "duration"}``; figures are :func:`bench.web.measure`'s
    (``db_cpu_us`` and ``cpu_us`` per request among them).
    """
    scenarios = {
        g: Scenario(f"search-{g}", "", tuple(f"/v1/search?q={q}" for q in qs), f"keyword search, {g}")
        for g, qs in GROUPS.items()
    }
    sampler = BackendCpu()
    try:
        with servers(pairs) as up:
            databases = [db_name(url) for _, url in pairs]

            def window(i: int, sc: Scenario, seconds: float) -> dict[str, Any]:
                figures = measure(up[i], sc, seconds, 1, databases[i], db_cpu=lambda: sampler(databases[i]))
                if figures["errors"]:
                    raise RuntimeError(f"{pairs[i][0].name}: {sc.name} failed: {figures['failures']}")
                return figures

            if warmup > 0:  # generic plans chosen, caches and the warm connections filled on both
                for sc in scenarios.values():
                    for i in range(len(pairs)):
                        window(i, sc, warmup)
            runs: dict[str, list[list[dict[str, Any]]]] = {g: [[] for _ in pairs] for g in scenarios}
            load_before = os.getloadavg()
            for k in range(rounds):
                order = list(range(len(pairs))) if k % 2 == 0 else list(reversed(range(len(pairs))))
                for g, sc in scenarios.items():
                    for i in order:
                        runs[g][i].append(window(i, sc, duration))
                _log(f"round {k + 1}/{rounds} done")
            load_after = os.getloadavg()
    finally:
        sampler.close()
    return {
        "sides": [{"name": side.name, "label": side.label} for side, _ in pairs],
        "groups": runs,
        "load_before": load_before,
        "load_after": load_after,
        "tool": tool(),
        "rounds": rounds,
        "duration": duration,
    }


def cpu_model() -> str:
    """The machine's CPU model and count (``/proc/cpuinfo``)."""
    with contextlib.suppress(OSError):
        m = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        if m:
            return f"{os.cpu_count()} × {m.group(1).strip()}"
    return f"{os.cpu_count()} CPUs"


def table(result: dict[str, Any]) -> list[str]:
    """The Markdown report of :func:`compare` over two sides (baseline first): header lines, then the table."""
    base, cur = result["sides"]

    def load(avg: Sequence[float]) -> str:
        return " / ".join(f"{x:.2f}" for x in avg)

    lines = [
        f"PostgreSQL CPU per search request, {base['label']} ({base['name']}) against {cur['label']} ({cur['name']}), "
        f"paired: {result['rounds']} interleaved rounds of {result['duration']:g} s, 1 connection ({result['tool']}), "
        "each side's own store and `egov serve` (Granian, 1 worker, cache off).",
        "",
        f"Machine: {cpu_model()}; load average (1 / 5 / 15 min) {load(result['load_before'])} before, "
        f"{load(result['load_after'])} after.",
        "",
        f"| queries | {base['name']} PostgreSQL CPU-µs / request | {cur['name']} | ratio ({cur['name']} ÷ {base['name']}) "
        "| ratio by round "
        f"| server CPU-µs / request ({base['name']} → {cur['name']}) | requests / s |",
        "|---|---|---|---|---|---|---|",
    ]
    for group, (old, new) in result["groups"].items():
        r = ratios(result)[group]
        rounds = " ".join(f"{x:.2f}" if x is not None else "–" for x in r["by_round"])
        cpu_old = statistics.median(x["cpu_us"] for x in old)
        cpu_new = statistics.median(x["cpu_us"] for x in new)
        rps = f"{statistics.median(x['rps'] for x in old):,.0f} → {statistics.median(x['rps'] for x in new):,.0f}"
        ratio = f"{r['ratio']:.2f}" if r["ratio"] is not None else "–"
        lines.append(
            f"| {group} | {r['baseline_us']:,.0f} | {r['current_us']:,.0f} | {ratio} | {rounds} "
            f"| {cpu_old:,.0f} → {cpu_new:,.0f} | {rps} |"
        )
    return lines


def ratios(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per query group of :func:`compare`'s result: both sides' PostgreSQL CPU-µs per request (median of the
    rounds), their ratio (current ÷ baseline; None when the baseline measured nothing) and each round's."""
    out: dict[str, dict[str, Any]] = {}
    for group, (old, new) in result["groups"].items():
        db_old = statistics.median(r["db_cpu_us"] for r in old)
        db_new = statistics.median(r["db_cpu_us"] for r in new)
        by_round = [b["db_cpu_us"] / a["db_cpu_us"] if a["db_cpu_us"] else None for a, b in zip(old, new, strict=True)]
        out[group] = {
            "baseline_us": db_old,
            "current_us": db_new,
            "ratio": db_new / db_old if db_old else None,
            "by_round": by_round,
        }
    return out


def paired(rev: str, current_url: str, corpus: Sequence[Path], *, rounds: int, duration: float) -> dict[str, Any]:
    """:func:`compare` of ``rev`` (its own store of ``corpus``, loaded here) against this checkout serving
    ``current_url`` (a store this checkout loaded with the same corpus): the bench's ``--baseline`` part."""
    old, new = baseline_side(rev), current_side()
    with store(old, corpus, workers=2) as old_url:
        asyncio.run(_admin("VACUUM ANALYZE", url=_plain(current_url)))
        return compare([(old, old_url), (new, current_url)], rounds=rounds, duration=duration)


def default_corpus() -> list[Path]:
    """The shared corpus' laws: every law's XML and the revision histories (not the index files beside them,
    which an importer would report as failed laws)."""
    laws = shared_data() / "laws"
    return [laws / "xml", laws / "revisions"]


def main(argv: list[str] | None = None) -> Path:
    """Parse the command line, load both stores, measure, print the table and write it; returns its path."""
    parser = argparse.ArgumentParser(prog="python -m bench.baseline", description=__doc__.split("\n\n")[0])
    parser.add_argument("--commit", default=DEFAULT_COMMIT, help=f"the baseline revision (default {DEFAULT_COMMIT})")
    parser.add_argument("--cache-dir", type=Path, help="its worktree (default $EGOV_BENCH_CACHE/egov-baseline-REV)")
    parser.add_argument("--rounds", type=int, default=4, help="interleaved rounds (default 4)")
    parser.add_argument("--duration", type=float, default=3.0, help="seconds per load window (default 3)")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds of the warm-up window per side and group")
    parser.add_argument("--corpus", type=Path, nargs="+", help="what both import (default the shared laws)")
    parser.add_argument("--ingest-workers", type=int, default=2, help="parser processes of each import")
    parser.add_argument("--keep", action="store_true", help="keep both databases (named by revision) and reuse them")
    parser.add_argument("--out-dir", type=Path, default=REPO / "bench" / "results")
    args = parser.parse_args(argv)
    old, new = baseline_side(args.commit, args.cache_dir), current_side()
    corpus = args.corpus or default_corpus()
    with contextlib.ExitStack() as stack:
        pairs = []
        for side in (old, new):
            keep = "egov_baseline_" + re.sub(r"\W", "_", f"{side.name}_{side.label}") if args.keep else None
            pairs.append((side, stack.enter_context(store(side, corpus, args.ingest_workers, keep))))
        _log(f"measuring {old.label} against {new.label}")
        result = compare(pairs, rounds=args.rounds, duration=args.duration, warmup=args.warmup)
    lines = table(result)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    out: Path = args.out_dir / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-baseline.md"
    corpus_line = "Corpus: " + ", ".join(str(p) for p in corpus) + ", imported by each side's own `egov ingest`."
    out.write_text("\n".join([*lines[:2], corpus_line, "", *lines[2:]]) + "\n", encoding="utf-8")
    print("\n".join(lines))
    _log(f"wrote {out}")
    return out


if __name__ == "__main__":
    main()
