"""Defined terms over real HTTP: stored at import time for every revision (checked against extraction from
the raw XML of each revision), looked up by term per law and across the corpus, and linked from provisions
with ``expand=definitions`` only where their scope reaches."""

from __future__ import annotations

import httpx
import pytest
from egov_api_testsupport import shared_data_dir

from egov_core.definitions import extract_definitions
from egov_core.parsing import parse_law

APPI = "415AC0000000057"  # 個人情報の保護に関する法律 (2020 text)


def _pages(http: httpx.Client, url: str, params: dict[str, str]) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    offset: int | None = 0
    while offset is not None:
        body = http.get(url, params={**params, "limit": "100", "offset": str(offset)}).json()
        items += body["items"]
        offset = body["page"]["next_offset"]
    return items


def test_definitions_are_stored_for_every_revision(http: httpx.Client) -> None:
    law_dir = shared_data_dir() / "laws" / "revisions" / "405AC0000000047"
    counts = set()
    for folder in sorted(law_dir.iterdir()):
        xml = next(folder.glob("*.xml"))
        expected = [
            (d.path, d.term, d.scope, d.meaning)
            for d in extract_definitions(parse_law(xml.read_bytes(), source=xml.name))
        ]
        got = _pages(http, "/v1/laws/405AC0000000047/definitions", {"revision": folder.name})
        assert [(i["path"], i["term"], i["scope"], i["meaning"]) for i in got] == expected
        assert all(i["law_revision_id"] == folder.name for i in got)
        counts.add(len(got))
    assert len(counts) > 1, "the law's definitions change across its revisions"


def test_a_law_definitions_and_lookup_by_term(http: httpx.Client) -> None:
    body = http.get(f"/v1/laws/{APPI}/definitions", params={"limit": "3"}).json()
    assert body["page"]["total"] >= 30
    first = body["items"][0]
    assert (first["term"], first["kind"], first["scope"]) == ("個人情報", "sentence", "law")
    assert first["path"] == "MainProvision-Article_2-Paragraph_1"
    assert first["meaning"].startswith("生存する個人に関する情報であって")
    assert first["url"].startswith(f"/v1/laws/{APPI}/provisions/MainProvision-Article_2-Paragraph_1?revision=")
    one = http.get(f"/v1/laws/{APPI}/definitions", params={"term": "個人データ"}).json()
    assert [(i["term"], i["path"]) for i in one["items"]] == [("個人データ", "MainProvision-Article_2-Paragraph_6")]
    assert http.get(f"/v1/laws/{APPI}/definitions", params={"term": "存在しない用語"}).json()["items"] == []


def test_where_a_term_is_defined_across_the_corpus(http: httpx.Client) -> None:
    items = _pages(http, "/v1/definitions", {"term": "個人情報"})
    assert APPI in {i["law_id"] for i in items}
    assert all(i["term"] == "個人情報" for i in items)


def test_expand_definitions_links_the_terms_a_provision_uses(http: httpx.Client) -> None:
    plain = http.get(f"/v1/laws/{APPI}/articles/23").json()
    assert plain["definitions"] is None
    body = http.get(f"/v1/laws/{APPI}/articles/23", params={"expand": "definitions"}).json()
    terms = {d["term"]: d for d in body["definitions"]}
    assert {"個人データ", "個人情報取扱事業者"} <= set(terms)
    assert terms["個人データ"]["path"] == "MainProvision-Article_2-Paragraph_6"
    assert all(t in body["full_text"] for t in terms)


def test_expand_respects_the_scope(http: httpx.Client) -> None:
    # 臨床研究法 第二十三条 defines 「臨床研究審査委員会」 「以下この条において」: other articles that use the
    # words do not get that definition, the article itself does.
    law = "429AC0000000016"
    inside = http.get(f"/v1/laws/{law}/articles/23", params={"expand": "definitions"}).json()
    assert "臨床研究審査委員会" in {d["term"] for d in inside["definitions"]}
    outside = http.get(f"/v1/laws/{law}/articles/8", params={"expand": "definitions"}).json()
    assert "臨床研究審査委員会" in outside["full_text"]
    assert "臨床研究審査委員会" not in {d["term"] for d in outside["definitions"]}


@pytest.mark.parametrize(
    ("url", "params", "status"),
    [
        (f"/v1/laws/{APPI}/definitions", {"term": ""}, 422),
        (f"/v1/laws/{APPI}/definitions", {"term": "x" * 61}, 422),
        (f"/v1/laws/{APPI}/definitions", {"limit": "501"}, 422),
        ("/v1/definitions", {}, 422),
        (f"/v1/laws/{APPI}/articles/23", {"expand": "everything"}, 422),
        ("/v1/laws/999AC0000000999/definitions", {}, 404),
    ],
)
def test_bad_definition_requests(http: httpx.Client, url: str, params: dict[str, str], status: int) -> None:
    r = http.get(url, params=params)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")


def test_search_hits_link_their_defined_terms(http: httpx.Client) -> None:
    params = {"q": "個人データ 第三者", "law_id": APPI, "limit": "5"}
    plain = http.get("/v1/search", params=params).json()
    assert plain["items"]
    assert all(hit["definitions"] is None for hit in plain["items"])
    expanded = http.get("/v1/search", params={**params, "expand": "definitions"}).json()
    assert [h["path"] for h in expanded["items"]] == [h["path"] for h in plain["items"]]
    for hit in expanded["items"]:
        terms = {d["term"]: d for d in hit["definitions"]}
        assert "個人データ" in terms, hit["path"]  # every hit matched it, and its definition is law-wide
        assert terms["個人データ"]["path"] == "MainProvision-Article_2-Paragraph_6"
