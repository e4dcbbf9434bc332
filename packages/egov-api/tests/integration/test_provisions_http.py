"""Famous provisions over real HTTP return the exact statutory text."""

from __future__ import annotations

import httpx
import pytest

MINPO_709 = (
    "故意又は過失によって他人の権利又は法律上保護される利益を侵害した者は、これによって生じた損害を賠償する責任を負う。"
)
KENPO_9_2 = "前項の目的を達するため、陸海空軍その他の戦力は、これを保持しない。国の交戦権は、これを認めない。"
KEIHO_199 = "人を殺した者は、死刑又は無期若しくは五年以上の懲役に処する。"
ROKI_20_1 = (
    "使用者は、労働者を解雇しようとする場合においては、少くとも三十日前にその予告をしなければならない。"
    "三十日前に予告をしない使用者は、三十日分以上の平均賃金を支払わなければならない。"
    "但し、天災事変その他やむを得ない事由のために事業の継続が不可能となつた場合又は労働者の責に帰すべき事由に基いて"
    "解雇する場合においては、この限りでない。"
)


def test_minpo_709_by_path(http: httpx.Client) -> None:
    r = http.get("/v1/laws/129AC0000000089/provisions/MainProvision-Article_709")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["law_title"] == "民法"
    assert body["caption"] == "（不法行為による損害賠償）"
    assert body["title"] == "第七百九条"
    assert body["children"][0]["path"] == "MainProvision-Article_709-Paragraph_1"
    assert body["children"][0]["text"] == MINPO_709
    assert MINPO_709 in body["full_text"]
    assert body["previous"]["path"] == "MainProvision-Article_708"
    assert body["next"]["path"] == "MainProvision-Article_710"
    assert body["parent"]["kind"] in ("Chapter", "Section")


@pytest.mark.parametrize("number", ["709", "七百九", "第七百九条", "７０９", "第709条"])
def test_article_number_forms(http: httpx.Client, number: str) -> None:
    r = http.get(f"/v1/laws/129AC0000000089/articles/{number}")
    assert r.status_code == 200, r.text
    assert r.json()["path"] == "MainProvision-Article_709"


@pytest.mark.parametrize("number", ["3の2", "3-2", "3_2", "第三条の二", "３の２"])
def test_branch_article_forms(http: httpx.Client, number: str) -> None:
    r = http.get(f"/v1/laws/129AC0000000089/articles/{number}")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["path"] == "MainProvision-Article_3_2"
    assert body["title"] == "第三条の二"


def test_kenpo_9_2(http: httpx.Client) -> None:
    r = http.get("/v1/laws/321CONSTITUTION/articles/9", params={"paragraph": 2})
    assert r.status_code == 200, r.text
    assert r.json()["text"] == KENPO_9_2
    r2 = http.get("/v1/laws/321CONSTITUTION/provisions/Article_9-Paragraph_2")
    assert r2.json()["text"] == KENPO_9_2


def test_keiho_199(http: httpx.Client) -> None:
    r = http.get("/v1/laws/140AC0000000045/articles/百九十九")
    assert r.status_code == 200, r.text
    assert r.json()["children"][0]["text"] == KEIHO_199


def test_rokiho_20_1(http: httpx.Client) -> None:
    r = http.get("/v1/laws/322AC0000000049/provisions/MainProvision-Article_20-Paragraph_1")
    assert r.status_code == 200, r.text
    assert r.json()["text"] == ROKI_20_1


def test_item_path(http: httpx.Client) -> None:
    # 民法第七百九十六条? use 刑法第四十五条? pick 民法 第五条第一項 has no items; 民法第十三条第一項第一号 has.
    r = http.get("/v1/laws/129AC0000000089/articles/13", params={"paragraph": 1, "item": "一"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["path"] == "MainProvision-Article_13-Paragraph_1-Item_1"
    assert body["kind"] == "Item"
    assert "元本を領収し、又は利用すること" in body["text"]


def test_suppl_provision_article(http: httpx.Client) -> None:
    r = http.get("/v1/laws/322AC0000000049/provisions/SupplProvision[1]-Article_1")
    assert r.status_code in (200, 404), r.text
    toc = http.get("/v1/laws/322AC0000000049/toc").json()
    suppl = [n for n in toc["items"] if n["kind"] == "SupplProvision"]
    assert suppl, "労働基準法 has 附則"
    first = suppl[0]
    target = first["children"][0]["path"] if first["children"] else first["path"]
    r = http.get(f"/v1/laws/322AC0000000049/provisions/{target}")
    assert r.status_code == 200, r.text


def test_appdx_table(http: httpx.Client) -> None:
    toc = http.get("/v1/laws/322AC0000000049/toc").json()
    tables = [n for n in toc["items"] if n["kind"] == "AppdxTable"]
    assert tables
    r = http.get(f"/v1/laws/322AC0000000049/provisions/{tables[0]['path']}")
    assert r.status_code == 200, r.text
    assert r.json()["full_text"]


def test_law_text_json_and_plain(http: httpx.Client) -> None:
    r = http.get("/v1/laws/321CONSTITUTION/text")
    assert r.status_code == 200
    tree = r.json()["law_full_text"]
    assert tree["tag"] == "Law"
    p = http.get("/v1/laws/321CONSTITUTION/text", params={"format": "plain"})
    assert p.headers["content-type"].startswith("text/plain")
    assert KENPO_9_2 in p.text
