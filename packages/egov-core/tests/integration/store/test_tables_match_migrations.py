"""tables.py (the store's SQLAlchemy description of the schema) agrees with what the migrations build.

A fresh database is migrated to head and compared with ``tables.metadata`` by Alembic's autogenerate
comparison: any table, column, type, nullability, index or foreign key that one has and the other lacks
fails the test, so a migration cannot land without its tables.py change (or the other way round).
"""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.store.tables import metadata

pytestmark = pytest.mark.integration

#: Tables that live in the same database but are not core's (Alembic's own; egov-vector's, whose
#: migrations own them).
NOT_CORE = {"alembic_version", "egov_vector_alembic_version"}


def _include(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    return not (type_ == "table" and name is not None and (name in NOT_CORE or name.startswith("vector_")))


def _diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": False, "include_object": _include}
    )
    return list(compare_metadata(context, metadata))


async def test_migrated_schema_equals_tables_py(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        differences = await conn.run_sync(_diff)
    assert differences == [], "tables.py and the migrations disagree:\n" + "\n".join(map(repr, differences))
