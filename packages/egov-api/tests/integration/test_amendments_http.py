"""Timeline over real HTTP: amendments across the corpus and per law, pending (未施行) ones, and what each
amendment changed. The oracle is the revision folders of ``laws/revisions`` (``{law_id}_{YYYYMMDD}_{amending law}``)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

import httpx
from egov_api_testsupport import shared_data_dir


def _revision_dates() -> dict[str, date]:
    root = shared_data_dir() / "laws" / "revisions"
    out: dict[str, date] = {}
    for folder in root.glob("*/*"):
        stamp = folder.name.split("_")[1]
        out[folder.name] = date(int(stamp[:4]), int(stamp[4:6]), int(stamp[6:]))
    return out


def _all(http: httpx.Client, params: dict[str, str]) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    offset: int | None = 0
    while offset is not None:
        body = http.get("/v1/amendments", params={**params, "limit": "100", "offset": str(offset)}).json()
        items += body["items"]
        offset = body["page"]["next_offset"]
    return items


def test_amendments_in_a_period_across_the_corpus(http: httpx.Client) -> None:
    expected = sorted((d, rid) for rid, d in _revision_dates().items() if date(2024, 1, 1) < d < date(2025, 1, 1))
    items = _all(http, {"enforced_after": "2024-01-01", "enforced_before": "2025-01-01"})
    assert [(date.fromisoformat(str(i["enforcement_date"])), i["law_revision_id"]) for i in items] == expected
    assert expected, "the revision histories hold amendments enforced in 2024"


def test_pending_amendments_are_those_not_yet_in_force(http: httpx.Client) -> None:
    today = datetime.now(UTC).date()
    items = _all(http, {"pending": "true"})
    expected = {rid for rid, d in _revision_dates().items() if d > today}
    assert expected <= {str(i["law_revision_id"]) for i in items}
    assert all(i["pending"] and date.fromisoformat(str(i["enforcement_date"])) > today for i in items)
    future = next(i for i in items if i["law_revision_id"] == "359AC0000000086_20280613_505AC0000000053")
    assert future["amendment_law_id"] == "505AC0000000053"
    assert future["status"] == "UnEnforced"


def test_what_changed_in_a_law_between_two_dates(http: httpx.Client) -> None:
    r = http.get(
        "/v1/laws/405AC0000000047/amendments",
        params={"enforced_after": "2016-06-01", "enforced_before": "2023-07-04", "limit": "20"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    items = body["items"]
    assert body["page"]["total"] == 8 == len(items)
    assert items[0]["previous_revision_id"] == "405AC0000000047_20160101_427AC0000000054"
    assert [i["amendment"]["enforcement_date"] for i in items][-1] == "2023-07-03"
    for prev, item in itertools.pairwise(items):
        assert item["previous_revision_id"] == prev["amendment"]["law_revision_id"]
    # Each amendment's listed changes are its diff's changed provisions.
    sample = items[-1]
    diff = http.get(str(sample["diff"]) + "&limit=500").json()  # params= would replace the link's query
    assert [(c["change"], c["new"]["path"] if c["new"] else None) for c in diff["changes"]] == [
        (c["change"], c["new_path"]) for c in sample["changes"]
    ]
    assert sample["counts"] == diff["counts"]


def test_bad_timeline_requests(http: httpx.Client) -> None:
    r = http.get("/v1/amendments", params={"enforced_after": "2025-01-01", "enforced_before": "2024-01-01"})
    assert r.status_code == 422
    assert r.json()["parameter"] == "enforced_before"
    assert http.get("/v1/amendments", params={"enforced_after": "2024-13-01"}).status_code == 422
    assert http.get("/v1/laws/999AC0000000999/amendments").status_code == 404
    assert http.get("/v1/laws/405AC0000000047/amendments", params={"limit": "21"}).status_code == 422
