"""Statute citations: find them in free text (pure) and resolve them to laws and provision paths."""

from egov_core.citations.case_refs import resolve_case_refs
from egov_core.citations.directory import LawDirectory, LawEntry, ProvisionInfo, SqlLawDirectory
from egov_core.citations.mentions import LawMention, find_law_names
from egov_core.citations.model import (
    CitationContext,
    CitationMatch,
    CitationParts,
    LawRef,
    Relative,
    Resolution,
    ResolutionStatus,
)
from egov_core.citations.names import BUILTIN_ABBREVIATIONS, LawNameTable, default_name_table
from egov_core.citations.parser import NAME_SCAN_CAP, find_citations, iter_citations
from egov_core.citations.refs import resolve_ref_law, resolve_ref_law_part, split_ref_law
from egov_core.citations.resolver import laws_named, resolve_citation, resolve_parts
from egov_core.citations.running_text import extract_and_resolve, iter_resolved

__all__ = [
    "BUILTIN_ABBREVIATIONS",
    "NAME_SCAN_CAP",
    "CitationContext",
    "CitationMatch",
    "CitationParts",
    "LawDirectory",
    "LawEntry",
    "LawMention",
    "LawNameTable",
    "LawRef",
    "ProvisionInfo",
    "Relative",
    "Resolution",
    "ResolutionStatus",
    "SqlLawDirectory",
    "default_name_table",
    "extract_and_resolve",
    "find_citations",
    "find_law_names",
    "iter_citations",
    "iter_resolved",
    "laws_named",
    "resolve_case_refs",
    "resolve_citation",
    "resolve_parts",
    "resolve_ref_law",
    "resolve_ref_law_part",
    "split_ref_law",
]
