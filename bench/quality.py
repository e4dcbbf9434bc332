"""Quality part: the lawqa_jp retrieval table, through the vector engineer's evaluation script.

``--full`` runs ``packages/egov-vector/benchmarks/eval_lawqa.py`` as it is (keyword / semantic / hybrid
with a real embedder in its own embedded PostgreSQL with pgvector). The quick run, or a full run whose
script is missing or fails, grades keyword search only, over the bench's own database, with the same
script's functions (gold parsing, citation-lifted keyword ranking, R@k and MRR@10) — and says so.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.infra import REPO, shared_data

EVAL_SCRIPT = REPO / "packages" / "egov-vector" / "benchmarks" / "eval_lawqa.py"


def _eval_module() -> Any:
    # The script imports its sibling modules (eval_cases) as a script run from its folder would.
    if str(EVAL_SCRIPT.parent) not in sys.path:
        sys.path.insert(0, str(EVAL_SCRIPT.parent))
    spec = importlib.util.spec_from_file_location("egov_eval_lawqa", EVAL_SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def _keyword_only(db_url: str, limit: int | None) -> dict[str, Any]:
    from sqlalchemy import text

    from egov_core.settings import DatabaseSettings, EgovSettings
    from egov_core.store import create_engine
    from egov_core.text import normalize
    from egov_vector.evaluation import parse_questions, resolve_gold

    ev = _eval_module()
    samples = json.loads((shared_data() / "eval/lawqa_jp/selection.json").read_text(encoding="utf-8"))["samples"]
    questions = parse_questions(samples)[:limit]
    engine = create_engine(EgovSettings(database=DatabaseSettings(statement_timeout_ms=600_000)), url=db_url)
    try:
        async with engine.connect() as conn:
            rows = (await conn.execute(text("SELECT law_id, title FROM laws"))).all()
        title_to_law = {normalize(r[1]): r[0] for r in rows if r[1]}
        graded, unanswerable, no_gold = [], 0, 0
        for q in questions:
            if not q.gold:
                no_gold += 1
                continue
            gold = resolve_gold(q, title_to_law)
            if gold:
                graded.append((q, gold))
            else:
                unanswerable += 1
        runs = [(await ev.keyword_ranked(engine, q.query, None), gold) for q, gold in graded]
    finally:
        await engine.dispose()
    return {
        "source": "bench (keyword only, eval_lawqa.keyword_ranked over the bench database)",
        "embedder": None,
        "questions": len(questions),
        "gradable": len(graded),
        "unanswerable": unanswerable,
        "no_gold": no_gold,
        "metrics": {"keyword (full corpus)": ev.metrics(runs)},
    }


def run_quality(
    db_url: str, *, full: bool, questions: int | None = None, embedder: str = "e5", timeout_s: float = 3600
) -> dict[str, Any]:
    """The lawqa_jp table; ``full`` runs the vector evaluation script, else (or on its failure) keyword only."""
    note = ""
    if full and EVAL_SCRIPT.is_file():
        with tempfile.TemporaryDirectory(prefix="egov_bench_eval_") as tmp:
            out = Path(tmp) / "report.json"
            cmd = [
                sys.executable,
                str(EVAL_SCRIPT),
                "--store",
                f"{tmp}/store",
                "--embedder",
                embedder,
                "--out",
                str(out),
            ]
            try:
                done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, cwd=REPO, check=False)
                if done.returncode == 0 and out.is_file():
                    report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
                    report["source"] = f"{EVAL_SCRIPT.relative_to(REPO)} --embedder {embedder}"
                    return report
                note = f"eval script failed (exit {done.returncode}): {done.stderr[-500:]}"
            except subprocess.TimeoutExpired:
                note = f"eval script timed out after {timeout_s:.0f} s"
    elif full:
        note = "eval script not present"
    result = asyncio.run(_keyword_only(db_url, questions))
    result["note"] = note or "quick run: keyword only (semantic/hybrid need the embedder; run --full)"
    return result
