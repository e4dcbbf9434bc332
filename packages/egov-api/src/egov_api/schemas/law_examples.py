"""Real law responses used as OpenAPI examples (shared corpus: 不正競争防止法 and its revisions, 個人情報保護法)."""

from __future__ import annotations

from typing import Any

#: 不正競争防止法's amendment enforced 2024-02-16, in the diff and timeline examples.
_AMENDMENT_2024: dict[str, Any] = {
    "law_id": "405AC0000000047",
    "law_title": "不正競争防止法",
    "law_revision_id": "405AC0000000047_20240216_505AC0000000028",
    "enforcement_date": "2024-02-16",
    "amendment_law_id": "505AC0000000028",
    "amendment_law_title": None,
    "amendment_promulgate_date": "2023-05-17",
    "status": "UnEnforced",
    "pending": False,
    "url": "/v1/laws/405AC0000000047?revision=405AC0000000047_20240216_505AC0000000028",
}

#: ``GET /v1/laws/405AC0000000047/diff?from=405AC0000000047_20230703_505AC0000000051&to=405AC0000000047_20240216_505AC0000000028``
DIFF_EXAMPLE: dict[str, Any] = {
    "law_id": "405AC0000000047",
    "old": {
        "law_revision_id": "405AC0000000047_20230703_505AC0000000051",
        "enforcement_date": "2023-07-03",
        "amendment_law_id": "505AC0000000051",
        "status": "CurrentEnforced",
        "is_current": False,
        "title": "不正競争防止法",
        "url": "/v1/laws/405AC0000000047?revision=405AC0000000047_20230703_505AC0000000051",
    },
    "new": {
        "law_revision_id": "405AC0000000047_20240216_505AC0000000028",
        "enforcement_date": "2024-02-16",
        "amendment_law_id": "505AC0000000028",
        "status": "UnEnforced",
        "is_current": False,
        "title": "不正競争防止法",
        "url": "/v1/laws/405AC0000000047?revision=405AC0000000047_20240216_505AC0000000028",
    },
    "amendments": [_AMENDMENT_2024],
    "counts": {"inserted": 0, "deleted": 0, "amended": 1, "renumbered": 0, "formatting": 0, "unchanged": 138},
    "limits": {"char_diff_cap": 1000000, "pair_cap": 10000, "exhaustive": True},
    "page": {"total": 1, "limit": 100, "offset": 0, "next_offset": None},
    "changes": [
        {
            "change": "amended",
            "old": {
                "path": "MainProvision-Article_24",
                "key": "MainProvision-Article_24",
                "kind": "Article",
                "title": "第二十四条",
                "caption": "（起訴状の朗読方法の特例）",
            },
            "new": {
                "path": "MainProvision-Article_24",
                "key": "MainProvision-Article_24",
                "kind": "Article",
                "title": "第二十四条",
                "caption": "（起訴状の朗読方法の特例）",
            },
            "edits": [
                {
                    "op": "equal",
                    "text": "第二十四条\u3000（起訴状の朗読方法の特例）\n"
                    "秘匿決定があったときは、刑事訴訟法第二百九十一条第一項の起訴状の朗読は、営業秘密構成情報特定事項を明らかにしない方法でこれを行うものとする。この場合においては、検察官は、被告人に起訴状を示さなければならない。",
                },
                {
                    "op": "insert",
                    "text": "\n"
                    "２\u3000"
                    "刑事訴訟法第二百七十一条の二第四項の規定による措置がとられた場合（当該措置に係る個人特定事項（同法第二百一条の二第一項に規定する個人特定事項をいう。以下この項において同じ。）の全部について同法第二百七十一条の五第一項の決定があった場合を除く。）における前項後段の規定の適用については、同項後段中「起訴状」とあるのは、当該措置に係る個人特定事項の一部について同法第二百七十一条の五第一項の決定があった場合にあっては「起訴状抄本等（同法第二百七十一条の二第二項に規定する起訴状抄本等をいう。）及び同法第二百七十一条の五第四項に規定する書面」と、それ以外の場合にあっては「起訴状抄本等（同法第二百七十一条の二第二項に規定する起訴状抄本等をいう。）」とする。",
                },
            ],
            "amended_by": ["405AC0000000047_20240216_505AC0000000028"],
        }
    ],
    "links": {
        "html": "/v1/laws/405AC0000000047/diff?from=405AC0000000047_20230703_505AC0000000051&to=405AC0000000047_20240216_505AC0000000028&format=html"
    },
}

#: ``GET /v1/laws/405AC0000000047/amendments?enforced_after=2023-07-03&enforced_before=2024-06-01``
TIMELINE_EXAMPLE: dict[str, Any] = {
    "law_id": "405AC0000000047",
    "enforced_after": "2023-07-03",
    "enforced_before": "2024-06-01",
    "page": {"total": 1, "limit": 2, "offset": 0, "next_offset": None},
    "items": [
        {
            "amendment": _AMENDMENT_2024,
            "previous_revision_id": "405AC0000000047_20230703_505AC0000000051",
            "counts": {"inserted": 0, "deleted": 0, "amended": 1, "renumbered": 0, "formatting": 0, "unchanged": 138},
            "changes": [
                {
                    "change": "amended",
                    "old_path": "MainProvision-Article_24",
                    "new_path": "MainProvision-Article_24",
                    "title": "第二十四条",
                    "caption": "（起訴状の朗読方法の特例）",
                }
            ],
            "diff": "/v1/laws/405AC0000000047/diff?from=405AC0000000047_20230703_505AC0000000051&to=405AC0000000047_20240216_505AC0000000028",
        }
    ],
}

#: ``GET /v1/amendments?pending=true&limit=2``
AMENDMENTS_EXAMPLE: dict[str, Any] = {
    "page": {"total": 1, "limit": 2, "offset": 0, "next_offset": None},
    "items": [
        {
            "law_id": "359AC0000000086",
            "law_title": "電気通信事業法",
            "law_revision_id": "359AC0000000086_20280613_505AC0000000053",
            "enforcement_date": "2028-06-13",
            "amendment_law_id": "505AC0000000053",
            "amendment_law_title": None,
            "amendment_promulgate_date": "2023-06-14",
            "status": "UnEnforced",
            "pending": True,
            "url": "/v1/laws/359AC0000000086?revision=359AC0000000086_20280613_505AC0000000053",
        }
    ],
}


def _definition(term: str, meaning: str, law_revision_id: str, path: str) -> dict[str, Any]:
    """One law-wide sentence definition, as the definition routes answer it."""
    law_id = law_revision_id.split("_")[0]
    return {
        "term": term,
        "meaning": meaning,
        "kind": "sentence",
        "scope": "law",
        "scope_path": None,
        "scope_note": None,
        "law_id": law_id,
        "law_revision_id": law_revision_id,
        "path": path,
        "url": f"/v1/laws/{law_id}/provisions/{path}?revision={law_revision_id}",
    }


#: 個人情報保護法's definition of 個人情報, in both definition examples below.
_KOJIN_JOHO = _definition(
    "個人情報",
    "生存する個人に関する情報であって、次の各号のいずれかに該当するもの",
    "415AC0000000057_a8c5ba365a03",
    "MainProvision-Article_2-Paragraph_1",
)

#: ``GET /v1/laws/415AC0000000057/definitions?limit=2``
DEFINITIONS_EXAMPLE: dict[str, Any] = {
    "page": {"total": 31, "limit": 2, "offset": 0, "next_offset": 2},
    "items": [
        _KOJIN_JOHO,
        _definition(
            "個人識別符号",
            "次の各号のいずれかに該当する文字、番号、記号その他の符号のうち、政令で定めるもの",
            "415AC0000000057_a8c5ba365a03",
            "MainProvision-Article_2-Paragraph_2",
        ),
    ],
}

#: ``GET /v1/definitions?term=個人情報&limit=2``
TERM_EXAMPLE: dict[str, Any] = {
    "page": {"total": 4, "limit": 2, "offset": 0, "next_offset": 2},
    "items": [
        _definition(
            "個人情報",
            "個人に関する情報であつて、特定の個人を識別することができるもの"
            "（他の情報と照合することにより特定の個人を識別することができることとなるものを含む。）",
            "322AC0000000141_79cb98cc30ef",
            "MainProvision-Article_4-Paragraph_11",
        ),
        _KOJIN_JOHO,
    ],
}
