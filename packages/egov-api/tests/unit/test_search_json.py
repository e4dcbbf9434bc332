"""The search shortcut's JSON, built without the response models, is byte for byte the declared models' JSON
(``provision_result(...).model_dump_json()``), for generated pages: every field null or set, fused and cited
hits, characters JSON escapes, non-finite and extreme floats, an ``asof``."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from egov_api.routes.search import provision_result, provision_result_json
from egov_core import search as core
from egov_core.text.snippets import Snippet

_TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30)
_MAYBE_TEXT = st.none() | _TEXT
_FLOAT = st.floats(allow_nan=True, allow_infinity=True)
_RANK = st.none() | st.integers(min_value=1, max_value=10_000)

_FUSION = st.builds(
    core.Fusion,
    keyword_rank=_RANK,
    semantic_rank=_RANK,
    keyword_score=st.none() | _FLOAT,
    semantic_score=st.none() | _FLOAT,
    rrf_score=_FLOAT,
    cited=st.booleans(),
    named_law_rank=_RANK,
    graph_rank=_RANK,
)
_SNIPPET = st.builds(
    Snippet,
    text=_TEXT,
    highlights=st.lists(st.tuples(st.integers(0, 200), st.integers(0, 200)), max_size=5).map(tuple),
    html=_TEXT,
    start=st.integers(0, 10_000),
    truncated_start=st.booleans(),
    truncated_end=st.booleans(),
)
_HIT = st.builds(
    core.Hit,
    law_id=st.sampled_from(["129AC0000000089", "321CONSTITUTION"]) | _TEXT,
    law_title=_MAYBE_TEXT,
    law_num=_MAYBE_TEXT,
    law_type=_MAYBE_TEXT,
    revision_id=st.integers(1, 10**9),
    path=st.sampled_from(["MainProvision-Article_709", "SupplProvision[1]-Article_3"]) | _TEXT,
    seq=st.integers(0, 5),
    in_suppl=st.booleans(),
    caption=_MAYBE_TEXT,
    title=_MAYBE_TEXT,
    score=_FLOAT,
    snippet=_SNIPPET,
    cited=st.booleans(),
    matched_path=_MAYBE_TEXT,
    fusion=st.none() | _FUSION,
)
_PAGE = st.builds(
    core.Page,
    total=st.integers(0, 100_000),
    hits=st.lists(_HIT, max_size=6).map(tuple),
    mode=st.sampled_from([core.SearchMode.BOOLEAN, core.SearchMode.RANKED, core.SearchMode.HYBRID]),
    model_id=st.none() | st.just("intfloat/multilingual-e5-small"),
)


@settings(max_examples=300, deadline=None)
@given(
    q=_TEXT,
    page=_PAGE,
    limit=st.integers(1, 100),
    offset=st.integers(0, 10_000),
    asof=st.none() | st.dates(min_value=date(1890, 1, 1)),
)
def test_the_shortcut_json_is_the_models_json(
    q: str, page: core.Page, limit: int, offset: int, asof: date | None
) -> None:
    declared = provision_result(q, page, limit, offset, asof).model_dump_json(by_alias=True).encode()
    assert provision_result_json(q, page, limit, offset, asof) == declared


def test_a_real_looking_page() -> None:
    snippet = Snippet(
        "故意又は過失によって<他人>の権利", ((0, 6),), "<em>故意又は過失</em>によって&lt;他人&gt;の権利", 0, False, True
    )
    hit = core.Hit(
        "129AC0000000089", "民法", "明治二十九年法律第八十九号", "Act", 1, "MainProvision-Article_709", 0, False,
        "（不法行為による損害賠償）", "第七百九条", 0.1311558336019516, snippet,
    )  # fmt: skip
    page = core.Page(total=36, hits=(hit,))
    body = provision_result_json("故意又は過失", page, 20, 0)
    assert body == provision_result("故意又は過失", page, 20, 0).model_dump_json(by_alias=True).encode()
    assert b'"score":0.1311558336019516' in body
    assert b'"url":"/v1/laws/129AC0000000089/provisions/MainProvision-Article_709"' in body
