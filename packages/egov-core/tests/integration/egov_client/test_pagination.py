"""Following ``next_offset`` over every page: /laws built from the real revision laws, /keyword from examples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fakes import egov_payloads
from fakes.fake_egov import FakeEgov

from egov_core.egov_client import EgovClient
from egov_core.errors import EgovApiUnexpectedContentError

pytestmark = pytest.mark.integration


def _law_items(shared: Path) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for law_dir in sorted((shared / "laws/revisions").iterdir()):
        newest = egov_payloads.revision_dirs(law_dir)[-1]
        xml = newest / f"{newest.name}.xml"
        items.append({"law_info": egov_payloads.law_info(xml), "revision_info": egov_payloads.revision_info(xml)})
    return items


async def test_iter_laws_follows_next_offset(fake_egov: FakeEgov, shared: Path) -> None:
    items = _law_items(shared)
    pages = egov_payloads.laws_pages(items, limit=4)
    assert len(pages) == 3
    for offset, page in zip((0, 4, 8), pages, strict=True):
        fake_egov.add_json("/api/2/laws", page, query={"offset": str(offset)})
    async with EgovClient(fake_egov.settings()) as client:
        seen = [page async for page in client.v2.iter_laws(law_type=["Act", "CabinetOrder", "Rule"], limit=4)]
    assert [p.count for p in seen] == [4, 4, 3]
    ids = [item.law_info.law_id for page in seen for item in page.laws]
    assert ids == sorted(p.name for p in (shared / "laws/revisions").iterdir())
    assert [r.query["offset"] for r in fake_egov.requests] == ["0", "4", "8"]
    assert all(r.query["limit"] == "4" and r.query["law_type"] == "Act,CabinetOrder,Rule" for r in fake_egov.requests)


async def test_iter_keyword_follows_next_offset(fake_egov: FakeEgov, shared: Path) -> None:
    first = json.loads((shared / "egov_api/shape_examples/lawv2/law-content-normal.json").read_text("utf-8"))
    last = json.loads((shared / "egov_api/shape_examples/lawv2/law-content-empty.json").read_text("utf-8"))
    fake_egov.add_json("/api/2/keyword", first, query={"offset": "0"})
    fake_egov.add_json("/api/2/keyword", last, query={"offset": "2"})
    async with EgovClient(fake_egov.settings()) as client:
        pages = [page async for page in client.v2.iter_keyword("自治", limit=2)]
    assert [p.next_offset for p in pages] == [2, None]
    assert pages[0].items[0].sentences[0].text == "地方<mark>自治</mark>に関する第一の一致。"


async def test_a_next_offset_that_does_not_advance_stops_the_loop(fake_egov: FakeEgov, shared: Path) -> None:
    page = json.loads((shared / "egov_api/shape_examples/lawv2/law-search-normal.json").read_text("utf-8"))
    fake_egov.add_json("/api/2/laws", page)  # next_offset 1, whatever offset is asked: a server bug
    async with EgovClient(fake_egov.settings()) as client:
        with pytest.raises(EgovApiUnexpectedContentError, match="does not advance"):
            _ = [p async for p in client.v2.iter_laws(offset=1)]
    assert fake_egov.served("/api/2/laws") == 1
