"""One edge of the citation graph: a reference in a provision's text and what it resolved to."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["CitationEdge", "EdgeKind"]


class EdgeKind(StrEnum):
    """What a reference does."""

    CITES = "cites"  # 「第五条」「民法第七百九条」「前項」: refers to a provision or a law
    DELEGATES = "delegates"  # 「政令で定める」「厚生労働省令で定める」: leaves the rule to an order


@dataclass(frozen=True, slots=True)
class CitationEdge:
    """A reference found in the text of the provision at ``path``.

    Attributes:
        path: the source provision (e-Gov elm path) in the revision being read.
        kind: :class:`EdgeKind`.
        raw: the reference as written (「民法第七百九条」, 「前項」, 「政令で定める」).
        status: the resolver's status (resolved / historical / ambiguous / not_found); a delegation is
            ``resolved`` when the implementing order is stored, else ``not_found``.
        target_law_id: the law referred to, when known.
        target_path: the provision referred to; None for a reference to a law as a whole. A delegation
            names an order, not one of its provisions: None when built, then the order's provision taking
            it up once the build links delegations (``egov_core.store.graph.link_delegations``).
        target_end_path: the end of a range (第五条から第七条まで), when resolved.
        reason: why it did not resolve (the resolver's reasons: ``unknown_law``, ``no_such_provision``,
            ``no_context``, ``ambiguous_law``, ``old_law``, ``amending_law`` (an unnamed article in an
            amendment's 附則: the amending law's) …; ``partial`` when only an enclosing
            provision was found; ``order_not_stored`` for a delegation whose order the corpus lacks).
    """

    path: str
    kind: EdgeKind
    raw: str
    status: str
    target_law_id: str | None = None
    target_path: str | None = None
    target_end_path: str | None = None
    reason: str | None = None
