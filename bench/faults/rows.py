"""A row of the fault table and how it is printed."""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.faults.load import Tally


@dataclass
class Row:
    """One attack's outcome.

    Attributes:
        name: the attack.
        tally: what the clients saw.
        rss_before / rss_after: server RSS (Granian and workers), MB; None where no server is involved.
        ok: whether every condition of the verdict held.
        conditions: the verdict's conditions, each with whether it held.
        expected_fail: a known gap (owned elsewhere): reported, not counted against the run.
    """

    name: str
    tally: Tally
    rss_before: float | None = None
    rss_after: float | None = None
    conditions: list[tuple[str, bool]] = field(default_factory=list)
    expected_fail: str | None = None

    def check(self, label: str, held: bool) -> None:
        """Add a condition of the verdict."""
        self.conditions.append((label, bool(held)))

    @property
    def ok(self) -> bool:
        """Every condition held."""
        return all(held for _, held in self.conditions)

    @property
    def verdict(self) -> str:
        """pass / FAIL / xfail (a known gap) / XPASS (a known gap that no longer shows)."""
        if self.expected_fail:
            return "XPASS" if self.ok else "xfail"
        return "pass" if self.ok else "FAIL"


HEADER = "| attack | requests | 5xx | 503 + Retry-After | timeouts | worst | RSS before → after | verdict |"


def markdown(rows: list[Row]) -> str:
    """The table (markdown), then the failed conditions."""
    lines = [HEADER, "|---|---:|---:|---:|---:|---:|---|---|"]
    for r in rows:
        t = r.tally
        rss = (
            f"{r.rss_before:.0f} → {r.rss_after:.0f} MB"
            if r.rss_before is not None and r.rss_after is not None
            else "—"
        )
        lines.append(
            f"| {r.name} | {t.requests:,} | {t.server_errors} | {t.unavailable} | {t.timeouts} | "
            f"{t.worst_s * 1000:,.0f} ms | {rss} | {r.verdict} |"
        )
    notes = []
    for r in rows:
        failed = [label for label, held in r.conditions if not held]
        if failed:
            notes.append(
                f"- {r.name}: not held: {'; '.join(failed)}" + (f" ({r.expected_fail})" if r.expected_fail else "")
            )
        if r.tally.notes:
            notes.append(f"- {r.name}: {', '.join(r.tally.notes)}")
    return "\n".join(lines + (["", *notes] if notes else []))
