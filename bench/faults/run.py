"""``python -m bench.faults.run [--quick] [--markdown FILE]``: run the fault suite and print its table.

Exit status 1 when a row fails (a known gap marked expected-fail does not count).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench.faults import server_attacks as s
from bench.faults.rows import Row, markdown
from bench.faults.stack import Stack, running_stack

Attack = Callable[[Stack, bool], Row]

#: In table order. The quota burst runs last but one: it must not eat the quota of the rows before it.
SERVER_ATTACKS: list[Attack] = [
    s.costly_citations,
    s.oversized,
    s.bad_characters,
    s.methods_and_headers,
    s.idle_flood,
    s.redis_faults,
    s.postgres_terminated,
    s.quota_burst,
]


def run(quick: bool) -> list[Row]:
    """Every attack against one stack (and the importer attacks on their own), in order."""
    rows: list[Row] = []
    with running_stack() as stack:
        for attack in SERVER_ATTACKS:
            started = time.monotonic()
            row = attack(stack, quick)
            print(f"{row.name}: {row.verdict} ({time.monotonic() - started:.0f} s)", file=sys.stderr, flush=True)
            rows.append(row)
    from bench.faults import import_attacks

    for importer_attack in import_attacks.ATTACKS:
        if quick and importer_attack in import_attacks.SLOW:
            continue
        started = time.monotonic()
        row = importer_attack(quick)
        print(f"{row.name}: {row.verdict} ({time.monotonic() - started:.0f} s)", file=sys.stderr, flush=True)
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the suite, print the table; non-zero when a row failed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="Smaller floods and fewer inputs (the CI smoke run).")
    parser.add_argument("--markdown", type=Path, help="Also write the table to this file.")
    args = parser.parse_args(argv)
    rows = run(args.quick)
    table = markdown(rows)
    print(table)
    if args.markdown:
        args.markdown.write_text(table + "\n", encoding="utf-8")
    return 0 if all(r.ok or r.expected_fail for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
