"""pgvector storage: migrations (own Alembic environment), model registry, per-model HNSW indexes."""

from egov_vector.db.migrate import VERSION_TABLE, migrate_vector, require_vector_extension, vector_head_revision
from egov_vector.db.models import (
    drop_index,
    ensure_index,
    index_exists,
    index_name,
    index_options,
    register_model,
    sql_literal,
    vector_literal,
)

__all__ = [
    "VERSION_TABLE",
    "drop_index",
    "ensure_index",
    "index_exists",
    "index_name",
    "index_options",
    "migrate_vector",
    "register_model",
    "require_vector_extension",
    "sql_literal",
    "vector_head_revision",
    "vector_literal",
]
