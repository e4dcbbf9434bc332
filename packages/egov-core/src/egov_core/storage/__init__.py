"""Storage: PostgreSQL via SQLAlchemy 2 (async, asyncpg), Alembic migrations, the embedded default.

Typical use::

    async with open_store(settings) as store:
        version = await get_data_version(store.engine)
"""

from egov_core.storage.content_hash import content_hash
from egov_core.storage.data_version import DATA_VERSION_CHANNEL, bump_data_version, get_data_version
from egov_core.storage.embedded import EmbeddedPostgres, default_embedded_dir
from egov_core.storage.engine import Store, create_engine, normalize_url, open_store, vector_available, wait_until_ready
from egov_core.storage.errors import translate_errors, wrap_storage_errors
from egov_core.storage.migrate import current_revision, head_revision, migrate, upgrade_to_head

__all__ = [
    "DATA_VERSION_CHANNEL",
    "EmbeddedPostgres",
    "Store",
    "bump_data_version",
    "content_hash",
    "create_engine",
    "current_revision",
    "default_embedded_dir",
    "get_data_version",
    "head_revision",
    "migrate",
    "normalize_url",
    "open_store",
    "translate_errors",
    "upgrade_to_head",
    "vector_available",
    "wait_until_ready",
    "wrap_storage_errors",
]
