"""``from egov_vector.migrate import migrate_vector``: the entry point egov_api's ``egov migrate`` calls."""

from egov_vector.db.migrate import migrate_vector, require_vector_extension, vector_head_revision

__all__ = ["migrate_vector", "require_vector_extension", "vector_head_revision"]
