"""Migration 0002 on a database holding laws at 0001: prior and is_current are filled in, both ways.

The laws are imported at head and the schema taken down to 0001 (today's importer writes columns of later
migrations), which leaves the rows 0002 has to fill exactly as an import under 0001 did.
"""

from __future__ import annotations

import pytest
from egov_testsupport import downgrade_to
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.store import head_revision, migrate

pytestmark = pytest.mark.integration


async def test_upgrade_fills_prior_and_current_flags_and_downgrade_removes_them(
    laws_at_head: AsyncEngine,
) -> None:
    engine = laws_at_head
    await downgrade_to(engine, "0001")
    await migrate(engine)
    async with engine.connect() as conn:
        flags = (
            await conn.execute(
                text(
                    "SELECT bool_and(su.is_current = (su.revision_id = l.current_revision_id)), "
                    "count(*) FILTER (WHERE NOT su.is_current), count(*) FILTER (WHERE su.is_current), "
                    "bool_and(su.prior % 268435456 = least(length(su.text), 268435455)), "
                    "bool_and((su.prior >= 4 * 268435456) = su.in_suppl) "
                    "FROM search_units su JOIN laws l ON l.law_id = su.law_id"
                )
            )
        ).one()
    agree, historical, current, length_ok, suppl_ok = flags
    assert agree
    assert historical > 0  # the older revision's units
    assert current > 0
    assert length_ok
    assert suppl_ok

    await downgrade_to(engine, "0001")
    async with engine.connect() as conn:
        columns = set(
            (
                await conn.execute(
                    text("SELECT column_name FROM information_schema.columns WHERE table_name = 'search_units'")
                )
            ).scalars()
        )
    assert not columns & {"prior", "is_current"}
    await migrate(engine)
    async with engine.connect() as conn:
        version = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar_one()
    assert version == head_revision()
