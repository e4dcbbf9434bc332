"""Builds the citation graph of every revision that has none yet (``citation_count`` NULL).

Runs at the end of every law import run, after the revisions are written: references into other laws
resolve against every law stored, and a store imported before migration 0005 catches up the same way.
One revision per transaction; a killed run leaves finished revisions built and the rest NULL.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.citations import LawDirectory, SqlLawDirectory
from egov_core.graph import revision_edges
from egov_core.graph.lookups import GraphLookups, Outline
from egov_core.store.errors import translate_errors
from egov_core.store.graph import (
    link_delegations,
    replace_edges,
    revision_outline,
    revision_texts,
    revisions_without_graph,
)

__all__ = ["build_citation_graph"]

_log = logging.getLogger("egov.ingest")


async def build_citation_graph(
    engine: AsyncEngine,
    *,
    directory: LawDirectory | None = None,
    law_ids: Sequence[str] | None = None,
    batch: int = 20,
    limit: int | None = None,
) -> int:
    """Compute and store the edges of every revision whose graph is missing (current revisions first).

    Args:
        engine: the store.
        directory: where citations are resolved (the store's laws by default).
        law_ids: only these laws' revisions (None: every law).
        batch: revisions looked up per query.
        limit: stop after this many revisions (None: all).

    Returns:
        How many revisions were built.
    """
    # One set of lookups for the whole run: the laws cited from many revisions are read once, not per revision.
    lookups = GraphLookups(engine, directory or SqlLawDirectory(engine))
    done = 0
    while limit is None or done < limit:
        with translate_errors():
            async with engine.connect() as conn:
                todo = await revisions_without_graph(conn, limit=batch, law_ids=law_ids)
        if not todo:
            break
        for pk, law_id, title in todo:
            with translate_errors():
                async with engine.begin() as conn:
                    texts = await revision_texts(conn, pk)
                    lookups.reading(law_id, Outline(await revision_outline(conn, pk)))
                    edges = await revision_edges(texts, law_id=law_id, law_title=title, directory=lookups)
                    await replace_edges(conn, pk, edges)
            done += 1
            if limit is not None and done >= limit:
                break
        _log.info("citation graph built for %d revisions", done)
    if done:
        # Delegations are linked once both sides are built: the act's and its order's references.
        with translate_errors():
            async with engine.begin() as conn:
                stored, linked = await link_delegations(conn)
        _log.info("delegations to a stored order: %d, linked to the provision taking them up: %d", stored, linked)
    return done
