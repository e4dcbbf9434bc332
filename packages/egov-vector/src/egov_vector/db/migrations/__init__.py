"""egov-vector's own Alembic environment (version table ``alembic_version_vector``)."""
