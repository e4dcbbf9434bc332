"""Read-side queries over the store: laws, revisions, provisions, court decisions.

Plain async functions over a SQLAlchemy ``AsyncConnection``, returning immutable views; usable from Python
without the web stack.
"""

from egov_core.queries.cases import CaseFilter, CaseRow, citing_cases, get_case, list_cases
from egov_core.queries.history import (
    AmendmentRow,
    amendments_between,
    list_amendments,
    load_revision_law,
    revision_tree,
)
from egov_core.queries.laws import (
    LawFilter,
    LawRow,
    RevisionRow,
    get_law,
    list_laws,
    list_revisions,
    resolve_revision,
    revisions_in_force,
)
from egov_core.queries.provisions import (
    ProvisionRow,
    find_article,
    get_children,
    get_neighbours,
    get_provision,
    get_subtree,
    get_toc,
)

__all__ = [
    "AmendmentRow",
    "CaseFilter",
    "CaseRow",
    "LawFilter",
    "LawRow",
    "ProvisionRow",
    "RevisionRow",
    "amendments_between",
    "citing_cases",
    "find_article",
    "get_case",
    "get_children",
    "get_law",
    "get_neighbours",
    "get_provision",
    "get_subtree",
    "get_toc",
    "list_amendments",
    "list_cases",
    "list_laws",
    "list_revisions",
    "load_revision_law",
    "resolve_revision",
    "revision_tree",
    "revisions_in_force",
]
