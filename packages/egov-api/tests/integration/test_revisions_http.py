"""Revisions and point-in-time reads over real HTTP: the 11 multi-revision laws of ``laws/revisions``.

The oracle is the raw e-Gov XML of each revision, parsed independently here, and the SCHEMA.md rule: the
revision in force on a date is the one with the latest enforcement date not after it (ties: the greatest
law_revision_id). For every enforcement date of every law, a paragraph whose text differs from the revision in
force the day before is read at ``asof=<date>`` and ``asof=<date - 1 day>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote

import httpx
import pytest
from egov_api_testsupport import shared_data_dir

from egov_core.parsing import parse_law

FUTURE = "359AC0000000086_20280613_505AC0000000053"  # UnEnforced: comes into force 2028-06-13


@dataclass(frozen=True)
class Rev:
    """One revision file: its id, enforcement date and paragraph texts by path."""

    law_id: str
    law_revision_id: str
    enforced: date
    paragraphs: dict[str, str]
    all_text: str


def _load(root: Path) -> dict[str, list[Rev]]:
    laws: dict[str, list[Rev]] = {}
    for xml in sorted(root.glob("*/*/*.xml")):
        law = parse_law(xml.read_bytes(), source=xml.name)
        assert law.revision.enforcement_date is not None
        texts = {p.path: p.text for p in law.provisions if p.kind.value == "Paragraph" and p.text}
        everything = "\n".join(p.text or "" for p in law.provisions) + "\n".join(
            f"{p.title or ''}{p.caption or ''}" for p in law.provisions
        )
        rev = Rev(xml.parent.parent.name, xml.parent.name, law.revision.enforcement_date, texts, everything)
        laws.setdefault(rev.law_id, []).append(rev)
    return laws


@pytest.fixture(scope="module")
def revisions() -> dict[str, list[Rev]]:
    """Every revision of ``laws/revisions``, parsed from its XML, by law."""
    root = shared_data_dir() / "laws" / "revisions"
    if not root.is_dir():
        pytest.skip(f"shared data not found at {root} (set EGOV_SHARED_DATA)")
    return _load(root)


def in_force(revs: list[Rev], day: date) -> Rev | None:
    """The dated revision in force on ``day`` (SCHEMA.md), or None."""
    eligible = [r for r in revs if r.enforced <= day]
    return max(eligible, key=lambda r: (r.enforced, r.law_revision_id)) if eligible else None


def _today() -> date:
    # The store picks current revisions by the database's CURRENT_DATE; no revision here lies near today.
    return datetime.now(UTC).date()


def _immutable(response: httpx.Response) -> bool:
    cache_control = response.headers.get("cache-control", "")
    return "immutable" in cache_control or response.headers.get("x-egov-cache-kind") == "law-immutable"


def test_the_eleven_laws_are_there(revisions: dict[str, list[Rev]]) -> None:
    assert len(revisions) == 11
    assert sum(len(v) for v in revisions.values()) == 66


def test_asof_before_and_after_each_enforcement_date(http: httpx.Client, revisions: dict[str, list[Rev]]) -> None:
    checked = 0
    for law_id, revs in revisions.items():
        for day in sorted({r.enforced for r in revs}):
            now, before = in_force(revs, day), in_force(revs, day - timedelta(days=1))
            assert now is not None
            head = http.get(f"/v1/laws/{law_id}", params={"asof": day.isoformat()})
            assert head.status_code == 200, head.text
            assert head.json()["revision"]["law_revision_id"] == now.law_revision_id
            if before is None:
                continue
            changed = [p for p, t in now.paragraphs.items() if p in before.paragraphs and before.paragraphs[p] != t]
            if not changed:
                continue  # the amendment touched no paragraph both revisions have (only 附則 added, say)
            path = changed[0]
            for rev, asof in ((now, day), (before, day - timedelta(days=1))):
                r = http.get(f"/v1/laws/{law_id}/provisions/{path}", params={"asof": asof.isoformat()})
                assert r.status_code == 200, (law_id, path, asof, r.text)
                body = r.json()
                assert body["law_revision_id"] == rev.law_revision_id, (law_id, path, asof)
                assert body["text"] == rev.paragraphs[path], (law_id, path, asof)
                checked += 1
    # Most amendments change some paragraph's text: make sure this test really compared texts.
    assert checked >= 40


def test_asof_before_the_first_revision(http: httpx.Client, revisions: dict[str, list[Rev]]) -> None:
    for law_id, revs in revisions.items():
        day = min(r.enforced for r in revs) - timedelta(days=1)
        r = http.get(f"/v1/laws/{law_id}", params={"asof": day.isoformat()})
        undated = [i for i in http.get(f"/v1/laws/{law_id}/revisions").json()["items"] if i["enforcement_date"] is None]
        if undated:
            # SCHEMA.md: a 2020 bulk snapshot carries no date and counts as in force whenever nothing dated is.
            assert r.status_code == 200, r.text
            assert r.json()["revision"]["law_revision_id"] == undated[0]["law_revision_id"]
        else:
            assert r.status_code == 404, (law_id, r.text)
            assert r.headers["content-type"].startswith("application/problem+json")


def test_revision_pins_exact_revisions_with_immutable_urls(http: httpx.Client, revisions: dict[str, list[Rev]]) -> None:
    for law_id, revs in revisions.items():
        for rev in revs:
            r = http.get(f"/v1/laws/{law_id}", params={"revision": rev.law_revision_id})
            assert r.status_code == 200, r.text
            body = r.json()
            assert body["revision"]["law_revision_id"] == rev.law_revision_id
            assert body["revision"]["enforcement_date"] == rev.enforced.isoformat()
            assert body["revision"]["url"] == f"/v1/laws/{law_id}?revision={rev.law_revision_id}"
            assert _immutable(r)
            assert body["links"]["toc"] == f"/v1/laws/{law_id}/toc?revision={rev.law_revision_id}"
            path, text = next(iter(rev.paragraphs.items()))
            p = http.get(f"/v1/laws/{law_id}/provisions/{path}", params={"revision": rev.law_revision_id})
            assert p.status_code == 200, p.text
            assert p.json()["text"] == text
            assert _immutable(p)
            url = unquote(p.json()["url"])
            assert url == f"/v1/laws/{law_id}/provisions/{path}?revision={rev.law_revision_id}"
    current = http.get("/v1/laws/405AC0000000047")
    assert not _immutable(current)
    unknown = http.get("/v1/laws/405AC0000000047", params={"revision": "405AC0000000047_20990101_000000000000000"})
    assert unknown.status_code == 404


def test_future_revision_is_not_current(http: httpx.Client, revisions: dict[str, list[Rev]]) -> None:
    law_id = FUTURE.split("_")[0]
    today = _today()
    assert date(2028, 6, 13) > today
    current = http.get(f"/v1/laws/{law_id}").json()["revision"]
    assert current["law_revision_id"] == "359AC0000000086_20150801_000000000000000"
    assert current["is_current"] is True
    listed = http.get(f"/v1/laws/{law_id}/revisions").json()["items"]
    future = next(i for i in listed if i["law_revision_id"] == FUTURE)
    assert future["is_current"] is False
    assert future["status"] == "UnEnforced"
    assert http.get(f"/v1/laws/{law_id}", params={"asof": "2028-06-12"}).json()["revision"]["law_revision_id"] != FUTURE
    assert http.get(f"/v1/laws/{law_id}", params={"asof": "2028-06-13"}).json()["revision"]["law_revision_id"] == FUTURE


def test_revisions_newest_first_with_exactly_one_current(http: httpx.Client, revisions: dict[str, list[Rev]]) -> None:
    today = _today()
    for law_id, revs in revisions.items():
        r = http.get(f"/v1/laws/{law_id}/revisions")
        assert r.status_code == 200, r.text
        items = r.json()["items"]
        dated = [i for i in items if i["enforcement_date"] is not None]
        # Every revision file is listed (the 2020 bulk snapshot of some of these laws comes on top, undated).
        assert {i["law_revision_id"] for i in dated} == {rev.law_revision_id for rev in revs}
        keys = [(i["enforcement_date"], i["law_revision_id"]) for i in dated]
        assert keys == sorted(keys, reverse=True), law_id
        assert items[: len(dated)] == dated  # undated revisions rank below every dated one
        assert [i["is_current"] for i in items].count(True) == 1, law_id
        expected = in_force(revs, today)
        assert expected is not None
        assert next(i for i in items if i["is_current"])["law_revision_id"] == expected.law_revision_id


def _old_only_phrase(old: Rev, current: Rev) -> tuple[str, str]:
    """(path, 8 kanji/kana) of a paragraph of ``old`` whose phrase appears nowhere in ``current``."""
    everything = current.all_text
    for path, text in old.paragraphs.items():
        for match in re.finditer(r"[\u3040-\u30ff\u4e00-\u9fff]{8}", text):
            if match.group() not in everything:
                return path, match.group()
    raise AssertionError(f"no phrase of {old.law_revision_id} is missing from {current.law_revision_id}")


def test_search_asof_finds_text_of_the_old_revision(http: httpx.Client, revisions: dict[str, list[Rev]]) -> None:
    law_id = "405AC0000000047"
    revs = revisions[law_id]
    old = min(revs, key=lambda r: (r.enforced, r.law_revision_id))
    now = in_force(revs, _today())
    assert now is not None
    path, phrase = _old_only_phrase(old, now)
    params: dict[str, str | int] = {"q": phrase, "law_id": law_id, "limit": 100}
    then = http.get("/v1/search", params={**params, "asof": old.enforced.isoformat()})
    assert then.status_code == 200, then.text
    hits = then.json()["items"]
    assert any(path.startswith(h["path"]) for h in hits), (phrase, path, hits)
    today = http.get("/v1/search", params=params)
    assert today.status_code == 200, today.text
    assert today.json()["items"] == []


def test_search_asof_hits_link_to_their_revision(http: httpx.Client, revisions: dict[str, list[Rev]]) -> None:
    law_id = "405AC0000000047"
    revs = revisions[law_id]
    old = min(revs, key=lambda r: (r.enforced, r.law_revision_id))
    now = in_force(revs, _today())
    assert now is not None
    _, phrase = _old_only_phrase(old, now)
    hits = http.get("/v1/search", params={"q": phrase, "law_id": law_id, "asof": old.enforced.isoformat()}).json()
    assert hits["items"]
    for hit in hits["items"]:
        assert hit["url"].endswith(f"?asof={old.enforced.isoformat()}")
        followed = http.get(hit["url"])
        assert followed.status_code == 200, followed.text
        assert followed.json()["law_revision_id"] == old.law_revision_id
