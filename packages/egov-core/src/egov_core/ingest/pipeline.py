"""The law import: parse in worker processes, write each revision in one transaction in the parent."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.errors import EgovError
from egov_core.ingest._prepare import Failed, PreparedRevision, Unchanged, checksum_of, prepare_law
from egov_core.ingest._runs import finish_run
from egov_core.ingest.definitions import backfill_definitions
from egov_core.ingest.graph import build_citation_graph
from egov_core.ingest.limits import DEFAULT_LIMITS, IngestLimits, SourceTooLargeError
from egov_core.ingest.shards import Shard
from egov_core.ingest.sources import SourceItem, iter_law_sources
from egov_core.ingest.summary import ImportProgress, ImportSummary
from egov_core.ingest.version import PARSER_VERSION
from egov_core.ingest.workers import die_with_parent
from egov_core.store.bulk_load import begin_bulk_load, ensure_search_index
from egov_core.store.database import Database
from egov_core.store.errors import translate_errors
from egov_core.store.import_runs import finishing, known_law_checksums, start_run
from egov_core.store.ingest_writes import refresh_all_current_revisions, write_revision
from egov_core.store.maintenance import LAW_TABLES, vacuum_analyze

__all__ = ["ProgressCallback", "ingest_laws", "refresh_current_revisions"]

_log = logging.getLogger(__name__)

#: Called once per finished document (from the event loop thread; keep it quick).
ProgressCallback = Callable[[ImportProgress], None]

Result = PreparedRevision | Unchanged | Failed


def _items(
    sources: Iterable[Path | str | SourceItem], limits: IngestLimits, shard: Shard | None
) -> Iterator[SourceItem]:
    for source in sources:
        items = [source] if isinstance(source, SourceItem) else iter_law_sources([source], limits=limits)
        for item in items:
            if shard is None or shard.holds(item):
                yield item


class _Run:
    """Book-keeping of one run: counts, progress callback, the write of each result."""

    def __init__(self, db: Database, summary: ImportSummary, progress: ProgressCallback | None) -> None:
        self.db = db
        self.summary = summary
        self.progress = progress

    def _report(self, name: str, status: str, size: int, reason: str | None = None) -> None:
        self.summary.bytes += size
        if self.progress is not None:
            self.progress(ImportProgress(name, status, self.summary.documents, self.summary.bytes, reason))

    async def handle(self, result: Result) -> None:
        if isinstance(result, Failed):
            self.summary.failed.append((result.name, result.reason))
            # A caller that takes progress events reports failures itself (egov ingest: one line per file).
            _log.log(logging.DEBUG if self.progress else logging.WARNING, "skipped %s: %s", result.name, result.reason)
            self._report(result.name, "failed", result.size, result.reason)
            return
        if isinstance(result, Unchanged):
            self.summary.unchanged += 1
            self._report(result.name, "unchanged", result.size)
            return
        # One transaction per revision, database errors translated where the store's writes all are.
        async with self.db.write() as conn:
            written = await write_revision(conn, result)
        if written:
            self.summary.imported += 1
            self._report(result.name, "imported", result.size)
        else:
            self.summary.unchanged += 1
            self._report(result.name, "unchanged", result.size)


async def ingest_laws(
    engine: AsyncEngine,
    sources: Iterable[Path | str | SourceItem],
    *,
    progress: ProgressCallback | None = None,
    workers: int = 2,
    limits: IngestLimits = DEFAULT_LIMITS,
    citation_graph: bool = True,
    shard: Shard | None = None,
) -> ImportSummary:
    """Import e-Gov law documents (directories, bulk ZIPs, single files) into the store.

    Parsing runs in ``workers`` processes; the parent writes each law revision in one transaction that
    also bumps ``data_version``, so readers see a revision entirely or not at all and a killed run
    leaves nothing partial. Identical bytes already stored by the same parser version
    (:data:`~egov_core.ingest.version.PARSER_VERSION`) are counted ``unchanged`` and not even parsed. A document
    that fails to parse is reported in ``failed`` and skipped. Into a store without search units, the
    keyword-search index is dropped and built once after the load, by the last run to finish
    (:mod:`egov_core.store.bulk_load`).

    Args:
        engine: a migrated store.
        sources: paths (directories, ``.zip``, ``.xml``/``.json`` files) or prepared :class:`SourceItem`.
        progress: called once per finished document; a caller passing it reports failures and the summary
            itself (they are then logged at DEBUG only, not as warnings).
        workers: parser processes; 0 parses in threads of this process (small imports, tests). Workers are
            started with ``spawn``: a script calling this must guard its entry point with
            ``if __name__ == "__main__":``. They die with the process that started them (Linux).
        limits: file, ZIP member and entry-count limits, checked while reading (a document past them is
            reported in ``failed``).
        citation_graph: build the citation graph of every revision lacking one after the run
            (:func:`~egov_core.ingest.graph.build_citation_graph`); False leaves it to a later run. Of
            law imports running at the same time (shards), only the last to finish builds it: references
            across laws resolve only once every shard's laws are stored. A large build runs in ``workers``
            processes too.
        shard: import only this shard's laws (:class:`~egov_core.ingest.shards.Shard`); the other shards
            run as other processes or Jobs over the same sources. None imports everything.

    Returns:
        The run's summary (also recorded in ``import_runs``).

    Raises:
        ImportFailedError: a source path is missing or an archive unreadable.
        StorageError: the database failed (the revision being written is rolled back).
    """
    started = time.perf_counter()
    with translate_errors():
        known = await known_law_checksums(engine, PARSER_VERSION)
        run_id = await start_run(engine, "laws")
        # Into an empty store, the search index is built once at the end instead of row by row.
        await begin_bulk_load(engine)
    summary = ImportSummary(kind="laws", run_id=run_id)
    run = _Run(Database(engine), summary, progress)
    status = "aborted"
    finished = False

    async def finish() -> None:
        summary.seconds = time.perf_counter() - started
        with translate_errors():
            await asyncio.shield(finish_run(engine, summary, status))

    try:
        with _LazyPool(max(0, workers)) as pool:
            pending: set[asyncio.Future[Result]] = set()
            # Bounded look-ahead keeps memory flat: at most this many documents wait for a worker or the writer.
            window = max(1, workers) * 3
            for item in _items(sources, limits, shard):
                try:
                    data = item.read()
                except OSError as error:
                    await run.handle(Failed(item.name, item.size, f"cannot read: {error}"))
                    continue
                except SourceTooLargeError as error:
                    await run.handle(Failed(item.name, item.size, str(error)))
                    continue
                # Identical bytes already stored by this parser version: skip them here, before any parsing.
                checksum = checksum_of(data)
                if checksum in known:
                    await run.handle(Unchanged(item.name, len(data), checksum))
                    continue
                pending.add(pool.submit(prepare_law, item.name, data, item.law_id, item.law_revision_id))
                del data
                while len(pending) >= window:
                    pending = await _drain(pending, run)
            while pending:
                pending = await _drain(pending, run)
        # Revisions stored before definitions were extracted at import time (migration 0004) catch up here.
        await backfill_definitions(engine)
        with translate_errors():
            async with finishing(engine, run_id, "laws") as last:
                # The citation graph needs every law stored (references across laws), so it follows them:
                # of concurrent runs (shards) the last one builds it for every revision lacking one.
                if last:
                    await ensure_search_index(engine)
                if citation_graph and last:
                    await build_citation_graph(engine, processes=max(1, workers))
                status = "completed" if not summary.failed else "completed_with_errors"
                await finish()
                finished = True
    except Exception:
        # What an aborted run stored stays (each revision commits on its own): leave it as searchable as a
        # finished run would, with the search index there (a load into an empty store dropped it) and its
        # pending list merged (every keyword search scans that list until then: ~0.5 s per search was seen
        # after a failed import). Best effort: the database may be what failed.
        with contextlib.suppress(EgovError):
            await ensure_search_index(engine)
            if summary.imported:
                await vacuum_analyze(engine, LAW_TABLES)
        raise
    finally:
        if not finished:
            await finish()
    _log.log(logging.DEBUG if progress else logging.INFO, "%s", summary.format())  # else its caller reports
    if summary.imported:
        await vacuum_analyze(engine, LAW_TABLES)
    return summary


async def _drain(pending: set[asyncio.Future[Result]], run: _Run) -> set[asyncio.Future[Result]]:
    done, rest = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
    for future in done:
        await run.handle(future.result())
    return rest


class _LazyPool:
    """A process pool started on first use, so a run where nothing changed spawns no workers."""

    def __init__(self, workers: int) -> None:
        self._workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def submit(self, fn: Callable[..., Result], *args: object) -> asyncio.Future[Result]:
        loop = asyncio.get_running_loop()
        if self._workers == 0:
            return loop.run_in_executor(None, fn, *args)
        if self._pool is None:
            # spawn: workers never inherit the parent's event loop, sockets or threads.
            self._pool = ProcessPoolExecutor(
                self._workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=die_with_parent,
                initargs=(os.getpid(),),
            )
        return loop.run_in_executor(self._pool, fn, *args)

    def __enter__(self) -> _LazyPool:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


async def refresh_current_revisions(engine: AsyncEngine) -> list[str]:
    """Re-pick each law's current revision for today (run daily: revisions enforced later become current).

    Returns:
        The law ids whose current revision changed (data_version is bumped once when there are any).
    """
    async with Database(engine).write() as conn:
        return await refresh_all_current_revisions(conn)
