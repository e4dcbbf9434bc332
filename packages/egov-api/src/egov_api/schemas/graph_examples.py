"""Real answers of the citation graph routes (shared-data laws), for the OpenAPI document."""

from __future__ import annotations

from typing import Any

__all__ = ["CITATIONS_EXAMPLE", "CITATION_PATH_EXAMPLE", "CITED_BY_EXAMPLE", "LAW_GRAPH_EXAMPLE"]

_SHAKUCHI = "403AC0000000090"

#: ``GET /v1/laws/403AC0000000090/provisions/Article_5/citations?limit=2``
CITATIONS_EXAMPLE: dict[str, Any] = {
    "law_id": _SHAKUCHI,
    "law_revision_id": "403AC0000000090_cea309a4cae1",
    "path": "MainProvision-Article_5",
    "page": {"total": 4, "limit": 2, "offset": 0, "next_offset": 2},
    "items": [
        {
            "path": "MainProvision-Article_5-Paragraph_1",
            "kind": "cites",
            "raw": "前条",
            "status": "resolved",
            "target_law_id": _SHAKUCHI,
            "target_title": "借地借家法",
            "target_path": "MainProvision-Article_4",
            "target_end_path": None,
            "reason": None,
            "url": f"/v1/laws/{_SHAKUCHI}/provisions/MainProvision-Article_4",
        },
        {
            "path": "MainProvision-Article_5-Paragraph_2",
            "kind": "cites",
            "raw": "前項",
            "status": "resolved",
            "target_law_id": _SHAKUCHI,
            "target_title": "借地借家法",
            "target_path": "MainProvision-Article_5-Paragraph_1",
            "target_end_path": None,
            "reason": None,
            "url": f"/v1/laws/{_SHAKUCHI}/provisions/MainProvision-Article_5-Paragraph_1",
        },
    ],
}

#: ``GET /v1/laws/403AC0000000090/provisions/Article_4/cited-by?limit=1``
CITED_BY_EXAMPLE: dict[str, Any] = {
    "law_id": _SHAKUCHI,
    "path": "MainProvision-Article_4",
    "page": {"total": 1, "limit": 1, "offset": 0, "next_offset": None},
    "items": [
        {
            "source": "statute",
            "kind": "cites",
            "raw": "前条",
            "target_path": "MainProvision-Article_4",
            "law_id": _SHAKUCHI,
            "title": "借地借家法",
            "law_revision_id": "403AC0000000090_cea309a4cae1",
            "path": "MainProvision-Article_5-Paragraph_1",
            "lawsuit_id": None,
            "url": f"/v1/laws/{_SHAKUCHI}/provisions/MainProvision-Article_5-Paragraph_1",
        }
    ],
}

#: ``GET /v1/laws/129AC0000000089/graph`` (民法, in a store of the first 40 laws of the shared corpus)
LAW_GRAPH_EXAMPLE: dict[str, Any] = {
    "law_id": "129AC0000000089",
    "law_revision_id": "129AC0000000089_996af8baa29c",
    "out_edges": 1903,
    "out_resolved": 1546,
    "out_laws": 0,
    "delegations": 29,
    "in_edges": 64,
    "in_laws": 7,
    "in_decisions": 0,
}

#: ``GET /v1/graph/path?from=403AC0000000090:Article_56&to=403AC0000000090:Article_17``
CITATION_PATH_EXAMPLE: dict[str, Any] = {
    "start": f"{_SHAKUCHI}:MainProvision-Article_56",
    "end": f"{_SHAKUCHI}:MainProvision-Article_17",
    "length": 2,
    "visited_limit": 5000,
    "steps": [
        {
            "law_id": _SHAKUCHI,
            "path": "MainProvision-Article_56",
            "source_path": "MainProvision-Article_56-Paragraph_1",
            "kind": "cites",
            "raw": "前条第一項",
            "target_law_id": _SHAKUCHI,
            "target_path": "MainProvision-Article_55-Paragraph_1",
            "url": f"/v1/laws/{_SHAKUCHI}/provisions/MainProvision-Article_55-Paragraph_1",
        },
        {
            "law_id": _SHAKUCHI,
            "path": "MainProvision-Article_55-Paragraph_1",
            "source_path": "MainProvision-Article_55-Paragraph_1",
            "kind": "cites",
            "raw": "第十七条第一項から第三項まで",
            "target_law_id": _SHAKUCHI,
            "target_path": "MainProvision-Article_17-Paragraph_1",
            "url": f"/v1/laws/{_SHAKUCHI}/provisions/MainProvision-Article_17-Paragraph_1",
        },
    ],
}
