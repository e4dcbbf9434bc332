"""Defined terms for revisions stored before they were extracted at import time (migration 0004).

New revisions get their definitions in the same transaction as their text (:mod:`egov_core.ingest._writer`);
a revision imported earlier has ``definition_count`` NULL and is caught up here, one revision per
transaction, at the end of every law import run.
"""

from __future__ import annotations

import asyncio
import io
import logging

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.definitions import extract_definitions
from egov_core.ingest._prepare import DEFINITION_COLUMNS, REVISION_ID_MARK, definitions_copy
from egov_core.parsing import parse_law_json
from egov_core.store import translate_errors

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
                rows = (
                    await conn.execute(
                        text(
                            "SELECT id, law_id, law_revision_id FROM law_revisions "
                            "WHERE definition_count IS NULL ORDER BY id LIMIT :n"
                        ),
                        {"n": batch},
                    )
                ).all()
        if not rows:
            return done
        for pk, law_id, law_revision_id in rows:
            with translate_errors():
                async with engine.begin() as conn:
                    tree = (
                        await conn.execute(text("SELECT tree FROM law_revisions WHERE id = :id FOR UPDATE"), {"id": pk})
                    ).scalar_one()
                    # Without the law_revision_id: a synthesised one (2020 bulk files) is not in e-Gov's format.
                    law = await asyncio.to_thread(parse_law_json, bytes(tree), source=law_revision_id, law_id=law_id)
                    found = extract_definitions(law)
                    await conn.execute(text("DELETE FROM definitions WHERE revision_id = :id"), {"id": pk})
                    if found:
                        raw = await conn.get_raw_connection()
                        driver = raw.driver_connection
                        assert driver is not None
                        await driver.copy_to_table(
                            "definitions",
                            source=io.BytesIO(definitions_copy(found).replace(REVISION_ID_MARK, str(pk).encode())),
                            columns=DEFINITION_COLUMNS,
                            format="text",
                        )
                    await conn.execute(
                        text("UPDATE law_revisions SET definition_count = :n WHERE id = :id"),
                        {"n": len(found), "id": pk},
                    )
            done += 1
        _log.info("definitions extracted for %d earlier revisions", done)
