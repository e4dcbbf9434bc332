"""Law listing, filters, metadata, revisions, TOC over real HTTP against the full shared corpus."""

from __future__ import annotations

import httpx


def test_list_paginates_with_total(http: httpx.Client) -> None:
    r = http.get("/v1/laws", params={"limit": 5})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["page"]["total"] >= 1300
    assert len(body["items"]) == 5
    assert body["page"]["next_offset"] == 5
    second = http.get("/v1/laws", params={"limit": 5, "offset": 5}).json()
    assert {i["law_id"] for i in body["items"]}.isdisjoint({i["law_id"] for i in second["items"]})


def test_filter_by_type_era_year_num(http: httpx.Client) -> None:
    r = http.get("/v1/laws", params={"law_type": "Act", "era": "Meiji", "year": 29, "num": "89"})
    items = r.json()["items"]
    assert [i["law_id"] for i in items] == ["129AC0000000089"]
    assert items[0]["title"] == "民法"


def test_filter_by_title_and_sort(http: httpx.Client) -> None:
    body = http.get("/v1/laws", params={"title": "個人情報", "sort": "title", "limit": 100}).json()
    titles = [i["title"] for i in body["items"]]
    assert titles
    assert all("個人情報" in t for t in titles)
    assert titles == sorted(titles)


def test_filter_by_abbreviation(http: httpx.Client) -> None:
    body = http.get("/v1/laws", params={"abbrev": "労基法"}).json()
    assert "322AC0000000049" in [i["law_id"] for i in body["items"]]


def test_filter_by_promulgation_range(http: httpx.Client) -> None:
    # Only the API-v2-era files carry promulgation dates (the 2020 bulk files give era and year only).
    body = http.get("/v1/laws", params={"promulgated_from": "2023-05-01", "promulgated_to": "2023-05-31"}).json()
    assert "505AC0000000032" in [i["law_id"] for i in body["items"]]
    for item in body["items"]:
        assert "2023-05-01" <= item["promulgation_date"] <= "2023-05-31"


def test_one_law(http: httpx.Client) -> None:
    r = http.get("/v1/laws/129AC0000000089")
    assert r.status_code == 200
    body = r.json()
    assert body["law"]["law_num"] == "明治二十九年法律第八十九号"
    assert body["revision"]["is_current"] is True
    assert body["links"]["toc"].startswith("/v1/laws/129AC0000000089/toc")


def test_toc_nested_without_text(http: httpx.Client) -> None:
    toc = http.get("/v1/laws/129AC0000000089/toc").json()
    main = next(n for n in toc["items"] if n["kind"] == "MainProvision")
    parts = [n for n in main["children"] if n["kind"] == "Part"]
    assert parts[0]["title"].startswith("第一編")
    assert "text" not in parts[0]


def test_revisions_newest_first(http: httpx.Client) -> None:
    body = http.get("/v1/laws/405AC0000000047/revisions").json()
    dates = [r["enforcement_date"] for r in body["items"] if r["enforcement_date"]]
    assert dates == sorted(dates, reverse=True)
    assert sum(1 for r in body["items"] if r["is_current"]) == 1
