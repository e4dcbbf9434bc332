"""Alembic environment of egov-vector: runs on a connection handed over by :func:`egov_vector.db.migrate_vector`.

Its version table is ``alembic_version_vector``, so it never touches egov-core's ``alembic_version``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

VERSION_TABLE = "alembic_version_vector"

config = context.config


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=None, version_table=VERSION_TABLE)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run egov-vector migrations through egov_vector.db.migrate_vector(engine)")
_run(connection)
