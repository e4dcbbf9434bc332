"""The import use cases: an import and what must follow it, whoever starts it.

After laws or decisions change, court decisions' 参照法条 are re-resolved (a part that named a law not yet
stored resolves once the law arrives) and every installed plug-in's after-import hook runs (egov-vector
re-flags which of its chunks belong to current revisions). ``egov ingest`` / ``ingest-cases`` / ``sync``,
``python -m egov_core.ingest`` and library callers all go through these functions, so none of them can
skip a step.

Plug-ins register an ``async def hook(engine) -> None`` under the entry-point group
:data:`AFTER_IMPORT_GROUP` (egov-vector: ``vector = "egov_vector.current:after_import"``), and their own
tables' migrations, run after core's by :func:`migrate_plugins`, under :data:`MIGRATIONS_GROUP`
(egov-vector: ``vector = "egov_vector.db.migrate:migrate_vector"``): whoever migrates (``egov migrate``,
the embedded default's start-up) knows no plug-in by name.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from egov_core.ingest import ImportSummary, IngestLimits, Shard, ingest_cases, ingest_laws
from egov_core.ingest.limits import DEFAULT_LIMITS
from egov_core.store import Engine

__all__ = [
    "AFTER_IMPORT_GROUP",
    "MIGRATIONS_GROUP",
    "ImportOutcome",
    "after_import",
    "import_cases",
    "import_laws",
    "migrate_plugins",
]

#: Entry-point group of the hooks run after every import that changed something.
AFTER_IMPORT_GROUP = "egov.after_import"
#: Entry-point group of the plug-ins' migrations (``async def migrate(engine) -> None``, idempotent).
MIGRATIONS_GROUP = "egov.migrations"

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """An import's summary and what ran after it.

    Attributes:
        summary: what the import did.
        refs_changed: 参照法条 parts whose resolution changed (0 when nothing was re-resolved).
        hooks: the after-import hooks that ran (entry-point names).
    """

    summary: ImportSummary
    refs_changed: int = 0
    hooks: tuple[str, ...] = ()


async def after_import(engine: Engine) -> tuple[int, tuple[str, ...]]:
    """Re-resolve the decisions' 参照法条, then run every plug-in's after-import hook.

    Returns:
        How many 参照法条 parts changed, and the names of the hooks that ran.
    """
    from egov_core.citations import resolve_case_refs

    changed = await resolve_case_refs(engine)
    ran: list[str] = []
    for entry in entry_points(group=AFTER_IMPORT_GROUP):
        hook = entry.load()
        await hook(engine)
        ran.append(entry.name)
    return changed, tuple(ran)


async def migrate_plugins(engine: Engine, *, skip: Collection[str] = ()) -> tuple[str, ...]:
    """Run every installed plug-in's migrations (after core's: a plug-in's tables may refer to core's).

    Args:
        engine: the database.
        skip: plug-ins left out (``EgovSettings.disabled_plugins()``: a plug-in switched off in the settings).

    Returns:
        The names of the plug-ins migrated (none in the Lite edition).

    Raises:
        EgovError: a plug-in's migration failed (its own error, e.g. a missing database extension).
    """
    ran: list[str] = []
    for entry in sorted(entry_points(group=MIGRATIONS_GROUP), key=lambda e: e.name):
        if entry.name in skip:
            continue
        await entry.load()(engine)
        ran.append(entry.name)
    return tuple(ran)


async def import_laws(
    engine: Engine,
    sources: Iterable[Path | str | Any],
    *,
    progress: Any = None,
    workers: int = 2,
    limits: IngestLimits = DEFAULT_LIMITS,
    shard: Shard | None = None,
    citation_graph: bool = True,
) -> ImportOutcome:
    """:func:`~egov_core.ingest.ingest_laws` (of one ``shard``, or all), then :func:`after_import` when a law
    was imported."""
    summary = await ingest_laws(
        engine, sources, progress=progress, workers=workers, limits=limits, shard=shard, citation_graph=citation_graph
    )
    if not summary.imported:
        return ImportOutcome(summary)
    changed, hooks = await after_import(engine)
    return ImportOutcome(summary, changed, hooks)


async def import_cases(
    engine: Engine,
    sources: Iterable[Path | str | Any],
    *,
    progress: Any = None,
    limits: IngestLimits = DEFAULT_LIMITS,
) -> ImportOutcome:
    """:func:`~egov_core.ingest.ingest_cases`, then :func:`after_import` (the new decisions' 参照法条)."""
    summary = await ingest_cases(engine, sources, progress, limits=limits)
    changed, hooks = await after_import(engine)
    return ImportOutcome(summary, changed, hooks)
