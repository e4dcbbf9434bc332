"""What a sync or fetch did (and, in a dry run, would do): counts, failures with reasons, the plan."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

__all__ = ["PlannedRevision", "SyncProgress", "SyncProgressCallback", "SyncSummary"]


@dataclass(frozen=True, slots=True)
class PlannedRevision:
    """One revision the run looked at and what became (or, in a dry run, would become) of it.

    Attributes:
        law_id: the law.
        law_revision_id: e-Gov's revision id.
        action: ``new`` (not stored yet), ``changed`` (stored with other bytes: replaced), ``unchanged``,
            or ``failed``.
        updated: e-Gov's ``updated`` timestamp of the revision, if it gave one.
        reason: why it failed.
    """

    law_id: str
    law_revision_id: str
    action: str
    updated: datetime | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class SyncProgress:
    """A progress event of a sync/fetch run, passed to the ``progress`` callback.

    Attributes:
        name: the revision (``law_revision_id``; the law id when its revision list failed), or ``""`` for
            ``planned``.
        status: ``planned`` (discovery finished: ``laws_total`` is known), then per revision ``new`` /
            ``changed`` / ``unchanged`` / ``failed``.
        laws_done: laws whose revisions were all fetched so far.
        laws_total: laws to check.
        revisions_done: revisions finished so far.
        bytes_done: bytes of law data fetched so far.
        reason: why it failed, for ``failed``.
    """

    name: str
    status: str
    laws_done: int
    laws_total: int
    revisions_done: int = 0
    bytes_done: int = 0
    reason: str | None = None


#: Called once when the plan is known and once per finished revision (from the event loop; keep it quick).
SyncProgressCallback = Callable[[SyncProgress], None]


@dataclass(slots=True)
class SyncSummary:
    """The result of one :func:`~egov_core.sync.sync` or :func:`~egov_core.sync.fetch` run.

    Attributes:
        kind: ``sync`` or ``fetch``.
        dry_run: nothing was written; ``revisions`` is the plan.
        since: the e-Gov ``updated`` date the run looked from (None: everything).
        source: how changed laws were found: ``v2`` (``/laws`` + ``/law_revisions``), ``v1`` (``updatelawlists``),
            or ``ids`` (a fetch of given laws).
        laws_checked: laws whose revision list was read.
        revisions: every revision looked at, with its action.
        aborted: why the run stopped early (e-Gov kept failing), if it did.
        cursor: the ``sync_cursor`` recorded at the end (None: not advanced).
        bytes: bytes of law data fetched.
        seconds: wall-clock duration.
    """

    kind: str
    dry_run: bool = False
    since: date | None = None
    source: str = "v2"
    laws_checked: int = 0
    revisions: list[PlannedRevision] = field(default_factory=list)
    aborted: str | None = None
    cursor: str | None = None
    bytes: int = 0
    seconds: float = 0.0

    def _count(self, action: str) -> int:
        return sum(1 for r in self.revisions if r.action == action)

    @property
    def new(self) -> int:
        """Revisions not stored before (in a dry run: that would be added)."""
        return self._count("new")

    @property
    def changed(self) -> int:
        """Stored revisions whose bytes differed and were replaced (or would be)."""
        return self._count("changed")

    @property
    def unchanged(self) -> int:
        """Revisions whose identical bytes were already stored."""
        return self._count("unchanged")

    @property
    def failed(self) -> list[tuple[str, str]]:
        """``(law_revision_id or law_id, reason)`` of every revision that could not be fetched or imported."""
        return [(r.law_revision_id, r.reason or "") for r in self.revisions if r.action == "failed"]

    @property
    def ok(self) -> bool:
        """True when nothing failed and the run was not aborted (only then does a sync advance its cursor)."""
        return self.aborted is None and not self.failed

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (command line, ``import_runs.errors``)."""
        return {
            "kind": self.kind,
            "dry_run": self.dry_run,
            "since": self.since.isoformat() if self.since else None,
            "source": self.source,
            "laws_checked": self.laws_checked,
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "failed": [{"revision": name, "reason": reason} for name, reason in self.failed],
            "aborted": self.aborted,
            "cursor": self.cursor,
            "bytes": self.bytes,
            "seconds": round(self.seconds, 3),
        }

    def format(self) -> str:
        """A short human-readable report (a dry run lists every revision that would change)."""
        verb = "would be" if self.dry_run else ""
        head = (
            f"{self.kind}{' (dry run)' if self.dry_run else ''}: {self.laws_checked} laws checked"
            f"{f' since {self.since}' if self.since else ''} via {self.source}; {self.new} new, {self.changed} changed,"
            f" {self.unchanged} unchanged, {len(self.failed)} failed in {self.seconds:.1f} s"
        )
        lines = [head]
        if self.dry_run:
            lines += [
                f"  {r.action} {verb}: {r.law_revision_id}" for r in self.revisions if r.action in ("new", "changed")
            ]
        lines += [f"  failed: {name}: {reason}" for name, reason in self.failed]
        if self.aborted:
            lines.append(f"  aborted: {self.aborted}")
        if not self.dry_run and self.kind == "sync":
            lines.append(f"  cursor: {self.cursor}" if self.cursor else "  cursor not advanced")
        return "\n".join(lines)
