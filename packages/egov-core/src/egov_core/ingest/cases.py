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
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.citations.refs import split_ref_law
from egov_core.domain import CourtDecision, LawReference
from egov_core.errors import EgovError
from egov_core.ingest._runs import finish_run, start_run
from egov_core.ingest._writer import publish
from egov_core.ingest.limits import DEFAULT_LIMITS, IngestLimits
from egov_core.ingest.sources import SourceItem, iter_case_sources
from egov_core.ingest.summary import ImportProgress, ImportSummary
from egov_core.store.errors import translate_errors
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

_CASE_COLUMNS = (
    "lawsuit_id, trial_type, case_number, case_name, court_name, date, date_era, date_year, date_month, date_day, "
    "result_type, result, article_info, original_court_name, original_case_number, original_date, gist, "
    "case_gist, ref_law, contents, detail_page_link, full_pdf_link, extra, flags, checksum, tokens, imported_at, "
    "source_name"
)
_CASE_INSERT = (
    f"INSERT INTO cases ({_CASE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
    "$15, $16, $17, $18, $19, $20, $21, $22, $23::jsonb, $24, $25, $26::tsvector, now(), $27)"
)


def _token_text(d: CourtDecision) -> str:
    return "\n".join(p for p in (d.case_name, d.gist, d.case_gist, d.contents) if p)[:CASE_TOKEN_CHARS]


def _case_args(d: CourtDecision, checksum: str, source: str) -> tuple[Any, ...]:
    dd, od = d.date, d.original_date
    return (
        d.lawsuit_id,
        d.trial_type,
        d.case_number,
        d.case_name,
        d.court_name,
        dd.iso if dd else None,
        dd.era if dd else None,
        dd.year if dd else None,
        dd.month if dd else None,
        dd.day if dd else None,
        d.result_type,
        d.result,
        d.article_info,
        d.original_court_name,
        d.original_case_number,
        od.iso if od else None,
        d.gist,
        d.case_gist,
        d.ref_law,
        d.contents,
        d.detail_page_link,
        d.full_pdf_link,
        orjson.dumps(dict(d.extra)).decode(),
        list(d.flags),
        checksum,
        tsvector_literal(_token_text(d)),
        source,
    )


def _refs(d: CourtDecision, resolver: Resolver | None) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for seq, raw in enumerate(split_ref_law(d.ref_law)):
        ref = resolver(raw) if resolver is not None else LawReference(raw, None, None, "unresolved")
        rows.append((d.lawsuit_id, seq, raw, ref.law_id, ref.path, ref.status, ref.note))
    return rows


async def _write_batch(
    engine: AsyncEngine, batch: list[tuple[CourtDecision, str, str]], resolver: Resolver | None
) -> None:
    async with engine.begin() as conn:
        await conn.execute(text("SELECT set_config('statement_timeout', '0', true)"))
        driver = (await conn.get_raw_connection()).driver_connection
        assert driver is not None
        assert driver.is_in_transaction()
        for decision, checksum, source in batch:
            await driver.execute("DELETE FROM cases WHERE lawsuit_id = $1", decision.lawsuit_id)
            await driver.execute(_CASE_INSERT, *_case_args(decision, checksum, source))
            refs = _refs(decision, resolver)
            if refs:
                await driver.executemany(
                    "INSERT INTO case_law_refs (lawsuit_id, seq, raw, law_id, path, status, note) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    refs,
                )
        await publish(driver)


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
            rows = await conn.execute(text("SELECT lawsuit_id, checksum FROM cases"))
            known: dict[str, str] = {str(r[0]): str(r[1]) for r in rows}
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
