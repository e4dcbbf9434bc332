"""Reads for the e-Gov 法令API-compatible surfaces (``/api/2``, ``/api/1``, the MCP tools).

e-Gov describes a law by ``law_info`` (what no revision changes) and each revision by ``revision_info``;
these queries return both as stored, plus what e-Gov adds that the store keeps only inside the revision's
``<Law>`` attributes (``Mission``, ``EnforcementComment``, ``ScheduledEnforcementDate``): the first bytes
of the stored tree hold them (the root's attributes are serialised first), so only those bytes are read.
:mod:`~egov_core.store.compat.laws` holds the law reads (``/laws``), :mod:`~egov_core.store.compat.revisions`
the revision reads (``/law_revisions``, ``/law_data``, v1's lists).
"""

from egov_core.store.compat._rows import LAWAPI_ORDER_COLUMNS, LawApiInfo, LawApiLaw, LawApiRevision
from egov_core.store.compat.laws import (
    LawApiFilter,
    current_revision_ids,
    lawapi_infos,
    lawapi_law,
    lawapi_law_ids,
    lawapi_laws,
)
from egov_core.store.compat.revisions import (
    RevisionFilter,
    V1ListEntry,
    V1Update,
    find_lawapi_revision,
    lawapi_revisions,
    lawapi_revisions_by_pk,
    v1_law_list,
    v1_updates,
)

__all__ = [
    "LAWAPI_ORDER_COLUMNS",
    "LawApiFilter",
    "LawApiInfo",
    "LawApiLaw",
    "LawApiRevision",
    "RevisionFilter",
    "V1ListEntry",
    "V1Update",
    "current_revision_ids",
    "find_lawapi_revision",
    "lawapi_infos",
    "lawapi_law",
    "lawapi_law_ids",
    "lawapi_laws",
    "lawapi_revisions",
    "lawapi_revisions_by_pk",
    "v1_law_list",
    "v1_updates",
]
