"""e-Gov's ``elm`` over a stored law tree: pick the element ``MainProvision-Article_709`` names.

Each ``-``-separated segment is an element name with an optional ``_Num`` (the ``Num`` attribute, 枝番 as
``12_2``) and an optional ``[k]`` (the k-th such element, 1-based). A segment matches the nearest
descendants of that name, so the containers in between (編・章・節 …) need not be named, as on e-Gov:
``MainProvision-Article_709`` finds 民法第七百九条 inside 第三編第五章. Text quoted by an amending
provision (``AmendProvision``) is not this law's own and is never searched.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from egov_api.lawapi.errors import LawApiError
from egov_core.errors import InvalidProvisionPathError
from egov_core.paths import PathSegment, parse_path

#: Longest ``elm`` accepted (the deepest real paths are well under 200 characters).
MAX_ELM = 300
_OPAQUE = frozenset({"AmendProvision"})


def _matches(node: dict[str, Any], tag: str) -> Iterator[dict[str, Any]]:
    """Nearest descendants of ``node`` named ``tag``, in document order (iterative: trees are deep)."""
    stack: list[Any] = list(reversed(node.get("children") or []))
    while stack:
        child = stack.pop()
        if not isinstance(child, dict):
            continue
        if child.get("tag") == tag:
            yield child
        elif child.get("tag") not in _OPAQUE:
            stack.extend(reversed(child.get("children") or []))


def _num_of(node: dict[str, Any]) -> str | None:
    attrs = node.get("attr")
    return str(attrs.get("Num")) if isinstance(attrs, dict) and "Num" in attrs else None


def _step(node: dict[str, Any], seg: PathSegment) -> dict[str, Any] | None:
    found = 0
    for match in _matches(node, seg.tag):
        if seg.num is not None and _num_of(match) != seg.num:
            continue
        found += 1
        if found == (seg.index or 1):
            return match
    return None


def select(tree: dict[str, Any], elm: str) -> dict[str, Any]:
    """The element of ``tree`` (a ``<Law>`` node) that ``elm`` names.

    Raises:
        LawApiError: 400003 for malformed ``elm``, 404002 when nothing matches.
    """
    if len(elm) > MAX_ELM:
        raise LawApiError("400003", f"elm: at most {MAX_ELM} characters")
    try:
        segments = parse_path(elm)
    except InvalidProvisionPathError as exc:
        raise LawApiError("400003", exc.message) from None
    node: dict[str, Any] | None = tree
    for seg in segments:
        assert node is not None
        node = _step(node, seg)
        if node is None:
            raise LawApiError("404002", f"elm {elm!r}: no {seg}")
    assert node is not None
    return node


def without_amendment_suppl(tree: dict[str, Any]) -> dict[str, Any]:
    """The tree without the 附則 of amending laws (``SupplProvision`` carrying ``AmendLawNum``)."""

    def keep(child: Any) -> bool:
        if not isinstance(child, dict) or child.get("tag") != "SupplProvision":
            return True
        attrs = child.get("attr")
        return not (isinstance(attrs, dict) and attrs.get("AmendLawNum"))

    def walk(node: dict[str, Any]) -> dict[str, Any]:
        children = node.get("children") or []
        if node.get("tag") in ("Law", "LawBody"):
            return {**node, "children": [walk(c) if isinstance(c, dict) else c for c in children if keep(c)]}
        return node

    return walk(tree)


def fig_sources(tree: dict[str, Any]) -> list[str]:
    """``src`` of every ``<Fig>`` in document order, each once (e-Gov's attached files)."""
    seen: dict[str, None] = {}
    stack: list[Any] = [tree]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        attrs = node.get("attr")
        if node.get("tag") == "Fig" and isinstance(attrs, dict) and attrs.get("src"):
            seen.setdefault(str(attrs["src"]), None)
        stack.extend(reversed(node.get("children") or []))
    return list(seen)
