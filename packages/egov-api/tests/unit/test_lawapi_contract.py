"""The /api/2 contract itself: e-Gov's spec, relaxed only as the README lists, still catches type errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from egov_api_testsupport import shared_data_dir
from lawapi_contract import RELAXATIONS, load_contract, spec_path

pytestmark = pytest.mark.skipif(not spec_path().is_file(), reason="shared reference spec not found")


def recorded(name: str) -> dict[str, object]:
    data: dict[str, object] = json.loads((shared_data_dir() / "egov_api" / "v2" / f"{name}.json").read_text("utf-8"))
    return data


def test_the_recorded_answers_break_the_spec_only_where_the_issue_says() -> None:
    contract = load_contract()
    assert contract.errors("/api/2/law_revisions/x", recorded("law_revisions")) == []
    assert contract.errors("/api/2/keyword", recorded("keyword")) == []
    laws = contract.errors("/api/2/laws", recorded("laws"))
    assert len(laws) == 1
    assert laws[0].startswith("laws/0/current_revision_info")  # "repeal_status": false
    law_data = contract.errors("/api/2/law_data/x", recorded("law_data"))
    assert len(law_data) == 1
    assert law_data[0].startswith("law_info/law_num_year: '11' is not")  # a string, the spec says integer


def test_nulls_pass_wrong_types_do_not() -> None:
    contract = load_contract()
    body = recorded("law_revisions")
    revision = body["revisions"][0]  # type: ignore[index]
    revision["law_title"] = None
    revision["category"] = None
    assert contract.errors("/api/2/law_revisions/x", body) == []
    revision["mission"] = "Old"
    assert contract.errors("/api/2/law_revisions/x", body)
    revision["mission"] = "New"
    body["law_info"]["law_num_year"] = "3"  # type: ignore[index]
    assert contract.errors("/api/2/law_revisions/x", body)


def test_every_relaxation_is_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[4] / "README.md").read_text("utf-8")
    for relaxation in RELAXATIONS:
        assert relaxation in readme, relaxation
