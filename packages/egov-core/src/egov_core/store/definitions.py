"""Defined terms as stored at import time (table ``definitions``, migration 0004): per revision, by term
across the corpus, and the ones a provision's text uses within their scope."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Result, text
from sqlalchemy.ext.asyncio import AsyncConnection

__all__ = [
    "DefinitionRow",
    "definitions_in_scope",
    "find_definitions",
    "list_definitions",
    "locked_revision_tree",
    "replace_definitions",
    "revisions_without_definitions",
]

_COLUMNS = "d.term, d.meaning, d.path, d.kind, d.scope, d.scope_path, d.scope_note"


@dataclass(frozen=True, slots=True)
class DefinitionRow:
    """One stored definition (fields as in :class:`egov_core.definitions.Definition`), with its law and revision."""

    law_id: str
    law_revision_id: str
    term: str
    meaning: str
    path: str
    kind: str
    scope: str
    scope_path: str | None
    scope_note: str | None


_FROM = "FROM definitions d JOIN law_revisions r ON r.id = d.revision_id"


async def list_definitions(
    conn: AsyncConnection, revision_pk: int, *, term: str | None = None, limit: int = 100, offset: int = 0
) -> tuple[list[DefinitionRow], int]:
    """One page of a revision's definitions in document order (optionally only ``term``), and the total."""
    cond = " AND d.term = :term" if term is not None else ""
    params: dict[str, object] = {"r": revision_pk, "term": term, "limit": limit, "offset": offset}
    rows = await conn.execute(
        text(
            f"SELECT r.law_id, r.law_revision_id, {_COLUMNS}, count(*) OVER () AS total {_FROM} "
            f"WHERE d.revision_id = :r{cond} ORDER BY d.seq LIMIT :limit OFFSET :offset"
        ),
        params,
    )
    return await _page(rows, conn, f"SELECT count(*) {_FROM} WHERE d.revision_id = :r{cond}", params)


async def find_definitions(
    conn: AsyncConnection, term: str, *, limit: int = 50, offset: int = 0
) -> tuple[list[DefinitionRow], int]:
    """Where ``term`` is defined across the corpus (each law's current revision), by law id, and the total."""
    params: dict[str, object] = {"term": term, "limit": limit, "offset": offset}
    where = "WHERE d.term = :term AND r.id = (SELECT current_revision_id FROM laws WHERE law_id = r.law_id)"
    rows = await conn.execute(
        text(
            f"SELECT r.law_id, r.law_revision_id, {_COLUMNS}, count(*) OVER () AS total {_FROM} {where} "
            "ORDER BY r.law_id, d.seq LIMIT :limit OFFSET :offset"
        ),
        params,
    )
    return await _page(rows, conn, f"SELECT count(*) {_FROM} {where}", params)


async def _page(
    rows: Result[Any], conn: AsyncConnection, count_sql: str, params: dict[str, object]
) -> tuple[list[DefinitionRow], int]:
    items = [dict(r._mapping) for r in rows]
    if not items:
        return [], int((await conn.execute(text(count_sql), params)).scalar_one())
    total = int(items[0]["total"])
    return [DefinitionRow(**{k: v for k, v in m.items() if k != "total"}) for m in items], total


# The subtree of a provision is the positions from its own up to the next provision no deeper than it.
_STOP = (
    "coalesce((SELECT min(q.position) FROM provisions q WHERE q.revision_id = {p}.revision_id "
    "AND q.position > {p}.position AND q.depth <= {p}.depth), 2147483647)"
)

_IN_SCOPE = f"""
WITH target AS (SELECT p.revision_id, p.position, {_STOP.format(p="p")} AS stop
                FROM provisions p WHERE p.revision_id = :r AND p.path = :path),
body AS (SELECT coalesce(CAST(:text AS text), (
             SELECT string_agg(coalesce(q.caption, '') || q.text, '' ORDER BY q.position)
             FROM provisions q, target t
             WHERE q.revision_id = t.revision_id AND q.position >= t.position AND q.position < t.stop)) AS text)
SELECT r.law_id, r.law_revision_id, {_COLUMNS}
FROM definitions d JOIN law_revisions r ON r.id = d.revision_id CROSS JOIN target t CROSS JOIN body b
LEFT JOIN provisions dp ON dp.revision_id = d.revision_id AND dp.path = d.path
LEFT JOIN provisions sp ON sp.revision_id = d.revision_id AND sp.path = d.scope_path
WHERE d.revision_id = :r AND strpos(b.text, d.term) > 0 AND (
    (d.scope = 'law' AND d.scope_path IS NULL)
    OR (d.scope IN ('following', 'other') AND dp.position < t.stop
        AND (sp.position IS NULL OR t.position < {_STOP.format(p="sp")}))
    OR (d.scope NOT IN ('following', 'other') AND sp.position < t.stop AND t.position < {_STOP.format(p="sp")})
)
ORDER BY d.seq
LIMIT :limit
"""


async def definitions_in_scope(
    conn: AsyncConnection, revision_pk: int, path: str, provision_text: str | None = None, *, limit: int = 100
) -> list[DefinitionRow]:
    """The definitions whose term occurs in ``provision_text`` (the text of the provision at ``path``; None: its
    stored text, captions included, subtree and all) and whose scope reaches that provision: the whole law, a
    編章節 / article / paragraph / 別表 / 附則 overlapping it, or an unqualified 以下 defined before its end. At
    most ``limit``, in document order."""
    rows = await conn.execute(text(_IN_SCOPE), {"r": revision_pk, "path": path, "text": provision_text, "limit": limit})
    return [DefinitionRow(**r._mapping) for r in rows]


async def revisions_without_definitions(conn: AsyncConnection, limit: int) -> list[tuple[int, str, str]]:
    """(id, law_id, law_revision_id) of up to ``limit`` revisions whose definitions were never extracted
    (stored before migration 0004), oldest first."""
    rows = await conn.execute(
        text(
            "SELECT id, law_id, law_revision_id FROM law_revisions WHERE definition_count IS NULL ORDER BY id LIMIT :n"
        ),
        {"n": limit},
    )
    return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]


async def locked_revision_tree(conn: AsyncConnection, revision_pk: int) -> bytes:
    """The stored tree of a revision, the row locked for the caller's transaction (definitions are written next)."""
    tree = (
        await conn.execute(text("SELECT tree FROM law_revisions WHERE id = :id FOR UPDATE"), {"id": revision_pk})
    ).scalar_one()
    return bytes(tree)


async def replace_definitions(
    conn: AsyncConnection, revision_pk: int, copy_rows: bytes, columns: tuple[str, ...], count: int
) -> None:
    """Replace a revision's definitions with ``copy_rows`` (COPY text format, ``columns``) and record ``count``."""
    await conn.execute(text("DELETE FROM definitions WHERE revision_id = :id"), {"id": revision_pk})
    if copy_rows:
        raw = await conn.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        await driver.copy_to_table("definitions", source=io.BytesIO(copy_rows), columns=columns, format="text")
    await conn.execute(
        text("UPDATE law_revisions SET definition_count = :n WHERE id = :id"), {"n": count, "id": revision_pk}
    )
