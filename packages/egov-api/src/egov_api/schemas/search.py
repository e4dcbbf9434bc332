"""Search over provisions and court decisions: one hit model per concept, one envelope, every mode."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from egov_api.schemas.common import Model, PageInfo, page_info
from egov_api.schemas.definitions import DefinedTerm


class Highlight(Model):
    """A matched term inside a snippet: character offsets into ``snippet``."""

    start: int
    end: int


#: Which search answered (``auto`` is never reported: it resolves to ``boolean`` or ``ranked``).
Mode = Literal["boolean", "ranked", "semantic", "hybrid"]


class Fusion(Model):
    """How reciprocal rank fusion placed a hit (ranked, semantic and hybrid search)."""

    keyword_rank: int | None = Field(
        description="1-based rank in the lexical ranking (Boolean keywords, or BM25 for a sentence); null: not there."
    )
    semantic_rank: int | None = Field(description="1-based rank in vector retrieval (null: not found there).")
    keyword_score: float | None = Field(description="Score in the lexical ranking.")
    semantic_score: float | None = Field(description="Cosine similarity of the best-matching chunk.")
    rrf_score: float = Field(description="Σ w/(k + rank) over the rankings that placed it.")
    cited: bool = Field(description="The query cites this provision; it was lifted to the top.")
    named_law_rank: int | None = Field(
        default=None,
        description="1-based rank among the hits of the laws the query names (「借地借家法の…」), "
        "a ranking of its own in the fusion (null: the query names no law, or this hit is of another law).",
    )
    graph_rank: int | None = Field(
        default=None,
        description="1-based rank in the citation graph's one-hop expansion of the top hits (what they cite, the "
        "order provisions implementing what they delegate); null: not reached, or the expansion is off.",
    )


class ProvisionHit(Model):
    """One provision matching a search."""

    law_id: str = Field(examples=["129AC0000000089"])
    law_title: str = Field(examples=["民法"])
    law_num: str | None = Field(default=None, examples=["明治二十九年法律第八十九号"])
    law_type: str | None = None
    path: str = Field(examples=["MainProvision-Article_709"])
    title: str | None = Field(default=None, examples=["第七百九条"])
    caption: str | None = Field(default=None, examples=["（不法行為による損害賠償）"])
    score: float = Field(description="Relevance (higher is better; comparable within one response only).")
    snippet: str = Field(description="Excerpt of the provision text around the matches.")
    snippet_html: str = Field(description="The snippet HTML-escaped, with matches wrapped in <em>.")
    highlights: list[Highlight] = Field(description="Matches as character offsets into `snippet`.")
    cited: bool = Field(default=False, description="True when the query itself cites this provision.")
    url: str
    matched_path: str | None = Field(
        default=None, description="Semantic / hybrid: the provision the best-matching chunk covers (a paragraph)."
    )
    fusion: Fusion | None = Field(default=None, description="Ranked and hybrid search: how each ranking placed it.")
    definitions: list[DefinedTerm] | None = Field(
        default=None,
        description="With `expand=definitions`: the defined terms the provision uses, whose scope reaches it.",
    )


class SearchPageInfo(PageInfo):
    """Pagination of a search: as every list's, and whether the total was counted or estimated."""

    total_exact: bool = Field(
        default=True,
        description=(
            "False when `total` is not a count of every match. A Boolean search of every current provision "
            "counts a 1-2 character term's matches exactly (from the index's n-gram frequencies, however many); "
            "otherwise it looks at 5,000 candidates at most and verifies the best 100 (200 for a phrase), and past "
            "that `total` is estimated from what it saw. A ranked, semantic or hybrid search's `total` is how many "
            "candidates it ranked (its pages end there): always false."
        ),
        examples=[True],
    )


def search_page_info(total: int, exact: bool, limit: int, offset: int, returned: int) -> SearchPageInfo:
    """:class:`SearchPageInfo` for a page of ``returned`` hits out of ``total`` (estimated unless ``exact``)."""
    info = page_info(total, limit, offset, returned)
    return SearchPageInfo(
        total=info.total, limit=info.limit, offset=info.offset, next_offset=info.next_offset, total_exact=exact
    )


class ProvisionSearchResult(Model):
    """A page of provision hits."""

    query: str
    mode: Mode = Field(description="Which search answered.", examples=["ranked"])
    model_id: str | None = Field(
        default=None, description="Semantic / hybrid: the embedding model that ranked the hits."
    )
    page: SearchPageInfo
    items: list[ProvisionHit]


class CaseHit(Model):
    """One court decision matching a search."""

    lawsuit_id: str = Field(examples=["52218"])
    case_number: str | None = Field(examples=["平成10(オ)1081"])
    case_name: str | None
    court_name: str | None = Field(examples=["最高裁判所第三小法廷"])
    trial_type: str | None = Field(default=None, examples=["SupremeCourt"])
    date: str | None = Field(examples=["2000-02-29"])
    score: float
    snippet_field: str = Field(
        default="gist",
        description="Where the snippet is from: gist (判示事項), case_gist (裁判要旨), case_name, contents.",
    )
    snippet: str
    snippet_html: str
    highlights: list[Highlight]
    url: str
    fusion: Fusion | None = Field(default=None, description="Hybrid search: how each ranking placed it.")


class CaseSearchResult(Model):
    """A page of decision hits."""

    query: str
    mode: Mode = Field(description="Which search answered.", examples=["boolean"])
    model_id: str | None = Field(default=None, description="Semantic / hybrid: the embedding model.")
    page: SearchPageInfo
    items: list[CaseHit]
