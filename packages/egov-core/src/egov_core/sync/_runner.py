"""Fetch revisions law by law and feed them, in batches, to the same import pipeline as files."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.egov_client import EgovClient
from egov_core.errors import EgovApiError, EgovError
from egov_core.ingest import ImportProgress, SourceItem, ingest_laws
from egov_core.ingest.version import PARSER_VERSION
from egov_core.store import Database, stored_revisions
from egov_core.sync._egov import Target, checksum_of, fetch_document
from egov_core.sync.summary import PlannedRevision, SyncProgress, SyncProgressCallback, SyncSummary

__all__ = ["Runner"]

_log = logging.getLogger(__name__)

#: Documents (and bytes) fetched before they are handed to the pipeline in one call.
BATCH_DOCS = 32
BATCH_BYTES = 64 * 1024 * 1024

#: What a law's list of revisions to read comes from (a ``/law_revisions`` call, a pick by date, …).
TargetsFn = Callable[[], Awaitable[Sequence[Target]]]


@dataclass(frozen=True, slots=True)
class _Fetched:
    law_id: str
    law_revision_id: str
    updated: datetime | None
    item: SourceItem
    checksum: str


class Runner:
    """One run over laws: list each law's revisions, fetch them, classify and (unless dry) import them.

    e-Gov failures are recorded per revision; after ``max_consecutive_failures`` in a row the run stops
    (e-Gov is down: hammering it helps nobody) and says so in ``summary.aborted``.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        client: EgovClient,
        summary: SyncSummary,
        *,
        progress: SyncProgressCallback | None,
        workers: int,
        max_consecutive_failures: int,
        citation_graph: bool = True,
    ) -> None:
        self.engine = engine
        self.client = client
        self.summary = summary
        self.progress = progress
        self.workers = workers
        self.citation_graph = citation_graph
        self.max_failures = max(1, max_consecutive_failures)
        self._pending: list[_Fetched] = []
        self._pending_bytes = 0
        self._streak = 0
        self._laws_done = 0
        self._laws_total = 0

    def _emit(self, name: str, status: str, reason: str | None = None) -> None:
        if self.progress is not None:
            done = len(self.summary.revisions)
            event = SyncProgress(
                name, status, self._laws_done, self._laws_total, done, self.summary.bytes, reason=reason
            )
            self.progress(event)

    def _record(self, planned: PlannedRevision) -> None:
        self.summary.revisions.append(planned)
        self._emit(planned.law_revision_id, planned.action, planned.reason)

    def _failure(self, law_id: str, name: str, error: EgovError) -> None:
        reason = f"{type(error).__name__}: {error}"
        _log.warning("sync: %s failed: %s", name, reason)
        self._record(PlannedRevision(law_id, name, "failed", reason=reason))
        if isinstance(error, EgovApiError):
            self._streak += 1
            if self._streak >= self.max_failures:
                self.summary.aborted = f"e-Gov failed {self._streak} times in a row; last: {reason}"

    async def run(self, laws: Sequence[tuple[str, TargetsFn]]) -> None:
        """Process every law (stopping early if e-Gov keeps failing), then flush what is pending."""
        self._laws_total = len(laws)
        self._emit("", "planned")
        for law_id, targets_fn in laws:
            if self.summary.aborted:
                break
            await self._law(law_id, targets_fn)
            self.summary.laws_checked += 1
            self._laws_done += 1
        # What was fetched before e-Gov gave up is good data: import it (one transaction per revision). After an
        # exception (database down, cancelled) nothing more is attempted; the next run fetches it again.
        await self._flush()
        if self.summary.aborted and self._laws_done < self._laws_total:
            self.summary.aborted += f" ({self._laws_total - self._laws_done} laws not checked)"

    async def _law(self, law_id: str, targets_fn: TargetsFn) -> None:
        try:
            targets = await targets_fn()
        except EgovError as error:
            self._failure(law_id, law_id, error)
            return
        self._streak = 0
        for target in targets:
            if self.summary.aborted:
                return
            try:
                revision_id, data, updated = await fetch_document(self.client, target)
            except EgovApiError as error:
                self._failure(law_id, target.law_revision_id or law_id, error)
                continue
            self._streak = 0
            self.summary.bytes += len(data)
            item = SourceItem(
                name=f"e-Gov:{revision_id}",
                path=None,
                data=data,
                size=len(data),
                law_id=law_id,
                law_revision_id=revision_id,
            )
            self._pending.append(_Fetched(law_id, revision_id, updated, item, checksum_of(data)))
            self._pending_bytes += len(data)
            if len(self._pending) >= BATCH_DOCS or self._pending_bytes >= BATCH_BYTES:
                await self._flush()

    async def _stored(self, batch: list[_Fetched]) -> tuple[set[str], set[str]]:
        """(revision ids stored, checksums stored) among those of ``batch``."""
        async with Database(self.engine).read() as conn:
            return await stored_revisions(
                conn, [f.law_revision_id for f in batch], [f.checksum for f in batch], PARSER_VERSION
            )

    async def _flush(self) -> None:
        batch, self._pending, self._pending_bytes = self._pending, [], 0
        if not batch:
            return
        ids, sums = await self._stored(batch)
        # The pipeline skips known checksums whatever their id, so "unchanged" means exactly that here too.
        actions = {
            f.item.name: "unchanged" if f.checksum in sums else "changed" if f.law_revision_id in ids else "new"
            for f in batch
        }
        results: dict[str, ImportProgress] = {}
        writes = [f.item for f in batch if actions[f.item.name] != "unchanged"]
        if writes and not self.summary.dry_run:
            await ingest_laws(
                self.engine,
                writes,
                progress=lambda e: results.__setitem__(e.name, e),
                workers=self.workers,
                citation_graph=self.citation_graph,
            )
        for f in batch:
            action, reason = actions[f.item.name], None
            result = results.get(f.item.name)
            if result is not None and result.status == "failed":
                action, reason = "failed", result.reason
            elif result is not None and result.status == "unchanged":
                action = "unchanged"
            self._record(PlannedRevision(f.law_id, f.law_revision_id, action, f.updated, reason))
