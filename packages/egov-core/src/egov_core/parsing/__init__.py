"""Parsing: e-Gov 法令XML / v2 JSON into :class:`~egov_core.domain.Law`, court-decision records into
:class:`~egov_core.domain.CourtDecision`. Pure functions of bytes: no network, database or settings."""

from egov_core.parsing.cases import parse_case
from egov_core.parsing.law import MAX_BYTES, parse_law, parse_law_json, parse_law_xml

__all__ = ["MAX_BYTES", "parse_case", "parse_law", "parse_law_json", "parse_law_xml"]
