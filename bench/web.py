"""HTTP part: every scenario beside the raw-ASGI ceiling, interleaved rounds, medians with spread.

Servers (all 1 worker, up at once so drifting machine load hits each alike):
``raw`` (Granian, fixed bytes), ``egov`` (Granian, cache on, L1), ``egov-redis`` (Granian, L1 off so every
hit comes from Redis), ``egov-nocache`` (Granian, cache disabled: the real work of each route) and
``egov-uvicorn`` (the same app under uvicorn, cache on: the peer users would otherwise pick).
"""

from __future__ import annotations

import contextlib
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.infra import (
    BENCH_OPS_TOKEN,
    Server,
    ServerSpec,
    db_name,
    egov_env,
    http_servers,
    postgres_cpu_delta,
    postgres_cpu_seconds,
    redis_server,
)
from bench.load import run_load

OPS = {"authorization": f"Bearer {BENCH_OPS_TOKEN}"}

ARTICLE = "/v1/laws/129AC0000000089/articles/709"
SEARCH_1 = ["税", "罪", "株", "船", "犬", "港"]
SEARCH_2 = ["債権", "解雇", "過失", "契約", "相続", "賃金"]
SEARCH_4 = ["個人情報", "損害賠償", "故意又は過失", "労働契約", "善良な管理者の注意", "不法行為"]
RESOLVE = [
    "民法第七百九条第一項",
    "日本国憲法第九条第二項",
    "刑法第百九十九条",
    "労働基準法第二十条第一項",
    "会社法第四百二十九条",
    "民法709条1項",
]
CASES = ["損害賠償", "特許", "解雇", "所有権", "著作権", "殺人"]


@dataclass(frozen=True)
class Scenario:
    """One measured route: which server, which paths (cycled) and what it stands for."""

    name: str
    server: str
    paths: tuple[str, ...]
    label: str


SEMANTIC = ["不法行為による損害賠償の要件", "解雇の予告", "個人情報の第三者提供", "株主総会の決議"]
#: Questions in sentences (Lite's ranked search: BM25 + citations + named laws), lawqa_jp's style.
QUESTIONS = [
    "借地借家法で建物の借賃の増額を請求できるのはどのような場合か",
    "使用者が労働者を解雇しようとする場合には少なくとも何日前に予告をしなければならないか",
    "個人情報取扱事業者が本人の同意を得ないで個人データを第三者に提供できるのはどのような場合か",
    "故意又は過失によって他人の権利を侵害した者はどのような責任を負うか",
    "株式会社の取締役が任務を怠ったときは会社に対してどのような責任を負うか",
    "相続人が数人あるときは相続財産はどのように帰属するか",
]


def scenarios(has_redis: bool, vector: bool = False) -> list[Scenario]:
    """Every HTTP scenario of the report, in report order (semantic/hybrid only when ``vector``)."""
    out = [
        Scenario("raw", "raw", (ARTICLE,), "raw ASGI ceiling (Granian, same bytes)"),
        Scenario("article-l1", "egov", (ARTICLE,), "cached article GET (L1 hit, fast path)"),
    ]
    if has_redis:
        out.append(Scenario("article-redis", "egov-redis", (ARTICLE,), "article GET, Redis (L2) hit"))
    out += [
        Scenario("article-uncached", "egov-nocache", (ARTICLE,), "uncached article GET"),
        Scenario("article-l1-uvicorn", "egov-uvicorn", (ARTICLE,), "cached article GET under uvicorn (peer)"),
        Scenario(
            "laws-list",
            "egov-nocache",
            tuple(f"/v1/laws?limit=20&offset={20 * i}" for i in range(6)),
            "law list (uncached)",
        ),
        Scenario(
            "search-1char",
            "egov-nocache",
            tuple(f"/v1/search?q={q}" for q in SEARCH_1),
            "keyword search, 1-char (uncached)",
        ),
        Scenario(
            "search-2char",
            "egov-nocache",
            tuple(f"/v1/search?q={q}" for q in SEARCH_2),
            "keyword search, 2-char (uncached)",
        ),
        Scenario(
            "search-4char",
            "egov-nocache",
            tuple(f"/v1/search?q={q}" for q in SEARCH_4),
            "keyword search, 4+-char (uncached)",
        ),
        Scenario(
            "search-question",
            "egov-nocache",
            tuple(f"/v1/search?q={q}" for q in QUESTIONS),
            "question, ranked search (BM25 + citations + named laws, uncached)",
        ),
        Scenario(
            "resolve", "egov-nocache", tuple(f"/v1/resolve?q={q}" for q in RESOLVE), "citation resolve (uncached)"
        ),
        Scenario(
            "case-search", "egov-nocache", tuple(f"/v1/search/cases?q={q}" for q in CASES), "case search (uncached)"
        ),
    ]
    if vector:
        for kind in ("semantic", "hybrid"):
            paths = tuple(f"/v1/search/{kind}?q={q}" for q in SEMANTIC)
            out.append(Scenario(kind, "egov-nocache", paths, f"{kind} search (uncached)"))

    return out


@contextlib.contextmanager
def servers(db_url: str, redis_url: str | None, workers: int = 1) -> Iterator[dict[str, Server]]:
    """Start every server over ``db_url``; the raw app gets the exact bytes egov returns for ``ARTICLE``."""
    app = "egov_api.app:create_app"
    specs = [ServerSpec("egov", "granian", app, True, egov_env(db_url), "/health/ready", workers)]
    if redis_url:
        env = egov_env(db_url, EGOV_REDIS__URL=redis_url, EGOV_CACHE__L1_MAX_BYTES="0")
        specs.append(ServerSpec("egov-redis", "granian", app, True, env, "/health/ready", workers))
    env = egov_env(db_url, EGOV_CACHE__ENABLED="false")
    specs.append(ServerSpec("egov-nocache", "granian", app, True, env, "/health/ready", workers))
    specs.append(ServerSpec("egov-uvicorn", "uvicorn", app, True, egov_env(db_url), "/health/ready", workers))
    with contextlib.ExitStack() as stack:
        up = stack.enter_context(http_servers(specs))
        body = httpx.get(up["egov"].base + ARTICLE, timeout=30).content
        tmp = stack.enter_context(tempfile.TemporaryDirectory())
        (Path(tmp) / "body").write_bytes(body)
        raw = ServerSpec("raw", "granian", "bench.apps:raw_app", False, {"BENCH_RAW_BODY": f"{tmp}/body"}, "/", workers)
        up |= stack.enter_context(http_servers([raw]))
        yield up


def settle(server: Server, *, idle_share: float = 0.1, limit_s: float = 60.0) -> None:
    """Wait until the server's process tree is idle, so work queued by the last window does not leak into the next."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        before = server.cpu_seconds()
        time.sleep(0.25)
        if server.cpu_seconds() - before < 0.25 * idle_share:
            return


def measure(
    server: Server,
    sc: Scenario,
    duration: float,
    connections: int,
    database: str,
    db_cpu: Callable[[], dict[int, float]] | None = None,
) -> dict[str, Any]:
    """One bounded load window on one scenario: client figures plus server (and PostgreSQL) CPU per request.

    ``db_cpu`` samples the CPU seconds of the database backends by pid (default: the backends of
    ``database`` on any local server, see :func:`postgres_cpu_seconds`)."""
    sample = db_cpu or (lambda: postgres_cpu_seconds(database))
    with httpx.Client(base_url=server.base, timeout=60) as client:
        # Warm: fill caches (the first path twice more: a single-path scenario must then be all hits), open
        # pools, and fail loudly on a broken route.
        for path in [*sc.paths, sc.paths[0], sc.paths[0]]:
            r = client.get(path)
            if r.status_code != 200:
                raise RuntimeError(f"{sc.name}: GET {path} -> {r.status_code} {r.text[:300]}")
    settle(server)
    cpu0, db0 = server.cpu_seconds(), sample()
    load = run_load(server.base, list(sc.paths), duration, connections)
    cpu, db = server.cpu_seconds() - cpu0, postgres_cpu_delta(db0, sample())
    settle(server)
    n = max(load.requests, 1)
    return {
        **asdict(load),
        "rps": load.requests / load.seconds if load.seconds else 0.0,
        "cpu_us": cpu / n * 1e6,
        "db_cpu_us": db / n * 1e6,
    }


def failures(runs: list[dict[str, Any]]) -> dict[str, int]:
    """What the failed requests of ``runs`` were, summed (``{"503": n}``; see :class:`bench.load.Load`)."""
    out: dict[str, int] = {}
    for r in runs:
        for kind, n in r.get("failures", {}).items():
            out[kind] = out.get(kind, 0) + n
    return out


def stats(values: list[float]) -> dict[str, float]:
    """Median, min, max and count of repeated measurements."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def run_http(
    db_url: str,
    *,
    duration: float,
    rounds: int,
    connections: tuple[int, ...] = (1, 64),
    workers: int = 1,
    full: bool = False,
) -> dict[str, Any]:
    """Measure every scenario ``rounds`` times at each connection count (interleaved); summarise.

    Returns ``{"scenarios": {name: {label, server, paths, by_conn: {c: {rps, p50_ms, ..., ratio_rps,
    ratio_cpu: {median, min, max, n}}}}}, "cache_stats": {...}}``. Ratios to ``raw`` pair each round's
    measurement with the raw measurement of the same round and connection count.
    """
    database = db_name(db_url)
    with redis_server() as redis_url, servers(db_url, redis_url, workers) as up:
        spec = httpx.get(up["egov"].base + "/openapi.json", timeout=30).json()
        vector = full and "/v1/search/semantic" in spec.get("paths", {})
        scs = scenarios(redis_url is not None, vector)
        runs: dict[tuple[str, int], list[dict[str, Any]]] = {}
        skipped: dict[str, str] = {}
        for _ in range(rounds):
            for c in connections:
                for sc in scs:
                    if sc.name in skipped:
                        continue
                    try:
                        runs.setdefault((sc.name, c), []).append(measure(up[sc.server], sc, duration, c, database))
                    except RuntimeError as exc:  # a broken route is reported, not allowed to sink the run
                        skipped[sc.name] = str(exc)
        scs = [sc for sc in scs if sc.name not in skipped]
        cache_stats = {}
        for name, srv in up.items():
            if name != "raw":
                with contextlib.suppress(httpx.HTTPError, ValueError):
                    cache_stats[name] = (
                        httpx.get(srv.base + "/health/ready", timeout=10, headers=OPS).json().get("cache")
                    )
    out: dict[str, Any] = {"scenarios": {}, "cache_stats": cache_stats, "redis": redis_url is not None}
    out["skipped"] = skipped | ({} if vector else {"semantic/hybrid": "vector routes not mounted (or not --full)"})
    for sc in scs:
        entry: dict[str, Any] = {"label": sc.label, "server": sc.server, "paths": list(sc.paths), "by_conn": {}}
        for c in connections:
            rs, raw = runs[(sc.name, c)], runs[("raw", c)]
            fig: dict[str, Any] = {
                k: stats([r[k] for r in rs]) for k in ("rps", "p50_ms", "p90_ms", "p99_ms", "cpu_us", "db_cpu_us")
            }
            fig["ratio_rps"] = stats([r["rps"] / w["rps"] for r, w in zip(rs, raw, strict=True) if w["rps"]])
            fig["ratio_cpu"] = stats([w["cpu_us"] / r["cpu_us"] for r, w in zip(rs, raw, strict=True) if r["cpu_us"]])
            fig["errors"] = sum(r["errors"] for r in rs)
            fig["failures"] = failures(rs)
            fig["tool"] = rs[0]["tool"]
            entry["by_conn"][str(c)] = fig
        out["scenarios"][sc.name] = entry
    return out


def search_latency(server: Server, duration: float, rounds: int, database: str) -> dict[str, Any]:
    """Keyword search at 1 connection over the mix of 1-, 2- and 4+-character queries (scaling points)."""
    sc = Scenario("search-mix", server.name, tuple(f"/v1/search?q={q}" for q in SEARCH_1 + SEARCH_2 + SEARCH_4), "")
    rs = [measure(server, sc, duration, 1, database) for _ in range(rounds)]
    return {k: stats([r[k] for r in rs]) for k in ("rps", "p50_ms", "p90_ms", "p99_ms")}
