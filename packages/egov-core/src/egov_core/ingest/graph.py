"""Builds the citation graph of every revision that has none yet (``citation_count`` NULL).

Runs at the end of every law import run, after the revisions are written: references into other laws
resolve against every law stored, and a store imported before migration 0005 catches up the same way.
One revision per transaction; a killed run leaves finished revisions built and the rest NULL. A large
build is split by law across processes (resolution is Python CPU work; each process keeps its own
lookups), and delegations are linked once every part is done.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.citations import LawDirectory, SqlLawDirectory
from egov_core.graph import revision_edges
from egov_core.graph.lookups import GraphLookups, Outline
from egov_core.ingest.workers import die_with_parent
from egov_core.store.database import Database
from egov_core.store.graph import (
    laws_without_graph,
    link_delegations,
    replace_edges,
    revision_outline,
    revision_texts,
    revisions_without_graph,
)

__all__ = ["PARALLEL_MIN_LAWS", "build_citation_graph"]

_log = logging.getLogger("egov.ingest")

#: Fewer laws to build than this are built in this process (starting processes costs more than it saves).
PARALLEL_MIN_LAWS = 200


async def build_citation_graph(
    engine: AsyncEngine,
    *,
    directory: LawDirectory | None = None,
    law_ids: Sequence[str] | None = None,
    batch: int = 20,
    limit: int | None = None,
    processes: int = 1,
) -> int:
    """Compute and store the edges of every revision whose graph is missing (current revisions first).

    Args:
        engine: the store.
        directory: where citations are resolved (the store's laws by default).
        law_ids: only these laws' revisions (None: every law).
        batch: revisions looked up per query.
        limit: stop after this many revisions (None: all).
        processes: build in this many processes, split by law, when there are at least
            :data:`PARALLEL_MIN_LAWS` laws to build (only with the store's own directory and no ``limit``).

    Returns:
        How many revisions were built.
    """
    done = None
    if processes > 1 and directory is None and limit is None:
        done = await _build_in_processes(engine, law_ids=law_ids, batch=batch, processes=processes)
    if done is None:
        done = await _build(engine, directory=directory, law_ids=law_ids, batch=batch, limit=limit)
    if done:
        # Delegations are linked once both sides are built: the act's and its order's references.
        async with Database(engine).write() as conn:
            stored, linked = await link_delegations(conn)
        _log.info("delegations to a stored order: %d, linked to the provision taking them up: %d", stored, linked)
    return done


async def _build(
    engine: AsyncEngine, *, directory: LawDirectory | None, law_ids: Sequence[str] | None, batch: int, limit: int | None
) -> int:
    # One set of lookups for the whole run: the laws cited from many revisions are read once, not per revision.
    lookups = GraphLookups(engine, directory or SqlLawDirectory(engine))
    db = Database(engine)
    done = 0
    while limit is None or done < limit:
        async with db.read(primary=True) as conn:
            todo = await revisions_without_graph(conn, limit=batch, law_ids=law_ids)
        if not todo:
            break
        for pk, law_id, title in todo:
            async with db.write() as conn:
                texts = await revision_texts(conn, pk)
                lookups.reading(law_id, Outline(await revision_outline(conn, pk)))
                edges = await revision_edges(texts, law_id=law_id, law_title=title, directory=lookups)
                await replace_edges(conn, pk, edges)
            done += 1
            if limit is not None and done >= limit:
                break
        _log.info("citation graph built for %d revisions", done)
    return done


async def _build_in_processes(
    engine: AsyncEngine, *, law_ids: Sequence[str] | None, batch: int, processes: int
) -> int | None:
    """Build in ``processes`` spawned processes, laws dealt out in turn; None when too few laws to split."""
    async with Database(engine).read(primary=True) as conn:
        todo = await laws_without_graph(conn, law_ids=law_ids)
    if len(todo) < PARALLEL_MIN_LAWS:
        return None
    url = engine.url.render_as_string(hide_password=False)
    parts = [todo[i::processes] for i in range(processes)]
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(
        max_workers=processes,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=die_with_parent,
        initargs=(os.getpid(),),
    ) as pool:
        counts = await asyncio.gather(*(loop.run_in_executor(pool, _build_part, url, part, batch) for part in parts))
    return sum(counts)


def _build_part(url: str, law_ids: list[str], batch: int) -> int:
    """One process's part of a build (runs in a spawned process with an engine of its own)."""
    from egov_core.settings import EgovSettings
    from egov_core.store import create_engine

    async def run() -> int:
        engine = create_engine(EgovSettings(), url=url)
        try:
            return await _build(engine, directory=None, law_ids=law_ids, batch=batch, limit=None)
        finally:
            await engine.dispose()

    return asyncio.run(run())
