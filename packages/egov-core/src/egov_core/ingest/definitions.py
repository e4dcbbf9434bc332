"""Defined terms for revisions stored before they were extracted at import time (migration 0004).

New revisions get their definitions in the same transaction as their text (:mod:`egov_core.store.ingest_writes`);
a revision imported earlier has ``definition_count`` NULL and is caught up here, one revision per
transaction, at the end of every law import run.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.copy_rows import DEFINITION_COLUMNS, REVISION_ID_MARK
from egov_core.definitions import extract_definitions
from egov_core.ingest._prepare import definitions_copy
from egov_core.parsing import parse_law_json
from egov_core.store import translate_errors
from egov_core.store.definitions import locked_revision_tree, replace_definitions, revisions_without_definitions

__all__ = ["backfill_definitions"]

_log = logging.getLogger("egov.ingest")


async def backfill_definitions(engine: AsyncEngine, *, batch: int = 20) -> int:
    """Extract and store the definitions of every revision that has none recorded yet.

    Returns:
        How many revisions were caught up.
    """
    done = 0
    while True:
        with translate_errors():
            async with engine.connect() as conn:
                pending = await revisions_without_definitions(conn, batch)
        if not pending:
            return done
        for pk, law_id, law_revision_id in pending:
            with translate_errors():
                async with engine.begin() as conn:
                    tree = await locked_revision_tree(conn, pk)
                    # Without the law_revision_id: a synthesised one (2020 bulk files) is not in e-Gov's format.
                    law = await asyncio.to_thread(parse_law_json, tree, source=law_revision_id, law_id=law_id)
                    found = extract_definitions(law)
                    rows = definitions_copy(found).replace(REVISION_ID_MARK, str(pk).encode())
                    await replace_definitions(conn, pk, rows, DEFINITION_COLUMNS, len(found))
            done += 1
        _log.info("definitions extracted for %d earlier revisions", done)
