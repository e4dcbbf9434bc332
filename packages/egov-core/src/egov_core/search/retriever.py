"""What the Full edition plugs into the search pipeline: a Retriever (embed the query, nearest chunks).

egov-core defines the protocol and never imports an implementation; egov-vector's ``VectorRetriever``
embeds the query with a local model and walks the pgvector HNSW index.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from egov_core.search.model import CaseFilter, CaseHit, Hit, ProvisionFilter
from egov_core.store.database import ReadSource

__all__ = ["Retriever"]


@runtime_checkable
class Retriever(Protocol):
    """Nearest provisions and decisions in meaning to a query.

    Every method reads through the ``source`` it is given (the pipeline's read source: ``Database.reads`` in
    the API, so a read replica serves vector retrieval as it serves keyword search), never a connection of
    its own choosing.
    """

    @property
    def model_id(self) -> str:
        """The embedding model that ranks (reported on every page it ranked)."""
        ...

    async def nearest_provisions(
        self, source: ReadSource, query: str, *, filters: ProvisionFilter, units: int
    ) -> list[Hit]:
        """Up to about ``units`` search units nearest to ``query``, nearest first, one hit per unit.

        Each hit's ``score`` is the cosine similarity of its best chunk, ``matched_path`` the provision that
        chunk covers, ``snippet`` unrendered and ``source_text`` the chunk's text.
        """
        ...

    async def similarities(
        self, source: ReadSource, query: str, keys: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], float]:
        """Cosine similarity of ``query`` to the best chunk of each unit in ``keys`` ((law_id, path));
        units without vectors are left out."""
        ...

    async def nearest_cases(
        self, source: ReadSource, query: str, *, filters: CaseFilter, decisions: int, terms: Sequence[str]
    ) -> list[CaseHit]:
        """Up to about ``decisions`` court decisions nearest to ``query`` (best chunk each), nearest first.

        ``snippet_field`` names the field of the best chunk and ``snippet`` is that chunk around ``terms``.
        """
        ...
