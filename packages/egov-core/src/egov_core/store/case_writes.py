"""The court-decision import's writes: each decision replaced as a whole (row and 参照法条 parts).

A batch of decisions is written in one transaction that also bumps data_version: each decision is
all-or-nothing, and one bump covers the batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from egov_core.domain import CourtDecision
from egov_core.store.ingest_writes import import_driver, publish

__all__ = ["CaseWrite", "case_checksums", "replace_cases"]

_CASE_COLUMNS = (
    "lawsuit_id, trial_type, case_number, case_name, court_name, date, date_era, date_year, date_month, date_day, "
    "result_type, result, article_info, original_court_name, original_case_number, original_date, gist, "
    "case_gist, ref_law, contents, detail_page_link, full_pdf_link, extra, flags, checksum, tokens, imported_at, "
    "source_name"
)
_CASE_INSERT = (
    f"INSERT INTO cases ({_CASE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
    "$15, $16, $17, $18, $19, $20, $21, $22, $23::jsonb, $24, $25, $26::tsvector, now(), $27)"
)
_REF_INSERT = (
    "INSERT INTO case_law_refs (lawsuit_id, seq, raw, law_id, path, status, note) VALUES ($1, $2, $3, $4, $5, $6, $7)"
)


@dataclass(frozen=True, slots=True)
class CaseWrite:
    """One decision to store.

    Attributes:
        decision: the parsed record.
        checksum: sha256 of the record's bytes (what decides "unchanged" next time).
        source: where it came from (file or ZIP member name).
        tokens: its search tokens as a ``tsvector`` literal.
        refs: its 参照法条 parts as ``(seq, raw, law_id, path, status, note)``.
    """

    decision: CourtDecision
    checksum: str
    source: str
    tokens: str
    refs: Sequence[tuple[int, str, str | None, str | None, str, str | None]]


async def case_checksums(conn: AsyncConnection) -> dict[str, str]:
    """``lawsuit_id`` -> checksum of every stored decision."""
    rows = await conn.execute(text("SELECT lawsuit_id, checksum FROM cases"))
    return {str(r[0]): str(r[1]) for r in rows}


def _case_args(w: CaseWrite) -> tuple[Any, ...]:
    d = w.decision
    dd, od = d.date, d.original_date
    return (
        d.lawsuit_id,
        d.trial_type,
        d.case_number,
        d.case_name,
        d.court_name,
        dd.iso if dd else None,
        dd.era if dd else None,
        dd.year if dd else None,
        dd.month if dd else None,
        dd.day if dd else None,
        d.result_type,
        d.result,
        d.article_info,
        d.original_court_name,
        d.original_case_number,
        od.iso if od else None,
        d.gist,
        d.case_gist,
        d.ref_law,
        d.contents,
        d.detail_page_link,
        d.full_pdf_link,
        orjson.dumps(dict(d.extra)).decode(),
        list(d.flags),
        w.checksum,
        w.tokens,
        w.source,
    )


async def replace_cases(conn: AsyncConnection, batch: Sequence[CaseWrite]) -> int:
    """Replace each decision of ``batch`` (row and parts) and bump data_version, in the caller's transaction.

    Returns:
        The new data_version.
    """
    driver = await import_driver(conn, synchronous_commit=True)
    for w in batch:
        lawsuit_id = w.decision.lawsuit_id
        await driver.execute("DELETE FROM cases WHERE lawsuit_id = $1", lawsuit_id)
        await driver.execute(_CASE_INSERT, *_case_args(w))
        if w.refs:
            await driver.executemany(_REF_INSERT, [(lawsuit_id, *ref) for ref in w.refs])
    return await publish(driver)
