"""A content hash of everything stored, independent of surrogate ids, timestamps and import order.

Two databases holding the same laws, revisions, provisions, search units and court decisions give the
same hash however they got there (clean import, killed-and-resumed import, restore from backup).
"""

from __future__ import annotations

import hashlib

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.store.errors import translate_errors

__all__ = ["content_hash"]

# Each query yields one digest per row, in a total order that uses natural keys only. Rows are hashed
# server-side (md5 of the row's text form) so only 32 bytes per row cross the wire.
_QUERIES: dict[str, str] = {
    "laws": """
        SELECT md5(ROW(l.law_id, l.law_num, l.title, l.title_kana, l.abbrev, l.law_type, l.era, l.year, l.num,
                       l.promulgation_date, l.category, r.law_revision_id)::text)
        FROM laws l LEFT JOIN law_revisions r ON r.id = l.current_revision_id
        ORDER BY l.law_id
    """,
    "law_revisions": """
        SELECT md5(ROW(r.law_revision_id, r.law_id, r.enforcement_date, r.amendment_law_id, r.status, r.title,
                       r.law_num, r.checksum, r.source_format, md5(r.tree), r.provision_count,
                       r.revision_id_synthesized, r.title_kana, r.abbrev, r.law_type, r.era, r.year, r.num,
                       r.promulgation_date, r.category, r.amendment_promulgate_date, r.repeal_type,
                       r.data_info, r.lang)::text)
        FROM law_revisions r
        ORDER BY r.law_revision_id
    """,
    "provisions": """
        SELECT md5(ROW(r.law_revision_id, p.path, p.parent_path, p.kind, p.num, p.title, p.caption, p.text,
                       p.position, p.depth)::text)
        FROM provisions p JOIN law_revisions r ON r.id = p.revision_id
        ORDER BY r.law_revision_id, p.position, p.path
    """,
    "search_units": """
        SELECT md5(ROW(r.law_revision_id, u.law_id, u.law_type, u.category, u.path, u.seq, u.in_suppl,
                       u.caption, u.title, u.text, u.tokens::text)::text)
        FROM search_units u JOIN law_revisions r ON r.id = u.revision_id
        ORDER BY r.law_revision_id, u.path, u.seq
    """,
    "cases": """
        SELECT md5(ROW(c.lawsuit_id, c.trial_type, c.case_number, c.case_name, c.court_name, c.date, c.date_era,
                       c.date_year, c.date_month, c.date_day, c.result_type, c.result, c.article_info,
                       c.original_court_name, c.original_case_number, c.original_date, c.gist, c.case_gist,
                       c.ref_law, c.contents, c.detail_page_link, c.full_pdf_link, c.extra, c.flags, c.checksum,
                       c.tokens::text)::text)
        FROM cases c
        ORDER BY c.lawsuit_id
    """,
    "case_law_refs": """
        SELECT md5(ROW(x.lawsuit_id, x.seq, x.raw, x.law_id, x.path, x.status, x.note)::text)
        FROM case_law_refs x
        ORDER BY x.lawsuit_id, x.seq
    """,
}


async def content_hash(engine: AsyncEngine, *, tables: tuple[str, ...] | None = None) -> str:
    """sha256 (hex) over the ordered contents of the data tables.

    Args:
        engine: the database.
        tables: restrict to some of ``laws``, ``law_revisions``, ``provisions``, ``search_units``, ``cases``,
            ``case_law_refs`` (default: all).
    """
    digest = hashlib.sha256()
    with translate_errors():
        async with engine.connect() as conn:
            for name, query in _QUERIES.items():
                if tables is not None and name not in tables:
                    continue
                digest.update(f"\n#{name}\n".encode())
                result = await conn.stream(text(query))
                async for partition in result.partitions(5000):
                    digest.update("\n".join(row[0] for row in partition).encode())
                    digest.update(b"\n")
    return digest.hexdigest()
