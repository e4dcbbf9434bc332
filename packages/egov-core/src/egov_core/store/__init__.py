"""The store: the only code that writes SQL for core tables, and the one place database errors become egov errors.

PostgreSQL through SQLAlchemy 2 (async, asyncpg), Alembic migrations, the embedded default.
:class:`Database` owns the engine and hands out connections (``read()``, ``write()``, ``maintenance()``);
with read replicas configured, ``read()`` is served by one of them (:mod:`egov_core.store.replicas`); the
repositories are plain async functions over a connection, returning immutable rows (``laws``,
``provisions``, ``cases``, ``compat``). :func:`translate_error` and :data:`DRIVER_ERRORS` let the API's one
error boundary translate a driver error that escaped anyway, without importing the driver.

Typical use::

    async with open_store(settings) as store:
        database = Database(store.engine)
        async with database.read() as conn:
            law = await get_law(conn, "129AC0000000089")
"""

from egov_core.store.cases import CaseFilter, CaseRow, citing_cases, court_names_containing, get_case, list_cases
from egov_core.store.content_hash import content_hash
from egov_core.store.core_reads import (
    CORE_READS,
    CaseHead,
    CaseText,
    CoreReads,
    CurrentLaw,
    LawHead,
    ProvisionText,
    SqlCoreReads,
)
from egov_core.store.data_version import DATA_VERSION_CHANNEL, bump_data_version, get_data_version
from egov_core.store.database import Connection, Database, Engine, ReadSource
from egov_core.store.definitions import DefinitionRow, definitions_in_scope, find_definitions, list_definitions
from egov_core.store.embedded import EmbeddedPostgres, default_embedded_dir
from egov_core.store.engine import Store, create_engine, normalize_url, open_store, vector_available, wait_until_ready
from egov_core.store.errors import (
    DRIVER_ERRORS,
    is_unavailable,
    translate_error,
    translate_errors,
    wrap_storage_errors,
)
from egov_core.store.graph import (
    CitedByRow,
    EdgeRow,
    LawDegree,
    cited_by,
    law_degree,
    outgoing_edges,
)
from egov_core.store.history import (
    AmendmentRow,
    amendments_between,
    list_amendments,
    load_revision_law,
    revision_tree,
)
from egov_core.store.laws import (
    LawFilter,
    LawRow,
    RevisionRow,
    all_law_ids,
    get_law,
    has_laws,
    law_ids_named,
    list_laws,
    list_revisions,
    resolve_revision,
    revisions_in_force,
    stored_revisions,
)
from egov_core.store.meta import get_meta, set_meta
from egov_core.store.migrate import current_revision, head_revision, migrate, upgrade_to_head
from egov_core.store.provisions import (
    ProvisionContext,
    ProvisionRow,
    current_provision_context,
    find_article,
    get_children,
    get_neighbours,
    get_provision,
    get_subtree,
    get_toc,
)
from egov_core.store.replicas import ReadScope, Replica, ReplicaSet, read_scope

__all__ = [
    "CORE_READS",
    "DATA_VERSION_CHANNEL",
    "DRIVER_ERRORS",
    "AmendmentRow",
    "CaseFilter",
    "CaseHead",
    "CaseRow",
    "CaseText",
    "CitedByRow",
    "Connection",
    "CoreReads",
    "CurrentLaw",
    "Database",
    "DefinitionRow",
    "EdgeRow",
    "EmbeddedPostgres",
    "Engine",
    "LawDegree",
    "LawFilter",
    "LawHead",
    "LawRow",
    "ProvisionContext",
    "ProvisionRow",
    "ProvisionText",
    "ReadScope",
    "ReadSource",
    "Replica",
    "ReplicaSet",
    "RevisionRow",
    "SqlCoreReads",
    "Store",
    "all_law_ids",
    "amendments_between",
    "bump_data_version",
    "cited_by",
    "citing_cases",
    "content_hash",
    "court_names_containing",
    "create_engine",
    "current_provision_context",
    "current_revision",
    "default_embedded_dir",
    "definitions_in_scope",
    "find_article",
    "find_definitions",
    "get_case",
    "get_children",
    "get_data_version",
    "get_law",
    "get_meta",
    "get_neighbours",
    "get_provision",
    "get_subtree",
    "get_toc",
    "has_laws",
    "head_revision",
    "is_unavailable",
    "law_degree",
    "law_ids_named",
    "list_amendments",
    "list_cases",
    "list_definitions",
    "list_laws",
    "list_revisions",
    "load_revision_law",
    "migrate",
    "normalize_url",
    "open_store",
    "outgoing_edges",
    "read_scope",
    "resolve_revision",
    "revision_tree",
    "revisions_in_force",
    "set_meta",
    "stored_revisions",
    "translate_error",
    "translate_errors",
    "upgrade_to_head",
    "vector_available",
    "wait_until_ready",
    "wrap_storage_errors",
]
