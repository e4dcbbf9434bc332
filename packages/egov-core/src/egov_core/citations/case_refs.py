"""Resolve the stored 参照法条 parts of court decisions against the laws in the store.

Run after importing decisions, and again after importing laws: a part that named a law not yet in the
store resolves once the law arrives. Parts are matched by ``seq`` (both sides split with
:func:`~egov_core.citations.refs.split_ref_law`).
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.citations.directory import LawDirectory, SqlLawDirectory
from egov_core.citations.refs import resolve_ref_law_part
from egov_core.store import bump_data_version, translate_errors
from egov_core.store.citations import case_law_refs, update_case_law_refs

__all__ = ["resolve_case_refs"]


async def resolve_case_refs(engine: AsyncEngine, directory: LawDirectory | None = None) -> int:
    """Re-resolve every 参照法条 part in ``case_law_refs``; return how many rows changed.

    All updates are written in one transaction that bumps ``data_version`` when anything changed, so
    cached decision pages never show a half-updated set of references.
    """
    directory = directory or SqlLawDirectory(engine)
    with translate_errors():
        async with engine.connect() as conn:
            rows = await case_law_refs(conn)
        changes = []
        for row in rows:
            ref = await resolve_ref_law_part(row.raw, directory)
            if (ref.law_id, ref.path, ref.status, ref.note) != (row.law_id, row.path, row.status, row.note):
                changes.append(replace(row, law_id=ref.law_id, path=ref.path, status=ref.status, note=ref.note))
        if changes:
            async with engine.begin() as conn:
                await update_case_law_refs(conn, changes)
                await bump_data_version(conn)
    return len(changes)
