"""Alembic migrations of the egov schema, shipped inside the package (see :mod:`egov_core.store.migrate`)."""
