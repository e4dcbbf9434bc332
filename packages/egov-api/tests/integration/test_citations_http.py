"""POST /v1/citations over real HTTP: pages of at most `limit` citations, and hostile texts answered in bounds."""

from __future__ import annotations

import httpx
import pytest

MINPO = "129AC0000000089"


def _post(http: httpx.Client, **body: object) -> dict[str, object]:
    r = http.post("/v1/citations", json=body)
    assert r.status_code == 200, r.text
    out: dict[str, object] = r.json()
    return out


def test_a_short_text_fits_one_answer(http: httpx.Client) -> None:
    body = _post(
        http, text="被告は民法第七百九条及び第七百十条に基づき責任を負う。同法第七百二十二条第二項により過失相殺する。"
    )
    assert body["truncated"] is False
    assert body["next_offset"] is None
    items = body["items"]
    assert isinstance(items, list)
    assert [i["resolution"]["path"] for i in items] == [
        "MainProvision-Article_709",
        "MainProvision-Article_710",
        "MainProvision-Article_722-Paragraph_2",
    ]


def test_pages_cover_every_citation_once(http: httpx.Client) -> None:
    text = "民法第七百九条、" * 5 + "同法第七百十条。" + "刑法第百九十九条及び第二百条。" * 3
    whole = _post(http, text=text, limit=1000)
    assert whole["count"] == 12
    seen: list[tuple[int, str | None]] = []
    offset = 0
    while True:
        page = _post(http, text=text, offset=offset, limit=5)
        items = page["items"]
        assert isinstance(items, list)
        assert len(items) <= 5
        seen += [(i["start"], i["resolution"]["path"]) for i in items]
        if not page["truncated"]:
            assert page["next_offset"] is None
            break
        assert isinstance(page["next_offset"], int)
        offset = page["next_offset"]
    assert seen == [(i["start"], i["resolution"]["path"]) for i in whole["items"]]  # type: ignore[union-attr]
    # 同法 opens the second page: it still means the law named on the first.
    second = _post(http, text=text, offset=seen[5][0], limit=5)
    first = second["items"][0]  # type: ignore[index]
    assert (first["text"], first["resolution"]["law_id"]) == ("同法第七百十条", MINPO)


@pytest.mark.parametrize(
    "unit",
    ["第一条", "民法第七百九条", "一", "何々法第一条", "法律第一号"],
    ids=["article heads", "known law", "numeral run", "unknown law", "law numbers"],
)
def test_documented_limit_inputs_answer_a_bounded_page(http: httpx.Client, unit: str) -> None:
    # Once: 第一条 × 33,333 never answered, 民法第七百九条 × 3,000 answered 284 MB, 一 × 100,000 took 39 s.
    text = (unit * (100_000 // len(unit) + 1))[:100_000]
    r = http.post("/v1/citations", json={"text": text, "limit": 1000})
    assert r.status_code == 200, r.text[:300]
    body = r.json()
    assert body["count"] <= 1000
    assert body["truncated"] is (body["count"] == 1000)
    assert len(r.content) < 2_000_000
    for item in body["items"]:
        assert len(item["text"]) <= 200
        assert len(item["resolution"]["law_name"] or "") <= 200


def test_limits_are_checked(http: httpx.Client) -> None:
    r = http.post("/v1/citations", json={"text": "民法第七百九条", "limit": 1001})
    assert r.status_code == 422, r.text
    assert r.json()["parameter"] == "limit"
    r = http.post("/v1/citations", json={"text": "民法第七百九条", "offset": 99})
    assert r.status_code == 422, r.text
    assert r.json()["parameter"] == "offset"


def test_pre_amendment_citation_resolves_in_the_stored_older_revision(http: httpx.Client) -> None:
    # 意匠法 is stored with its revision history: the text before 令和元年法律第三号 (in force from 2020-04-01)
    # is the revision of 2020-01-01.
    [old] = _post(http, text="意匠法（令和元年法律第三号による改正前のもの）第二条第一項の「意匠」")["items"]  # type: ignore[misc]
    res = old["resolution"]
    assert res["status"] == "historical", res
    assert res["revision_id"] == "334AC0000000125_20200101_430AC0000000033"
    assert res["path"] == "MainProvision-Article_2-Paragraph_1"
    assert res["url"].endswith("?revision=334AC0000000125_20200101_430AC0000000033")
    [today] = _post(http, text="意匠法第二条第一項")["items"]  # type: ignore[misc]
    assert today["resolution"]["status"] == "resolved"
    assert res["text"]
    assert res["text"] != today["resolution"]["text"]


def test_pre_amendment_citation_without_the_old_text_links_the_law_only(http: httpx.Client) -> None:
    [item] = _post(http, text="民法（平成二十九年法律第四十四号による改正前のもの）第四百十五条")["items"]  # type: ignore[misc]
    res = item["resolution"]
    assert (res["status"], res["law_id"], res["path"], res["text"]) == ("historical", MINPO, None, None)
    assert res["url"] == f"/v1/laws/{MINPO}"
