"""Defined terms (定義語): extraction from a parsed law, with the scope each definition applies to.

Pure computation (no storage, no web)::

    from egov_core.definitions import extract_definitions
    for d in extract_definitions(law):
        print(d.term, d.scope, d.path, d.meaning[:40])
"""

from egov_core.definitions.extract import extract_definitions
from egov_core.definitions.model import Definition, DefinitionKind, ScopeKind

__all__ = ["Definition", "DefinitionKind", "ScopeKind", "extract_definitions"]
