"""The statute citation graph: every reference in a revision's text as an edge (引用 and 委任).

Computed with the citation resolver in context (a provision's own path, so 前条 / 前項 / 同項 / 同法 resolve),
no storage and no web here::

    from egov_core.graph import provision_edges
    edges = await provision_edges(text, law_id=..., law_title=..., path=..., directory=directory)
"""

from egov_core.graph.build import MAX_EDGES_PER_PROVISION, MAX_PROVISION_CHARS, provision_edges, revision_edges
from egov_core.graph.delegation import find_delegations, implementing_titles
from egov_core.graph.model import CitationEdge, EdgeKind

__all__ = [
    "MAX_EDGES_PER_PROVISION",
    "MAX_PROVISION_CHARS",
    "CitationEdge",
    "EdgeKind",
    "find_delegations",
    "implementing_titles",
    "provision_edges",
    "revision_edges",
]
