"""Every error code has a problem type: the registry is walked against every error class and every raise site.

Two ways in: (1) every :class:`EgovError` subclass in the three packages (all modules imported), and (2)
every literal code at a raise or answer site in their source — ``code = "…"`` on a class,
``ParameterError(…, code="…")``, ``problem_response("…")``, ``send_problem(…, "…")`` — read with ``ast``,
so a code used only in a string is caught too. The e-Gov-compatible surface has its own table (e-Gov's
numeric codes in ``error_info``), checked the same way.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

import egov_api
import egov_core
from egov_api.lawapi.errors import CODES as LAWAPI_CODES
from egov_api.lawapi.errors import LawApiError
from egov_api.problems import PROBLEM_TYPES
from egov_core.errors import EgovError


def _packages() -> list[ModuleType]:
    found: list[ModuleType] = [egov_core, egov_api]
    try:
        import egov_vector
    except ImportError:  # Lite: the Full edition's package is not installed
        pass
    else:
        found.append(egov_vector)
    return found


def _import_everything() -> None:
    for package in _packages():
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if ".migrations." in info.name or info.name.endswith("__main__"):
                continue
            importlib.import_module(info.name)


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_error_class_has_a_problem_type() -> None:
    _import_everything()
    classes = [c for c in _subclasses(EgovError) if not issubclass(c, LawApiError)]
    assert len(classes) > 30
    missing = sorted(f"{c.__module__}.{c.__name__}: {c.code}" for c in classes if c.code not in PROBLEM_TYPES)
    assert not missing, missing


def _literal(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _sites(tree: ast.AST) -> Iterator[tuple[str, str, int]]:
    """(table, code, line) for each literal code in one module: table is "problem" or "lawapi"."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for stmt in node.body:
                if (
                    isinstance(stmt, ast.Assign)
                    and any(isinstance(t, ast.Name) and t.id == "code" for t in stmt.targets)
                    and (code := _literal(stmt.value)) is not None
                ):
                    yield "problem", code, stmt.lineno
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        # data_root(code=...) writes e-Gov v1's Result Code (0 / 1), not a problem code.
        for keyword in [] if name == "data_root" else node.keywords:
            if keyword.arg == "code" and (code := _literal(keyword.value)) is not None:
                yield "problem", code, node.lineno
        positional = {"problem_response": 0, "send_problem": 3, "error_response": 1, "LawApiError": 0}
        at = positional.get(name, -1)
        if 0 <= at < len(node.args) and (code := _literal(node.args[at])) is not None:
            yield ("lawapi" if name in ("error_response", "LawApiError") else "problem"), code, node.lineno


def test_every_raise_site_names_a_registered_code() -> None:
    tables = {"problem": PROBLEM_TYPES, "lawapi": LAWAPI_CODES}
    seen: set[str] = set()
    missing: list[str] = []
    for package in _packages():
        for path in Path(package.__path__[0]).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for table, code, line in _sites(ast.parse(path.read_text(encoding="utf-8"))):
                seen.add(code)
                if code not in tables[table]:
                    missing.append(f"{path.name}:{line}: {code} ({table})")
    assert not missing, missing
    # The walk found the sites it is meant to find (a broken walk would pass vacuously).
    assert {"invalid-input", "rate-limited", "work-budget-exceeded", "law-not-found", "400002"} <= seen


@pytest.mark.parametrize("code", sorted(PROBLEM_TYPES))
def test_every_problem_type_is_well_formed(code: str) -> None:
    status, title = PROBLEM_TYPES[code]
    assert 400 <= status <= 599
    assert title
    assert code == code.lower()
    assert " " not in code
