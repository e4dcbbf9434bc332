"""Helpers of the sync tests (a plain module: conftest modules are not importable under importlib mode)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

JST = timezone(timedelta(hours=9))


def jst_today() -> date:
    """Today in Japan (e-Gov's ``updated`` days are JST)."""
    return datetime.now(UTC).astimezone(JST).date()


def count_revisions(root: Path, law_ids: list[str] | None = None) -> int:
    """Revision directories under ``root`` (optionally of some laws only)."""
    return sum(1 for p in root.glob("*/*") if p.is_dir() and (law_ids is None or p.parent.name in law_ids))


def republish(xml_path: Path, *, old: str, new: str, day: date) -> None:
    """Play e-Gov correcting a revision: replace ``old`` by ``new`` in its text and stamp DataInfo with ``day``.

    The fake derives ``updated`` from DataInfo's leading yymmdd, as e-Gov's data carries it.
    """
    data = xml_path.read_text(encoding="utf-8")
    assert old in data, f"{old!r} not in {xml_path.name}"
    data = data.replace(old, new, 1)
    stamp = day.strftime("%y%m%d")
    data, n = re.subn(r'DataInfo="[0-9]{6}', f'DataInfo="{stamp}', data, count=1)
    if n == 0:
        data = data.replace("<Law ", f'<Law DataInfo="{stamp}e00k00m01" ', 1)
    xml_path.write_text(data, encoding="utf-8")


async def scalar(engine: AsyncEngine, sql: str, **params: object) -> object:
    """One value of a query."""
    async with engine.connect() as conn:
        return (await conn.execute(text(sql), params)).scalar_one_or_none()


async def data_version(engine: AsyncEngine) -> int:
    """``meta.data_version``."""
    value = await scalar(engine, "SELECT value FROM meta WHERE key = 'data_version'")
    return int(str(value))


async def revision_row(engine: AsyncEngine, law_revision_id: str) -> dict[str, object]:
    """The stored ``law_revisions`` row of one revision (a few columns)."""
    async with engine.connect() as conn:
        row = (
            (
                await conn.execute(
                    text(
                        "SELECT law_id, enforcement_date, status, amendment_law_id, checksum, source_format, "
                        "(SELECT current_revision_id FROM laws l WHERE l.law_id = r.law_id) = r.id AS is_current "
                        "FROM law_revisions r WHERE law_revision_id = :id"
                    ),
                    {"id": law_revision_id},
                )
            )
            .mappings()
            .one()
        )
    return dict(row)
