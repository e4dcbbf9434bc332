"""The real v2 payloads, and the ones the tests build from real law XML, against e-Gov's OpenAPI schemas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fakes import egov_payloads
from fakes.openapi_schema import load_component_schemas, observed, schema_for
from jsonschema import Draft202012Validator, FormatChecker  # type: ignore[import-untyped]  # no stubs installed

EXAMPLES = {
    "laws.json": "laws_response",
    "law_revisions.json": "law_revisions_response",
    "law_data.json": "law_data_response",
    "keyword.json": "keyword_response",
}

# Each violation of the strict schema by the official examples: (file, JSON path, validator keyword).
KNOWN_DEVIATIONS = {
    ("laws.json", "$.laws[0].revision_info.amendment_enforcement_comment", "type"),
    ("laws.json", "$.laws[0].revision_info.amendment_scheduled_enforcement_date", "type"),
    ("laws.json", "$.laws[0].revision_info.amendment_law_title_kana", "type"),
    ("laws.json", "$.laws[0].current_revision_info.amendment_enforcement_comment", "type"),
    ("laws.json", "$.laws[0].current_revision_info.amendment_scheduled_enforcement_date", "type"),
    ("laws.json", "$.laws[0].current_revision_info.amendment_law_title_kana", "type"),
    ("laws.json", "$.laws[0].current_revision_info.repeal_status", "type"),
    ("laws.json", "$.laws[0].current_revision_info.repeal_status", "enum"),
    ("law_revisions.json", "$.revisions[0].abbrev", "type"),
    ("law_revisions.json", "$.revisions[0].amendment_enforcement_comment", "type"),
    ("law_revisions.json", "$.revisions[0].amendment_scheduled_enforcement_date", "type"),
    ("law_revisions.json", "$.revisions[0].amendment_law_title_kana", "type"),
    ("law_data.json", "$.law_info.law_num_year", "type"),
    ("law_data.json", "$.revision_info.amendment_enforcement_comment", "type"),
    ("law_data.json", "$.revision_info.amendment_scheduled_enforcement_date", "type"),
    ("law_data.json", "$.revision_info.amendment_law_id", "type"),
    ("law_data.json", "$.revision_info.amendment_law_title", "type"),
    ("law_data.json", "$.revision_info.amendment_law_num", "type"),
    ("keyword.json", "$", "required"),
    ("keyword.json", "$.items[0].revision_info.abbrev", "type"),
    ("keyword.json", "$.items[0].revision_info.amendment_enforcement_comment", "type"),
    ("keyword.json", "$.items[0].revision_info.amendment_scheduled_enforcement_date", "type"),
    ("keyword.json", "$.items[0].revision_info.amendment_law_title_kana", "type"),
}


@pytest.fixture(scope="module")
def defs(shared: Path) -> dict[str, Any]:
    spec = shared.parent / "reference" / "egov-lawapi-v2.yaml"
    if not spec.is_file():
        pytest.skip("e-Gov OpenAPI document not available")
    return load_component_schemas(spec)


def _validator(defs: dict[str, Any], name: str) -> Draft202012Validator:
    schema = schema_for(defs, name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def test_nullable_is_converted(defs: dict[str, Any]) -> None:
    revision = defs["$defs"]["revision_info"]["properties"]
    assert revision["repeal_date"]["type"] == ["string", "null"]
    assert revision["remain_in_force"]["type"] == ["boolean", "null"]
    assert defs["$defs"]["laws_response"]["properties"]["next_offset"]["type"] == ["integer", "null"]


def test_official_examples_break_the_strict_schema_only_where_known(shared: Path, defs: dict[str, Any]) -> None:
    found = set()
    for file, schema in EXAMPLES.items():
        data = json.loads((shared / "egov_api/v2" / file).read_text(encoding="utf-8"))
        for error in _validator(defs, schema).iter_errors(data):
            found.add((file, error.json_path, str(error.validator)))
    assert found == KNOWN_DEVIATIONS


@pytest.mark.parametrize(("file", "schema"), EXAMPLES.items())
def test_official_examples_validate_against_the_observed_schema(
    shared: Path, defs: dict[str, Any], file: str, schema: str
) -> None:
    data = json.loads((shared / "egov_api/v2" / file).read_text(encoding="utf-8"))
    errors = [e.message for e in _validator(observed(defs), schema).iter_errors(data)]
    assert errors == []


@pytest.mark.parametrize(
    ("file", "schema"),
    [
        ("law-search-normal.json", "laws_response"),
        ("law-search-empty.json", "laws_response"),
        ("law-search-page.json", "laws_response"),
        ("law-content-normal.json", "keyword_response"),
        ("law-content-empty.json", "keyword_response"),
    ],
)
def test_shape_examples_validate(shared: Path, defs: dict[str, Any], file: str, schema: str) -> None:
    data = json.loads((shared / "egov_api/shape_examples/lawv2" / file).read_text(encoding="utf-8"))
    assert [e.message for e in _validator(observed(defs), schema).iter_errors(data)] == []


@pytest.mark.parametrize(
    ("file", "schema"),
    [("law-search-structural-error.json", "laws_response"), ("law-content-structural-error.json", "keyword_response")],
)
def test_structural_error_examples_are_caught_by_the_schema(
    shared: Path, defs: dict[str, Any], file: str, schema: str
) -> None:
    data = json.loads((shared / "egov_api/shape_examples/lawv2" / file).read_text(encoding="utf-8"))
    assert list(_validator(defs, schema).iter_errors(data))


def test_built_law_revisions_validate(shared: Path, defs: dict[str, Any]) -> None:
    validator = _validator(observed(defs), "law_revisions_response")
    for law_dir in sorted((shared / "laws/revisions").iterdir()):
        data = egov_payloads.law_revisions_response(law_dir)
        assert [e.message for e in validator.iter_errors(data)] == [], law_dir.name
        assert len(data["revisions"]) == len(egov_payloads.revision_dirs(law_dir))


@pytest.mark.parametrize("full_text_format", ["json", "xml"])
def test_built_law_data_validates(shared: Path, defs: dict[str, Any], full_text_format: str) -> None:
    validator = _validator(observed(defs), "law_data_response")
    revisions = [p.parent for p in (shared / "laws/revisions").glob("*/*/*.json")]
    assert revisions
    for revision_dir in revisions:
        data = egov_payloads.law_data_response(revision_dir, law_full_text_format=full_text_format)
        assert [e.message for e in validator.iter_errors(data)] == [], revision_dir.name
