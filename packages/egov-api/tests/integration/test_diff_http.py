"""新旧対照 over real HTTP: ``/v1/laws/{law_id}/diff`` between revisions and dates of the corpus' revision
histories, checked against the raw e-Gov XML of both revisions (parsed and cut into units here)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from egov_api_testsupport import shared_data_dir

from egov_core.diff import law_units
from egov_core.parsing import parse_law

LAW = "417AC0000000048"
OLD = "417AC0000000048_20230607_505AC0000000044"
NEW = "417AC0000000048_20240401_505AC0000000044"


def _units(revision: str) -> list[str]:
    path = next((shared_data_dir() / "laws" / "revisions" / revision[:15] / revision).glob("*.xml"))
    return [u.text for u in law_units(parse_law(path.read_bytes(), source=path.name))]


def _all_changes(http: httpx.Client, law: str, old: str, new: str) -> list[dict[str, object]]:
    changes: list[dict[str, object]] = []
    offset: int | None = 0
    while offset is not None:
        body = http.get(
            f"/v1/laws/{law}/diff",
            params={"from": old, "to": new, "include_unchanged": "true", "limit": 500, "offset": offset},
        ).json()
        changes += body["changes"]
        offset = body["page"]["next_offset"]
    return changes


def test_diff_applied_to_the_old_text_gives_the_new_text(http: httpx.Client) -> None:
    old_texts, new_texts = _units(OLD), _units(NEW)
    rebuilt: list[str] = []
    at = 0
    for c in _all_changes(http, LAW, OLD, NEW):
        edits = c["edits"]
        assert isinstance(edits, list)
        old_text = ""
        if c["old"] is not None:
            old_text = old_texts[at]
            at += 1
            assert "".join(e["text"] for e in edits if e["op"] != "insert") in ("", old_text)
        if c["new"] is not None:
            rebuilt.append("".join(e["text"] for e in edits if e["op"] != "delete") if edits else old_text)
    assert at == len(old_texts)
    assert rebuilt == new_texts


def test_diff_json_names_changes_and_amendments(http: httpx.Client) -> None:
    r = http.get(f"/v1/laws/{LAW}/diff", params={"from": OLD, "to": NEW})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["old"]["law_revision_id"] == OLD
    assert body["new"]["law_revision_id"] == NEW
    assert [a["law_revision_id"] for a in body["amendments"]] == [NEW]
    assert body["amendments"][0]["amendment_law_id"] == "505AC0000000044"
    assert body["amendments"][0]["enforcement_date"] == "2024-04-01"
    moved = next(c for c in body["changes"] if c["old"] and c["old"]["path"] == "MainProvision-Article_4")
    assert moved["change"] == "renumbered"
    assert moved["new"]["path"] == "MainProvision-Article_5"
    assert body["counts"]["renumbered"] >= 1
    assert body["counts"]["unchanged"] > 0
    assert all(c["change"] != "unchanged" for c in body["changes"])
    assert "immutable" in r.headers.get("cache-control", "")


def test_diff_between_dates_spans_every_amendment(http: httpx.Client) -> None:
    r = http.get("/v1/laws/405AC0000000047/diff", params={"from": "2016-06-01", "to": "2023-07-03"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["old"]["law_revision_id"] == "405AC0000000047_20160101_427AC0000000054"
    assert body["new"]["law_revision_id"] == "405AC0000000047_20230703_505AC0000000051"
    assert [a["enforcement_date"] for a in body["amendments"]] == [
        "2016-12-01",
        "2018-11-29",
        "2019-07-01",
        "2020-04-01",
        "2022-05-25",
        "2022-06-17",
        "2023-06-06",
        "2023-07-03",
    ]
    # Backwards: the same amendments, the changes mirrored.
    back = http.get("/v1/laws/405AC0000000047/diff", params={"from": "2023-07-03", "to": "2016-06-01"}).json()
    assert back["amendments"] == body["amendments"]
    assert back["counts"]["inserted"] == body["counts"]["deleted"]
    assert back["counts"]["deleted"] == body["counts"]["inserted"]


def test_diff_html_is_a_side_by_side_table(http: httpx.Client) -> None:
    r = http.get(f"/v1/laws/{LAW}/diff", params={"from": OLD, "to": NEW, "format": "html"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    page = r.text
    assert "<th>改正後</th><th>改正前</th>" in page
    assert "<ins>" in page
    assert "<del>" in page
    assert "（新設）" in page
    assert "（繰上げ・繰下げ）" in page
    assert "（改正: 505AC0000000044（施行 2024-04-01））" in page  # each row names its amendment


@pytest.mark.parametrize(
    ("params", "status", "parameter"),
    [
        ({"from": "2024-02-30"}, 422, "from"),
        ({"from": "nope_nope"}, 404, None),
        ({"from": "1800-01-01"}, 404, None),
        ({"from": OLD, "to": "x" * 65}, 422, "to"),
        ({"from": OLD, "limit": 0}, 422, "limit"),
        ({}, 422, "from"),
    ],
)
def test_bad_diff_requests_are_problems(
    http: httpx.Client, params: dict[str, str | int], status: int, parameter: str | None
) -> None:
    r = http.get(f"/v1/laws/{LAW}/diff", params=params)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    if parameter:
        assert r.json()["parameter"] == parameter


def test_unknown_law_is_404(http: httpx.Client) -> None:
    assert http.get("/v1/laws/999AC0000000999/diff", params={"from": "2020-01-01"}).status_code == 404


def test_shared_revisions_exist() -> None:
    assert Path(shared_data_dir() / "laws" / "revisions" / LAW / OLD).is_dir()


def test_diff_of_a_law_with_one_synthesised_revision(http: httpx.Client) -> None:
    # 民法 comes from the 2020 bulk files: one revision, its id synthesised (not e-Gov's format).
    r = http.get("/v1/laws/129AC0000000089/diff", params={"from": "2020-01-01"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["changes"] == []
    assert body["counts"]["unchanged"] > 1000


def test_each_change_names_the_amendments_that_made_it(http: httpx.Client) -> None:
    params = {"from": "2016-06-01", "to": "2023-07-03", "limit": 500}
    body = http.get("/v1/laws/405AC0000000047/diff", params=params).json()
    spanned = {a["law_revision_id"] for a in body["amendments"]}
    timeline = http.get(
        "/v1/laws/405AC0000000047/amendments",
        params={"enforced_after": "2016-06-01", "enforced_before": "2023-07-04", "limit": 20},
    ).json()
    touched = {i["amendment"]["law_revision_id"]: {c["new_path"] for c in i["changes"]} for i in timeline["items"]}
    for change in body["changes"]:
        assert change["amended_by"], change
        assert set(change["amended_by"]) <= spanned
        if change["change"] == "amended":  # same path throughout: each credited amendment lists it
            for rid in change["amended_by"]:
                assert change["new"]["path"] in touched[rid]
    # One amendment: every change is its own.
    one = http.get(f"/v1/laws/{LAW}/diff", params={"from": OLD, "to": NEW}).json()
    assert all(c["amended_by"] == [NEW] for c in one["changes"])
