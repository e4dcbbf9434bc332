"""Resolve the stored 参照法条 parts of court decisions against the laws in the store.

Run after importing decisions, and again after importing laws: a part that named a law not yet in the
store resolves once the law arrives. Parts are matched by ``seq`` (both sides split with
:func:`~egov_core.citations.refs.split_ref_law`).
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.citations.directory import LawDirectory, SqlLawDirectory
from egov_core.citations.refs import resolve_ref_law_part
from egov_core.store import bump_data_version, translate_errors

__all__ = ["resolve_case_refs"]


async def resolve_case_refs(engine: AsyncEngine, directory: LawDirectory | None = None) -> int:
    """Re-resolve every 参照法条 part in ``case_law_refs``; return how many rows changed.

    All updates are written in one transaction that bumps ``data_version`` when anything changed, so
    cached decision pages never show a half-updated set of references.
    """
    directory = directory or SqlLawDirectory(engine)
    with translate_errors():
        async with engine.connect() as conn:
            rows = (
                await conn.execute(text("SELECT lawsuit_id, seq, raw, law_id, path, status, note FROM case_law_refs"))
            ).all()
        changes = []
        for lawsuit_id, seq, raw, law_id, path, status, note in rows:
            ref = await resolve_ref_law_part(raw, directory)
            if (ref.law_id, ref.path, ref.status, ref.note) != (law_id, path, status, note):
                changes.append(
                    {
                        "id": lawsuit_id,
                        "seq": seq,
                        "law": ref.law_id,
                        "path": ref.path,
                        "st": ref.status,
                        "note": ref.note,
                    }
                )
        if changes:
            async with engine.begin() as conn:
                await conn.execute(
                    text(
                        "UPDATE case_law_refs SET law_id = :law, path = :path, status = :st, note = :note "
                        "WHERE lawsuit_id = :id AND seq = :seq"
                    ),
                    changes,
                )
                await bump_data_version(conn)
    return len(changes)
