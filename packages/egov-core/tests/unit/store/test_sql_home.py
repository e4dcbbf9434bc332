"""SQL for core tables has one home, egov_core.store: a module elsewhere that writes SQL naming a core table
fails this test. What is still outside is listed below by name, so the list can only shrink (a listed
module that no longer writes such SQL fails the test too, until it is taken off the list)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGES = Path(__file__).resolve().parents[4]
SOURCES = sorted(PACKAGES.glob("*/src/**/*.py"))

#: Core's tables (egov_core/store/tables.py and later migrations).
CORE_TABLES = "laws|law_revisions|provisions|search_units|cases|case_law_refs|meta|import_runs|api_keys|definitions"
SQL = re.compile(rf"\b(SELECT|INSERT\s+INTO|UPDATE|DELETE\s+FROM|COPY|JOIN|FROM)\s+[\s\S]*?\b({CORE_TABLES})\b", re.I)
STATEMENT = re.compile(
    r"^\s*(WITH|SELECT|INSERT|UPDATE|DELETE|COPY|ALTER|CREATE|DROP|LOCK|ANALYZE|VACUUM|JOIN)\b", re.I
)

#: Where SQL for core tables may live.
HOMES = ("egov-core/src/egov_core/store/",)

#: Still outside the store: nothing (a module added here would be debt with its own follow-up).
NOT_YET_MOVED: set[str] = set()


def _writes_core_sql(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
        else:
            continue
        if STATEMENT.match(text) and SQL.search(text):
            return True
    return False


def _offenders() -> set[str]:
    found = set()
    for path in SOURCES:
        rel = path.relative_to(PACKAGES).as_posix()
        if rel.startswith(HOMES) or "/migrations/" in rel:
            continue
        if _writes_core_sql(path):
            found.add(rel)
    return found


def test_sources_are_found() -> None:
    assert any(p.as_posix().endswith("egov_core/store/laws.py") for p in SOURCES)
    assert _writes_core_sql(next(p for p in SOURCES if p.as_posix().endswith("egov_core/store/laws.py")))


def test_no_new_sql_outside_the_store() -> None:
    new = _offenders() - NOT_YET_MOVED
    assert not new, f"SQL for core tables outside egov_core.store: {sorted(new)} (add a repository function there)"


def test_the_list_of_modules_still_outside_only_shrinks() -> None:
    moved = NOT_YET_MOVED - _offenders()
    assert not moved, f"no longer writing core SQL, take them off NOT_YET_MOVED: {sorted(moved)}"
