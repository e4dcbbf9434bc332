"""The contract of ``/api/2``: e-Gov's official OpenAPI document (../shared/reference/egov-lawapi-v2.yaml),
its component schemas as JSON Schema, relaxed by exactly the choices the README lists under
"Use egov as a local e-Gov API" (:data:`RELAXATIONS`), nothing else.
"""

from __future__ import annotations

import copy
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from egov_api_testsupport import shared_data_dir
from fakes.openapi_schema import load_component_schemas, schema_for
from jsonschema import Draft202012Validator

#: Schemas whose every field may be null: e-Gov answers null for fields it lacks (the recorded answers
#: show null for abbrev, amendment_* …, although the spec marks only repeal_date / remain_in_force
#: nullable), and so does egov for what its store does not know (readings and categories of laws from
#: the 2020 bulk files, amending laws not in the store).
NULLABLE_SCHEMAS = ("law_info", "revision_info", "attached_file")
#: Each relaxation of the official spec, as the README words it.
RELAXATIONS = (
    "every field of law_info, revision_info and attached_file may be null",
    "keyword_response does not require count (the spec requires a count it does not define; e-Gov sends none)",
    "current_revision_info of a /laws item may be null",
)

#: Response schema of each /api/2 operation (path prefix -> component).
SCHEMA_OF = {
    "/api/2/laws": "laws_response",
    "/api/2/law_revisions/": "law_revisions_response",
    "/api/2/law_data/": "law_data_response",
    "/api/2/keyword": "keyword_response",
}


def spec_path() -> Path:
    """The official e-Gov v2 OpenAPI document."""
    return shared_data_dir().parent / "reference" / "egov-lawapi-v2.yaml"


def relaxed_openapi(spec: dict[str, Any]) -> dict[str, Any]:
    """The official OpenAPI document with :data:`RELAXATIONS` applied (OpenAPI 3.0 ``nullable``), nothing else:
    the contract of this test suite and of ``nox -s schemathesis_compat``."""
    out = copy.deepcopy(spec)
    schemas = out["components"]["schemas"]
    for name in NULLABLE_SCHEMAS:
        for field, schema in list(schemas[name]["properties"].items()):
            # A $ref / allOf cannot carry nullable beside it in 3.0: wrap it in an allOf that can.
            has_type = "type" in schema and "allOf" not in schema and "$ref" not in schema
            schemas[name]["properties"][field] = (
                {**schema, "nullable": True} if has_type else {"nullable": True, "allOf": [schema]}
            )
    schemas["keyword_response"].pop("required", None)
    item = schemas["laws_response"]["properties"]["laws"]["items"]["properties"]
    item["current_revision_info"] = {**item["current_revision_info"], "nullable": True}
    return out


def relaxed_defs() -> dict[str, Any]:
    """The relaxed component schemas as JSON Schema."""
    spec = yaml.safe_load(spec_path().read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "spec.yaml"
        path.write_text(yaml.safe_dump(relaxed_openapi(spec), allow_unicode=True), encoding="utf-8")
        return load_component_schemas(path)


@dataclass
class ContractValidator:
    """Validates /api/2 JSON answers against the relaxed official schemas."""

    defs: dict[str, Any]

    def schema_name(self, path: str) -> str:
        """The response component of the operation at ``path``."""
        if path.startswith("/api/2/") and "error" not in path:
            for prefix, name in SCHEMA_OF.items():
                if path == prefix or (prefix.endswith("/") and path.startswith(prefix)):
                    return name
        raise KeyError(path)

    def errors(self, path: str, body: Any, *, status: int = 200) -> list[str]:
        """Schema violations of an answer (an ``error_info`` for statuses other than 200)."""
        name = self.schema_name(path) if status == 200 else "error_info"
        validator = Draft202012Validator(schema_for(self.defs, name))
        return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)]

    def check(self, path: str, body: Any, *, status: int = 200) -> None:
        """Assert the answer conforms."""
        problems = self.errors(path, body, status=status)
        assert not problems, problems[:5]


def load_contract() -> ContractValidator:
    """The validator."""
    return ContractValidator(relaxed_defs())
