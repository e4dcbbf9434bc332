"""Store preparation for the command line: embedded default, migrations, sample corpus, imports."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from egov_api.console import err, import_progress
from egov_core.settings import EgovSettings
from egov_core.store import (
    Database,
    EmbeddedPostgres,
    Engine,
    create_engine,
    has_laws,
    migrate,
    normalize_url,
    open_store,
    wait_until_ready,
)


async def _is_empty(engine: Engine) -> bool:
    async with Database(engine).read() as conn:
        return not await has_laws(conn)


async def prepare_store(settings: EgovSettings, *, load_sample: bool) -> tuple[str, EmbeddedPostgres | None]:
    """Make the store ready to serve and return its URL (and the embedded server to stop later, if any).

    Embedded default: start it, migrate, and load the bundled sample corpus when it holds no law yet.
    Configured URL: wait for the server (it may still be starting) and check it answers; migrations are
    ``egov migrate``'s job there (the compose stack runs it as a one-shot step).
    """
    if settings.database.url is not None:
        url = normalize_url(settings.database.url.get_secret_value())
        engine = create_engine(settings, url=url)
        try:
            await wait_until_ready(engine, retries=settings.database.connect_retries)
        finally:
            await engine.dispose()
        return url, None
    embedded = EmbeddedPostgres(settings.database.embedded_dir)
    url = await embedded.astart()
    engine = create_engine(settings, url=url)
    try:
        await wait_until_ready(engine, retries=settings.database.connect_retries)
        from egov_core.usecases import migrate_plugins

        await migrate(engine)
        await migrate_plugins(engine, skip=settings.disabled_plugins())
        if load_sample and await _is_empty(engine):
            from egov_core.sample import sample_counts

            err.print(f"empty store: loading the bundled sample corpus ({sample_counts().describe()})")
            await _load_sample(engine)
    except BaseException:
        await engine.dispose()
        embedded.stop()
        raise
    await engine.dispose()
    return url, embedded


def _print_summary(kind: str, summary: Any) -> None:
    err.print(
        f"{kind}: {summary.imported} imported, {summary.unchanged} unchanged, {len(summary.failed)} failed"
        f" in {summary.seconds:.1f} s ({summary.mb_per_s:.1f} MB/s, {summary.docs_per_s:.1f}/s)"
    )  # each failed file was reported once, as it failed


def _limits(settings: EgovSettings | None) -> Any:
    from egov_core.ingest import IngestLimits

    return IngestLimits(**settings.ingest.model_dump()) if settings is not None else IngestLimits()


async def _ingest_laws(
    engine: Engine, paths: Sequence[Path], workers: int = 2, settings: EgovSettings | None = None, shard: Any = None
) -> Any:
    from egov_core.ingest import measure_sources
    from egov_core.usecases import import_laws

    limits = _limits(settings)
    total, _ = measure_sources(paths, laws=True, limits=limits)
    with import_progress("laws", total) as progress:
        outcome = await import_laws(engine, list(paths), progress=progress, workers=workers, limits=limits, shard=shard)
    _print_summary("laws", outcome.summary)
    _print_refs(outcome.refs_changed)
    return outcome.summary


async def _ingest_cases(engine: Engine, paths: Sequence[Path], settings: EgovSettings | None = None) -> Any:
    from egov_core.ingest import measure_sources
    from egov_core.usecases import import_cases

    limits = _limits(settings)
    total, _ = measure_sources(paths, laws=False, limits=limits)
    with import_progress("court decisions", total) as progress:
        outcome = await import_cases(engine, list(paths), progress=progress, limits=limits)
    _print_summary("court decisions", outcome.summary)
    _print_refs(outcome.refs_changed)
    return outcome.summary


def _print_refs(changed: int) -> None:
    if changed:
        err.print(f"court decisions: {changed} 参照法条 references (re-)resolved")


async def _load_sample(engine: Engine) -> None:
    from egov_core.sample import sample_cases_dir, sample_laws_zip

    await _ingest_laws(engine, [sample_laws_zip()])
    await _ingest_cases(engine, [sample_cases_dir()])


async def run_ingest(settings: EgovSettings, paths: Sequence[Path], *, workers: int = 2, shard: Any = None) -> Any:
    """``egov ingest``: import laws (all, or one :class:`~egov_core.ingest.Shard`) into the configured store."""
    async with open_store(settings) as store:
        return await _ingest_laws(store.engine, paths, workers, settings, shard)


async def run_ingest_cases(settings: EgovSettings, paths: Sequence[Path]) -> Any:
    """``egov ingest-cases``: import court decisions."""
    async with open_store(settings) as store:
        return await _ingest_cases(store.engine, paths, settings)


async def run_load_sample(settings: EgovSettings) -> None:
    """``egov load-sample``: import the bundled corpus."""
    async with open_store(settings) as store:
        await _load_sample(store.engine)
