"""The fake e-Gov itself, as later sync and API tests will use it: whole revision trees and mounted payloads."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fakes.fake_egov import FakeEgov

from egov_core.egov_client import EgovClient
from egov_core.errors import EgovApiNotFoundError

pytestmark = pytest.mark.integration


async def test_serve_revisions_answers_every_revision_of_every_law(fake_egov: FakeEgov, shared: Path) -> None:
    root = shared / "laws/revisions"
    served = fake_egov.serve_revisions(root, law_ids=["419M60400000005", "505CO0000000222", "346CO0000000264"])
    assert served == ["346CO0000000264", "419M60400000005", "505CO0000000222"]
    async with EgovClient(fake_egov.settings()) as client:
        laws = await client.v2.laws()
        assert [item.law_info.law_id for item in laws.laws] == served
        for law_id in served:
            revisions = await client.v2.law_revisions(law_id)
            ids = [r.law_revision_id or "" for r in revisions.revisions]
            assert sorted(ids) == sorted(p.name for p in (root / law_id).iterdir())
            for revision_id in ids:
                data = await client.v2.law_data(revision_id, law_full_text_format="xml")
                xml_file = root / law_id / revision_id / f"{revision_id}.xml"
                assert data.law_full_text_xml == xml_file.read_bytes()
            current = await client.v2.law_data(law_id, law_full_text_format="xml")
            assert current.revision_info is not None
            assert current.revision_info.current_revision_status == "CurrentEnforced"
        tree = await client.v2.law_data("505CO0000000222")
        assert tree.full_text_format == "json"
        with pytest.raises(EgovApiNotFoundError):
            await client.v2.law_revisions("129AC0000000089")  # not served


async def test_a_newer_answer_registered_later_wins(fake_egov: FakeEgov, shared: Path) -> None:
    fake_egov.serve_revisions(shared / "laws/revisions", law_ids=["505CO0000000222"])
    async with EgovClient(fake_egov.settings()) as client:
        before = await client.v2.law_revisions("505CO0000000222")
        newer = before.model_dump(mode="json")
        newer["revisions"] = newer["revisions"][1:]
        fake_egov.add_json("/api/2/law_revisions/505CO0000000222", newer)
        after = await client.v2.law_revisions("505CO0000000222")
    assert len(before.revisions) == 2
    assert len(after.revisions) == 1


async def test_mounted_directory_of_recorded_payloads(fake_egov: FakeEgov, shared: Path, tmp_path: Path) -> None:
    shutil.copy(shared / "egov_api/v2/law_revisions.json", tmp_path / "503AC0000000036.json")
    fake_egov.mount("/api/2/law_revisions", tmp_path)
    async with EgovClient(fake_egov.settings()) as client:
        revisions = await client.v2.law_revisions("503AC0000000036")
        with pytest.raises(EgovApiNotFoundError):
            await client.v2.law_revisions("505CO0000000222")
    assert revisions.law_info.law_num == "令和三年法律第三十六号"
