"""``python -m bench.run [--quick|--full]``: the whole benchmark in one run; writes bench/results/<timestamp>.*.

Order: environment header; ingest of the corpus into a fresh database (kept for the rest of the run);
HTTP against the raw-ASGI ceiling and uvicorn; scaling (fresh databases of 100 and 300 laws, plus the
main one); retrieval quality. Every database and process it starts is dropped/stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.baseline import default_corpus, paired
from bench.envinfo import corpus_size, environment
from bench.infra import REPO, db_name, egov_env, fresh_database, http_server, shared_data
from bench.ingest import ingest_subprocess
from bench.quality import run_quality
from bench.report import headline_table, write_report
from bench.vector import hnsw_recall
from bench.vector_http import vector_http
from bench.web import run_http, search_latency, stats

ALWAYS = ("129AC0000000089", "321CONSTITUTION", "140AC0000000045", "417AC0000000086", "322AC0000000049")
PROFILES: dict[str, dict[str, Any]] = {
    # duration: seconds per load window; rounds: interleaved repetitions (median reported);
    # ingest_repeats: imports of the whole corpus (each into a fresh database; the last one is served).
    "quick": {
        "duration": 2.0,
        "rounds": 3,
        "ingest_repeats": 1,
        "scale_sizes": (100, 300),
        "scale_duration": 2.0,
        "scale_rounds": 3,
        "hnsw_laws": 50,
        "hnsw_embedder": "deterministic",
        "vector_http_laws": 50,
        "vector_http_backend": "deterministic",
    },
    "full": {
        "duration": 10.0,
        "rounds": 5,
        "ingest_repeats": 3,
        "scale_sizes": (100, 300),
        "scale_duration": 5.0,
        "scale_rounds": 5,
        "hnsw_laws": 300,
        "hnsw_embedder": "e5",
        "vector_http_laws": 100,
        "vector_http_backend": "e5",
    },
}


def law_files(limit: int | None, seed: int = 0) -> list[Path]:
    """The shared corpus' law files, or a seeded subset of ``limit`` of them that holds the famous laws."""
    files = sorted((shared_data() / "laws" / "xml").glob("*.xml"))
    if limit is None or limit >= len(files):
        return files
    keep = [f for f in files if f.stem.split("_")[0] in ALWAYS]
    rest = [f for f in files if f not in keep]
    return sorted(keep[:limit] + random.Random(seed).sample(rest, max(0, limit - len(keep))))


def _log(msg: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Run every part; returns the result document (also written to disk by :func:`main`)."""
    prof = dict(PROFILES[args.profile])
    for key in ("duration", "rounds", "scale_sizes"):
        if getattr(args, key) is not None:
            prof[key] = getattr(args, key)
    if args.duration is not None:
        prof["scale_duration"] = args.duration
    if args.rounds is not None:
        prof["scale_rounds"] = args.rounds
    if args.hnsw_laws is None:
        args.hnsw_laws = prof["hnsw_laws"]
    if args.vector_http_laws is None:
        args.vector_http_laws = prof["vector_http_laws"]
    data = shared_data()
    laws = law_files(args.laws)
    revisions = [] if args.laws else [data / "laws" / "revisions"]
    result: dict[str, Any] = {
        "profile": args.profile,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": {**prof, "laws_limit": args.laws, "workers": args.workers, "connections": args.connections},
        "environment": environment(),
        "corpus": corpus_size(laws, revisions),
    }
    t0 = time.monotonic()
    with fresh_database() as url:
        _log(f"ingest {len(laws)} laws (+revisions, cases) into {db_name(url)}")
        steps: list[tuple[str, list[Path]]] = [("laws", laws)]
        steps += [("revisions", revisions)] if revisions else []
        steps += [("cases", [data / "cases"])]
        repeats = []
        for _ in range(prof["ingest_repeats"] - 1):
            with fresh_database("egov_bench_ingest") as throwaway:
                repeats.append(ingest_subprocess(throwaway, steps, workers=args.ingest_workers))
        result["ingest"] = ingest_subprocess(url, steps, workers=args.ingest_workers)
        runs = [*repeats, result["ingest"]]
        result["ingest"]["repeats"] = {
            "mb_per_s": stats([r["laws"]["mb_per_s"] for r in runs]),
            "laws_per_s": stats([r["laws"]["laws_per_s"] for r in runs]),
            "peak_rss_mb": stats([r["peak_rss_mb"] for r in runs]),
        }
        if not args.skip_http:
            _log("HTTP scenarios")
            result["http"] = run_http(
                url,
                duration=prof["duration"],
                rounds=prof["rounds"],
                connections=tuple(args.connections),
                workers=args.workers,
                full=args.profile == "full",
            )
        if not args.skip_http and args.baseline:
            _log(f"PostgreSQL CPU per search against {args.baseline}, paired (bench.baseline)")
            corpus = default_corpus() if args.laws is None else laws
            result["baseline"] = paired(
                args.baseline, url, corpus, rounds=max(4, prof["rounds"]), duration=max(3.0, prof["duration"])
            )
        if not args.skip_http and args.vector_http_laws:
            _log(f"semantic/hybrid over HTTP ({args.vector_http_laws} laws, {prof['vector_http_backend']})")
            result["vector_http"] = vector_http(
                law_files(args.vector_http_laws),
                backend=prof["vector_http_backend"],
                duration=prof["duration"],
                rounds=prof["rounds"],
                connections=tuple(args.connections),
            )
        _log("scaling")
        result["scaling"] = _scaling(url, laws, result["ingest"], prof)
        if not args.skip_quality:
            _log("quality")
            result["quality"] = run_quality(url, full=args.profile == "full", questions=args.questions)
            if args.hnsw_laws:
                _log(f"HNSW recall ({args.hnsw_laws} laws, {prof['hnsw_embedder']} embedder)")
                hnsw = asyncio.run(
                    hnsw_recall(
                        law_files(args.hnsw_laws), embedder_name=prof["hnsw_embedder"], questions=args.questions
                    )
                )
                result["quality"]["hnsw"] = hnsw
    if args.search_store:
        from bench.search_latency import measure

        _log(f"search modes in process over {args.search_store}")
        result["search_latency"] = asyncio.run(
            measure(args.search_store, args.search_embedder, rounds=prof["rounds"], questions=40)
        )
    result["seconds"] = round(time.monotonic() - t0, 1)
    result["environment"]["load_avg_end"] = os.getloadavg()
    return result


def _scaling(
    main_url: str, laws: list[Path], main_ingest: dict[str, Any], prof: dict[str, Any]
) -> list[dict[str, Any]]:
    points = []
    for n in [s for s in prof["scale_sizes"] if s < len(laws)]:
        subset = law_files(n)
        with fresh_database("egov_bench_scale") as url:
            ing = ingest_subprocess(url, [("laws", subset)])
            points.append(_scale_point(url, n, ing["steps"]["laws"], prof))
    points.append(_scale_point(main_url, len(laws), main_ingest["steps"]["laws"], prof))
    return points


def _scale_point(url: str, n: int, ingest_step: dict[str, Any], prof: dict[str, Any]) -> dict[str, Any]:
    env = egov_env(url, EGOV_CACHE__ENABLED="false")
    with http_server(
        "scale", "granian", "egov_api.app:create_app", factory=True, env=env, ready_path="/health/ready"
    ) as srv:
        search = search_latency(srv, prof["scale_duration"], prof["scale_rounds"], db_name(url))
    return {"laws": n, "ingest_s": ingest_step["wall_s"], "mb": round(ingest_step["bytes"] / 1e6, 2), "search": search}


def main(argv: list[str] | None = None) -> Path:
    """Parse the command line, run, write JSON + Markdown + PNGs; returns the JSON path."""
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--quick", dest="profile", action="store_const", const="quick", help="under 10 min on 2 cores (default)"
    )
    mode.add_argument(
        "--full", dest="profile", action="store_const", const="full", help="longer windows, vector quality"
    )
    parser.set_defaults(profile="quick")
    parser.add_argument("--laws", type=int, help="ingest only this many laws (seeded subset; default all)")
    parser.add_argument("--duration", type=float, help="seconds per HTTP load window (overrides the profile)")
    parser.add_argument("--rounds", type=int, help="interleaved rounds per HTTP scenario (overrides the profile)")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes (same for every server)")
    parser.add_argument("--ingest-workers", type=int, default=2, help="parser processes of the importer")
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 64], help="connection counts per scenario")
    parser.add_argument(
        "--scale-sizes", type=int, nargs="*", help="law counts of the scaling databases (default 100 300)"
    )
    parser.add_argument("--questions", type=int, help="grade only the first N lawqa_jp questions (smoke tests)")
    parser.add_argument(
        "--hnsw-laws", type=int, help="laws embedded for HNSW recall vs exact (0: skip; quick 50, full 300)"
    )
    parser.add_argument(
        "--vector-http-laws",
        type=int,
        help="laws in the vector store for semantic/hybrid over HTTP (0: skip; quick 50, full 100)",
    )
    parser.add_argument(
        "--search-store",
        type=Path,
        help="also time every search mode in process over this loaded store (nox -s eval's, e.g. "
        "/work/cache/search-eval; semantic / hybrid with --search-embedder)",
    )
    parser.add_argument("--search-embedder", choices=["e5", "deterministic"], help="embedder of --search-store")
    parser.add_argument(
        "--baseline",
        metavar="REV",
        nargs="?",
        const="c3a7f8c",
        help="also PostgreSQL CPU per search against REV (default c3a7f8c, issue 17's), paired in this run over "
        "the bench's own store (bench.baseline; builds REV's venv once, imports the corpus with it)",
    )
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--out-dir", type=Path, default=REPO / "bench" / "results")
    args = parser.parse_args(argv)
    result = run(args)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    json_path: Path = args.out_dir / f"{stamp}.json"
    json_path.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    md = write_report(result, args.out_dir, stamp)
    _log(f"wrote {json_path} and {md}")
    print("\n".join(headline_table(result)))  # the command's answer, on stdout
    return json_path


if __name__ == "__main__":
    main()
