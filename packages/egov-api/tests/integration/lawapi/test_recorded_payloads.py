"""Our answers beside e-Gov's recorded ones (../shared/data/egov_api/v2) for the laws the store holds.

Only 国旗及び国歌に関する法律 (411AC0000000127) of the recorded answers is in the shared corpus (the 2020
bulk file, which has no readings, categories, promulgation months or e-Gov revision ids). Every field the
store holds must carry e-Gov's value; the fields it cannot hold are listed here and in the README.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from egov_api_testsupport import shared_data_dir

pytestmark = pytest.mark.integration

#: Fields of the recorded law_data answer the 2020 bulk XML does not carry (null in our answer).
NOT_IN_BULK_XML = {
    "law_info": {"promulgation_date"},
    "revision_info": {
        "law_title_kana",
        "abbrev",
        "category",
        "amendment_promulgate_date",
        "amendment_enforcement_date",
        "amendment_law_title_kana",  # "" in the recording, null here: no amending law
    },
}
#: Fields ours fills differently: the bulk file names no revision (the id is synthesized from its checksum) and
#: ``updated`` is when this server imported it.
OURS_DIFFER = {("revision_info", "law_revision_id"), ("revision_info", "updated")}
#: Type choices of the README: e-Gov's recording sends law_num_year as a string, the spec an integer.
TYPE_CHOICES = {("law_info", "law_num_year")}


def recorded(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((shared_data_dir() / "egov_api" / "v2" / f"{name}.json").read_text("utf-8"))
    return data


def assert_prefix_tree(theirs: Any, ours: Any, where: str = "Law") -> None:
    """e-Gov's (possibly shortened) tree is a prefix of ours: same tags and texts in the same order, and the
    same attribute values wherever both carry the attribute."""
    if isinstance(theirs, str):
        assert ours == theirs, where
        return
    assert ours["tag"] == theirs["tag"], where
    their_attrs = theirs.get("attr") or {}
    our_attrs = ours.get("attr") or {}
    for key in set(their_attrs) & set(our_attrs):
        assert our_attrs[key] == their_attrs[key], f"{where}@{key}"
    their_children = theirs.get("children") or []
    our_children = ours.get("children") or []
    assert len(our_children) >= len(their_children), where
    for i, (t, o) in enumerate(zip(their_children, our_children, strict=False)):
        assert_prefix_tree(t, o, f"{where}/{i}")


async def test_law_data_matches_the_recorded_answer(api: httpx.AsyncClient) -> None:
    theirs = recorded("law_data")
    law_id = theirs["law_info"]["law_id"]
    ours = (await api.get(f"/api/2/law_data/{law_id}")).json()
    assert list(ours) == list(theirs)
    compared = 0
    for section in ("law_info", "revision_info"):
        assert list(ours[section]) == list(theirs[section]), section
        for field, value in theirs[section].items():
            if (section, field) in OURS_DIFFER:
                assert ours[section][field]
            elif field in NOT_IN_BULK_XML[section]:
                assert ours[section][field] is None, field
            elif (section, field) in TYPE_CHOICES:
                assert ours[section][field] == int(value)
            else:
                assert ours[section][field] == value, (section, field)
                compared += 1
    assert compared >= 15
    assert [f["src"] for f in ours["attached_files_info"]["attached_files"]] == [
        f["src"] for f in theirs["attached_files_info"]["attached_files"]
    ]
    assert ours["attached_files_info"]["image_data"] == theirs["attached_files_info"]["image_data"]
    assert_prefix_tree(theirs["law_full_text"], ours["law_full_text"])


async def test_answers_have_the_recorded_field_order(api: httpx.AsyncClient) -> None:
    for name, path in (("laws", "/api/2/laws"), ("keyword", "/api/2/keyword?keyword=国旗")):
        theirs = recorded(name)
        ours = (await api.get(path)).json()
        assert [k for k in ours if k in theirs] == list(theirs)
        key = "laws" if name == "laws" else "items"
        their_item, our_item = theirs[key][0], ours[key][0]
        assert list(our_item) == list(their_item)
        for section in ("law_info", "revision_info"):
            assert list(our_item[section]) == list(their_item[section])
    revisions = recorded("law_revisions")
    ours = (await api.get("/api/2/law_revisions/505AC0000000032")).json()
    assert list(ours) == list(revisions)
    assert list(ours["revisions"][0]) == list(revisions["revisions"][0])
