"""Immutable domain model: laws, revisions, provisions, court decisions. No I/O here."""

from egov_core.domain.case import CourtDecision, DecisionDate, LawReference
from egov_core.domain.element import Element, Node
from egov_core.domain.law import Law, LawMetadata, RevisionInfo
from egov_core.domain.provision import APPENDIX_KINDS, DIVISION_KINDS, Provision, ProvisionKind

__all__ = [
    "APPENDIX_KINDS",
    "DIVISION_KINDS",
    "CourtDecision",
    "DecisionDate",
    "Element",
    "Law",
    "LawMetadata",
    "LawReference",
    "Node",
    "Provision",
    "ProvisionKind",
    "RevisionInfo",
]
