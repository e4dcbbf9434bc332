"""egov-core: Japanese statutes (e-Gov 法令XML) and court decisions — domain, parsing, storage, cache, import.

Usable on its own, without the web stack::

    from egov_core import parse_law
    law = parse_law(xml_bytes, source="129AC0000000089.xml")
"""

from egov_core.domain import (
    CourtDecision,
    Element,
    Law,
    LawMetadata,
    Provision,
    ProvisionKind,
    RevisionInfo,
)
from egov_core.errors import EgovError, LawParseError
from egov_core.parsing import parse_case, parse_law, parse_law_json, parse_law_xml
from egov_core.settings import EgovSettings

__version__ = "0.1.0"

__all__ = [
    "CourtDecision",
    "EgovError",
    "EgovSettings",
    "Element",
    "Law",
    "LawMetadata",
    "LawParseError",
    "Provision",
    "ProvisionKind",
    "RevisionInfo",
    "__version__",
    "parse_case",
    "parse_law",
    "parse_law_json",
    "parse_law_xml",
]
