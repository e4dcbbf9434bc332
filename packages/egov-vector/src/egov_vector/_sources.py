"""What to chunk, read through core's read port (:class:`egov_core.store.CoreReads`): egov-vector writes no
SQL against core's tables."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.ext.asyncio import AsyncConnection

from egov_core.store import CORE_READS, CoreReads, CurrentLaw
from egov_vector.chunking import Chunk, chunk_case, chunk_law

__all__ = ["case_chunks", "current_laws", "law_chunks", "list_cases"]


async def current_laws(
    conn: AsyncConnection, law_ids: Collection[str] | None, reads: CoreReads = CORE_READS
) -> list[CurrentLaw]:
    """Laws with a current revision, optionally only ``law_ids``."""
    return await reads.current_laws(conn, law_ids)


async def law_chunks(
    conn: AsyncConnection, law: CurrentLaw, max_chars: int, reads: CoreReads = CORE_READS
) -> list[Chunk]:
    """The chunks of ``law``'s current revision."""
    return chunk_law(law.title, await reads.provisions(conn, law.revision_id), max_chars=max_chars)


async def list_cases(
    conn: AsyncConnection, lawsuit_ids: Collection[str] | None, reads: CoreReads = CORE_READS
) -> list[str]:
    """Every ``lawsuit_id`` (optionally only those given), sorted."""
    return await reads.case_ids(conn, lawsuit_ids)


async def case_chunks(
    conn: AsyncConnection, lawsuit_id: str, max_chars: int, reads: CoreReads = CORE_READS
) -> list[Chunk]:
    """The chunks of one court decision."""
    case = await reads.case_text(conn, lawsuit_id)
    if case is None:
        return []
    return chunk_case(
        case_name=case.case_name,
        court_name=case.court_name,
        date=case.date.isoformat() if case.date is not None else None,
        case_number=case.case_number,
        gist=case.gist,
        case_gist=case.case_gist,
        contents=case.contents,
        max_chars=max_chars,
    )
