"""``python -m bench.diff [--quick]``: what a 新旧対照 costs, and that its bounds hold.

Measured in one run, reported as figures and ratios (never asserted as wall-clock times):

1. Every consecutive pair of every revision history in ``laws/revisions``: parse both revisions from their
   stored form (the v2 JSON tree, as the route does), cut them into units, diff; the largest pair is the
   headline (the route's cost for the biggest real request in the corpus).
2. Adversarial shapes on the law of ``laws/xml`` with the most articles, each against the identity diff of the same law:
   every article renumbered (一条ずつ繰下げ), every article renumbered *and* amended (no equal run to anchor on), and one unit of 20,000 characters
   shuffled (the same characters in another order: quadratic matching's worst case, bounded by CHAR_DIFF_CAP).

Prints a Markdown table and writes ``bench/results/<timestamp>.diff.json``.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.infra import REPO, shared_data


def _best(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def _pairs(quick: bool) -> list[dict[str, Any]]:
    from egov_core.diff import diff_laws
    from egov_core.ingest._prepare import tree_json
    from egov_core.parsing import parse_law, parse_law_json

    rows = []
    for law_dir in sorted((shared_data() / "laws" / "revisions").iterdir()):
        files = sorted(next(d.glob("*.xml")) for d in law_dir.iterdir() if d.is_dir())
        if quick:
            files = files[:2]
        trees = [tree_json(parse_law(f.read_bytes(), source=f.name).root) for f in files]
        for (a, ta), (b, tb) in zip(
            zip(files, trees, strict=True), zip(files[1:], trees[1:], strict=True), strict=False
        ):
            start = time.perf_counter()
            old = parse_law_json(ta, law_id=law_dir.name)
            new = parse_law_json(tb, law_id=law_dir.name)
            parsed = time.perf_counter()
            diff = diff_laws(old, new)
            done = time.perf_counter()
            rows.append(
                {
                    "old": a.parent.name,
                    "new": b.parent.name,
                    "chars": sum(len(p.text) for p in old.provisions) + sum(len(p.text) for p in new.provisions),
                    "parse_s": parsed - start,
                    "diff_s": done - parsed,
                    "changed": len(diff.changed()),
                    "exhaustive": diff.exhaustive,
                }
            )
    return rows


def _adversarial(repeats: int) -> dict[str, Any]:
    from egov_core.diff import DiffUnit, diff_units, law_units
    from egov_core.parsing import parse_law

    # The law with the most articles: the most units to align (a big 別表 law has few).
    biggest = max((shared_data() / "laws" / "xml").glob("*.xml"), key=lambda p: p.read_bytes().count(b"<Article "))
    units = list(law_units(parse_law(biggest.read_bytes(), source=biggest.name)))

    def renumbered(amend: bool) -> list[DiffUnit]:
        out = []
        for u in units:
            if u.kind != "Article" or not u.key.startswith("MainProvision-Article_"):
                out.append(u)
                continue
            key = u.key + "_x"  # another number
            text = u.text + ("改" if amend else "")
            out.append(dataclasses.replace(u, key=key, path=key, text=text, body=u.body + ("改" if amend else "")))
        return out

    # One 20,000-character unit whose text is shuffled: the same characters in another order, difflib's worst.
    real = "".join(u.text for u in units)[:20_000]
    chars = list(real)
    random.Random(16).shuffle(chars)
    shuffled = "".join(chars)
    rewritten = [*units, dataclasses.replace(units[-1], key="X", path="X", text=real, body=real)]
    rewritten_new = [*units, dataclasses.replace(units[-1], key="X", path="X", text=shuffled, body=shuffled)]
    shapes: dict[str, tuple[list[DiffUnit], list[DiffUnit]]] = {
        "identity": (units, units),
        "every article renumbered": (units, renumbered(False)),
        "every article renumbered and amended": (units, renumbered(True)),
        "one unit of 20,000 chars shuffled": (rewritten, rewritten_new),
    }
    figures: dict[str, Any] = {}
    for name, (old, new) in shapes.items():
        seconds, diff = _best(functools.partial(diff_units, old, new), repeats)
        figures[name] = {"seconds": seconds, "changed": len(diff.changed()), "exhaustive": diff.exhaustive}
    base = figures["identity"]["seconds"]
    for fig in figures.values():
        fig["x_identity"] = fig["seconds"] / base if base else None
    return {"law": biggest.stem, "units": len(units), "shapes": figures}


def main(argv: list[str] | None = None) -> Path:
    """Run the bench; returns the JSON written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="first pair of each history, one repeat")
    parser.add_argument("--out-dir", type=Path, default=REPO / "bench" / "results")
    args = parser.parse_args(argv)
    pairs = _pairs(args.quick)
    largest = max(pairs, key=lambda r: r["chars"])
    adversarial = _adversarial(1 if args.quick else 3)
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "pairs": pairs,
        "largest_pair": largest,
        "adversarial": adversarial,
    }
    print("| pair | chars (both) | parse s | diff s | changed |\n|---|---|---|---|---|")
    for r in sorted(pairs, key=lambda r: -r["chars"])[:5]:
        print(
            f"| {r['old']} → {r['new'][16:]} | {r['chars']:,} | {r['parse_s']:.3f} | {r['diff_s']:.3f} | {r['changed']} |"
        )
    print(f"\n{len(pairs)} pairs, diff total {sum(r['diff_s'] for r in pairs):.2f} s\n")
    print(f"| {adversarial['law']} ({adversarial['units']} units) | s | × identity | exhaustive |\n|---|---|---|---|")
    for name, fig in adversarial["shapes"].items():
        print(f"| {name} | {fig['seconds']:.3f} | {fig['x_identity']:.1f} | {fig['exhaustive']} |")
    args.out_dir.mkdir(parents=True, exist_ok=True)
    out: Path = args.out_dir / f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}.diff.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return out


if __name__ == "__main__":
    main()
