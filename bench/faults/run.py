"""``python -m bench.faults.run [--quick] [--markdown FILE]``: run the fault suite and print its table.

Exit status 1 when a row fails (a known gap marked expected-fail does not count).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench.faults import route_attacks as r
from bench.faults import server_attacks as s
from bench.faults.rows import Row, markdown
from bench.faults.stack import Stack, running_stack
from bench.infra import shared_data

Attack = Callable[[Stack, bool], Row]

#: In table order. The quota burst runs last but one: it must not eat the quota of the rows before it.
SERVER_ATTACKS: list[Attack] = [
    s.costly_citations,
    s.oversized,
    s.bad_characters,
    s.methods_and_headers,
    r.diff_worst,
    r.graph_densest,
    r.lawapi_worst,
    r.mcp_abuse,
    s.idle_flood,
    s.redis_faults,
    s.postgres_terminated,
    s.quota_burst,
]


#: Multi-revision laws of the shared data the full run adds to the sample corpus (the diff row's worst inputs):
#: 電気事業法's two revisions nine years apart (1.2 MB), and 意匠法's oldest twelve revisions with its newest (the
#: longest amendment chain a diff still credits one by one, and one past it).
FULL_RUN_LAWS = {"339AC0000000170": None, "334AC0000000125": 12}


def full_run_laws() -> list[Path]:
    """Revision files of :data:`FULL_RUN_LAWS` (none when the shared data is absent)."""
    root = shared_data() / "laws" / "revisions"
    files: list[Path] = []
    for law_id, oldest in FULL_RUN_LAWS.items():
        revisions = sorted((root / law_id).glob("*/*.xml"))
        files += revisions if oldest is None else [*revisions[:oldest], *revisions[-1:]]
    return files


def run(quick: bool, only: list[str] | None = None) -> list[Row]:
    """Every attack against one stack (and the importer attacks on their own), in order; with ``only``, just
    the attacks of those names (``diff_worst``, ``redis_faults``, ...)."""
    rows: list[Row] = []
    with running_stack(extra_laws=[] if quick else full_run_laws()) as stack:
        for attack in SERVER_ATTACKS:
            if only and attack.__name__ not in only:
                continue
            started = time.monotonic()
            row = attack(stack, quick)
            print(f"{row.name}: {row.verdict} ({time.monotonic() - started:.0f} s)", file=sys.stderr, flush=True)
            rows.append(row)
    for importer_attack in _importer_attacks():
        if (quick and importer_attack.__name__ in _slow_importer_attacks()) or (
            only and importer_attack.__name__ not in only
        ):
            continue
        started = time.monotonic()
        row = importer_attack(quick)
        print(f"{row.name}: {row.verdict} ({time.monotonic() - started:.0f} s)", file=sys.stderr, flush=True)
        rows.append(row)
    return rows


def _importer_attacks() -> list[Callable[[bool], Row]]:
    from bench.faults import import_attacks

    return list(import_attacks.ATTACKS)


def _slow_importer_attacks() -> set[str]:
    from bench.faults import import_attacks

    return {a.__name__ for a in import_attacks.SLOW}


def main(argv: list[str] | None = None) -> int:
    """Run the suite, print the table; non-zero when a row failed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="Smaller floods and fewer inputs (the CI smoke run).")
    parser.add_argument("--markdown", type=Path, help="Also write the table to this file.")
    parser.add_argument("--only", nargs="+", metavar="ATTACK", help="Only these attacks (function names).")
    args = parser.parse_args(argv)
    known = {a.__name__ for a in SERVER_ATTACKS} | {a.__name__ for a in _importer_attacks()}
    if args.only and (unknown := set(args.only) - known):
        parser.error(f"unknown attacks {sorted(unknown)}; known: {', '.join(sorted(known))}")
    rows = run(args.quick, args.only)
    table = markdown(rows)
    print(table)
    if args.markdown:
        args.markdown.write_text(table + "\n", encoding="utf-8")
    return 0 if all(r.ok or r.expected_fail for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
