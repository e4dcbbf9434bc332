"""A real answer of the hybrid search route, as its OpenAPI example."""

from __future__ import annotations

from typing import Any

__all__ = ["HYBRID_EXAMPLE"]

#: A real answer of ``GET /v1/search/hybrid?q=借地借家法で家賃の増額を請求できるのはどんなときか&limit=2`` over
#: the whole shared corpus (1,300 laws) with multilingual-e5-small.
HYBRID_EXAMPLE: dict[str, Any] = {
    "query": "借地借家法で家賃の増額を請求できるのはどんなときか",
    "mode": "hybrid",
    "model_id": "egov/multilingual-e5-small-q4@bf16",
    "page": {"total": 186, "limit": 2, "offset": 0, "next_offset": 2, "total_exact": True},
    "items": [
        {
            "law_id": "403AC0000000090",
            "law_title": "借地借家法",
            "law_num": "平成三年法律第九十号",
            "law_type": "Act",
            "path": "MainProvision-Article_32",
            "title": "第三十二条",
            "caption": "（借賃増減請求権）",
            "score": 0.1967,
            "snippet": "は、将来に向かって建物の借賃の額の増減を請求することができる。ただし、一定の期間建物の借賃を増額しない旨の特約がある場合には、その定めに従う。 ２\u3000"
            "建物の借賃の増額について当事者間に協議が調わないときは、その請求を受けた者は、増額を正当とす",
            "snippet_html": "は、将来に向かって建物の借賃の額の増減を<em>請求</em>することができる。ただし、一定の期間建物の借賃を<em>増額</em>しない旨の特約がある場合には、その定めに従う。 "
            "２\u3000建物の借賃の<em>増額</em>について当事者間に協議が調わないときは、その<em>請求</em>を受けた者は、<em>増額</em>を正当とす",
            "cited": False,
            "matched_path": "MainProvision-Article_32",
            "fusion": {
                "keyword_rank": 57,
                "semantic_rank": 1,
                "keyword_score": 7.348,
                "semantic_score": 0.9187,
                "rrf_score": 0.1967,
                "cited": False,
                "named_law_rank": 1,
            },
            "highlights": [
                {"start": 20, "end": 22},
                {"start": 46, "end": 48},
                {"start": 80, "end": 82},
                {"start": 104, "end": 106},
                {"start": 113, "end": 115},
            ],
            "url": "/v1/laws/403AC0000000090/provisions/MainProvision-Article_32",
        },
        {
            "law_id": "403AC0000000090",
            "law_title": "借地借家法",
            "law_num": "平成三年法律第九十号",
            "law_type": "Act",
            "path": "MainProvision-Article_11",
            "title": "第十一条",
            "caption": "（地代等増減請求権）",
            "score": 0.1814,
            "snippet": "事者は、将来に向かって地代等の額の増減を請求することができる。ただし、一定の期間地代等を増額しない旨の特約がある場合には、その定めに従う。 ２\u3000"
            "地代等の増額について当事者間に協議が調わないときは、その請求を受けた者は、増額を正当とする裁判が",
            "snippet_html": "事者は、将来に向かって地代等の額の増減を<em>請求</em>することができる。ただし、一定の期間地代等を<em>増額</em>しない旨の特約がある場合には、その定めに従う。 "
            "２\u3000地代等の<em>増額</em>について当事者間に協議が調わないときは、その<em>請求</em>を受けた者は、<em>増額</em>を正当とする裁判が",
            "cited": False,
            "matched_path": "MainProvision-Article_11",
            "fusion": {
                "keyword_rank": 58,
                "semantic_rank": 2,
                "keyword_score": 7.325,
                "semantic_score": 0.9112,
                "rrf_score": 0.1814,
                "cited": False,
                "named_law_rank": 2,
            },
            "highlights": [
                {"start": 20, "end": 22},
                {"start": 44, "end": 46},
                {"start": 76, "end": 78},
                {"start": 100, "end": 102},
                {"start": 109, "end": 111},
            ],
            "url": "/v1/laws/403AC0000000090/provisions/MainProvision-Article_11",
        },
    ],
}
