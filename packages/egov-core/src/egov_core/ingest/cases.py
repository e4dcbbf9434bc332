"""Court-decision import: JSON records of the courts.go.jp open data set (japanese-law-analysis/data_set).

Idempotent by checksum of the record's bytes; each decision is replaced as a whole (row and 参照法条
parts). 参照法条 is kept raw on the decision and split into parts in ``case_law_refs``, resolved to a
law and provision by an optional resolver.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.citations.refs import split_ref_law
from egov_core.domain import CourtDecision, LawReference
from egov_core.errors import EgovError
from egov_core.ingest._runs import finish_run
from egov_core.ingest.limits import DEFAULT_LIMITS, IngestLimits
from egov_core.ingest.sources import SourceItem, iter_case_sources
from egov_core.ingest.summary import ImportProgress, ImportSummary
from egov_core.store.case_writes import CaseWrite, case_checksums, replace_cases
from egov_core.store.errors import translate_errors
from egov_core.store.import_runs import start_run
from egov_core.store.maintenance import CASE_TABLES, vacuum_analyze
from egov_core.text import tsvector_literal

__all__ = ["CASE_TOKEN_CHARS", "Resolver", "ingest_cases"]

_log = logging.getLogger(__name__)

#: Resolves one 参照法条 part (``民法709条``) to a law and provision.
Resolver = Callable[[str], LawReference]

#: Characters of case_name + gist + case_gist + contents that get search tokens.
CASE_TOKEN_CHARS = 16_000

# Decisions written per transaction: each decision is still all-or-nothing, and one data_version bump
# covers the batch.
_BATCH = 200


def _token_text(d: CourtDecision) -> str:
    return "\n".join(p for p in (d.case_name, d.gist, d.case_gist, d.contents) if p)[:CASE_TOKEN_CHARS]


def _write(d: CourtDecision, checksum: str, source: str, resolver: Resolver | None) -> CaseWrite:
    refs = []
    for seq, raw in enumerate(split_ref_law(d.ref_law)):
        ref = resolver(raw) if resolver is not None else LawReference(raw, None, None, "unresolved")
        refs.append((seq, raw, ref.law_id, ref.path, ref.status, ref.note))
    return CaseWrite(d, checksum, source, tsvector_literal(_token_text(d)), refs)


async def _write_batch(
    engine: AsyncEngine, batch: list[tuple[CourtDecision, str, str]], resolver: Resolver | None
) -> None:
    writes = [_write(decision, checksum, source, resolver) for decision, checksum, source in batch]
    async with engine.begin() as conn:
        await replace_cases(conn, writes)


async def ingest_cases(
    engine: AsyncEngine,
    sources: Iterable[Path | str | SourceItem],
    progress: Callable[[ImportProgress], None] | None = None,
    *,
    resolver: Resolver | None = None,
    limits: IngestLimits = DEFAULT_LIMITS,
) -> ImportSummary:
    """Import court-decision JSON records (directories, ZIPs, single files).

    Args:
        engine: a migrated store.
        sources: paths or :class:`SourceItem`.
        progress: called once per finished record.
        resolver: resolves each 参照法条 part; without one, parts are stored with status ``unresolved``.
        limits: file, ZIP member and entry-count limits, checked while reading.

    Returns:
        The run's summary (also recorded in ``import_runs``).
    """
    from egov_core.parsing.cases import parse_case

    started = time.perf_counter()
    with translate_errors():
        async with engine.connect() as conn:
            known = await case_checksums(conn)
        run_id = await start_run(engine, "cases")
    summary = ImportSummary(kind="cases", run_id=run_id)
    batch: list[tuple[CourtDecision, str, str]] = []
    status = "aborted"

    def report(name: str, state: str, size: int, reason: str | None = None) -> None:
        summary.bytes += size
        if progress is not None:
            progress(ImportProgress(name, state, summary.documents, summary.bytes, reason))

    try:
        items = (
            s
            for src in sources
            for s in ([src] if isinstance(src, SourceItem) else iter_case_sources([src], limits=limits))
        )
        for item in items:
            try:
                data = item.read()
                checksum = hashlib.sha256(data).hexdigest()
                decision = parse_case(data, source=item.name)
            except (OSError, EgovError) as error:
                summary.failed.append((item.name, f"{type(error).__name__}: {error}"))
                report(item.name, "failed", item.size, summary.failed[-1][1])
                continue
            if known.get(decision.lawsuit_id) == checksum:
                summary.unchanged += 1
                report(item.name, "unchanged", len(data))
                continue
            known[decision.lawsuit_id] = checksum
            batch.append((decision, checksum, item.name))
            summary.imported += 1
            report(item.name, "imported", len(data))
            if len(batch) >= _BATCH:
                with translate_errors():
                    await _write_batch(engine, batch, resolver)
                batch = []
        if batch:
            with translate_errors():
                await _write_batch(engine, batch, resolver)
        status = "completed" if not summary.failed else "completed_with_errors"
    finally:
        summary.seconds = time.perf_counter() - started
        with translate_errors():
            await finish_run(engine, summary, status)
    _log.log(logging.DEBUG if progress else logging.INFO, "%s", summary.format())  # else its caller reports
    if summary.imported:
        await vacuum_analyze(engine, CASE_TABLES)
    return summary
