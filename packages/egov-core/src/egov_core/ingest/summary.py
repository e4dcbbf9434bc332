"""What an import did: counts, failures with reasons, throughput."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["ImportProgress", "ImportSummary"]


@dataclass(frozen=True, slots=True)
class ImportProgress:
    """One finished document, passed to the ``progress`` callback.

    Attributes:
        name: the source's label.
        status: ``imported`` / ``unchanged`` / ``failed``.
        done: documents finished so far in this run.
        bytes_done: bytes of the finished documents so far.
        reason: why it failed, for ``failed``.
    """

    name: str
    status: str
    done: int
    bytes_done: int
    reason: str | None = None


@dataclass(slots=True)
class ImportSummary:
    """The result of one import run.

    Attributes:
        kind: ``laws`` or ``cases``.
        imported: documents written (new or replaced).
        unchanged: documents whose identical bytes were already stored (nothing written).
        failed: ``(source, reason)`` for every document that was skipped.
        bytes: bytes of all documents seen.
        seconds: wall-clock duration.
        run_id: the ``import_runs`` row of this run.
    """

    kind: str
    imported: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    bytes: int = 0
    seconds: float = 0.0
    run_id: int | None = None

    @property
    def documents(self) -> int:
        """All documents seen."""
        return self.imported + self.unchanged + len(self.failed)

    @property
    def docs_per_s(self) -> float:
        """Documents (laws or decisions) per second."""
        return self.documents / self.seconds if self.seconds > 0 else 0.0

    @property
    def laws_per_s(self) -> float:
        """Alias of :attr:`docs_per_s` for law imports."""
        return self.docs_per_s

    @property
    def mb_per_s(self) -> float:
        """Megabytes (10^6) of source per second."""
        return self.bytes / 1e6 / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (for the command line and import_runs)."""
        return {
            "kind": self.kind,
            "imported": self.imported,
            "unchanged": self.unchanged,
            "failed": [{"source": s, "reason": r} for s, r in self.failed],
            "bytes": self.bytes,
            "seconds": round(self.seconds, 3),
            "docs_per_s": round(self.docs_per_s, 2),
            "mb_per_s": round(self.mb_per_s, 2),
            "run_id": self.run_id,
        }

    def format(self) -> str:
        """A short human-readable report."""
        lines = [
            f"{self.kind}: {self.imported} imported, {self.unchanged} unchanged, {len(self.failed)} failed "
            f"in {self.seconds:.1f} s ({self.docs_per_s:.1f}/s, {self.mb_per_s:.2f} MB/s)"
        ]
        lines += [f"  failed: {source}: {reason}" for source, reason in self.failed]
        return "\n".join(lines)
