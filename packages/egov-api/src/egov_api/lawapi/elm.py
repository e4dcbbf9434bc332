"""e-Gov's ``elm`` over a stored law tree: pick the element ``MainProvision-Article_709`` names.

Each ``-``-separated segment is an element name with an optional ``_Num`` (the ``Num`` attribute, 枝番 as
``12_2``) and an optional ``[k]`` (the k-th such element, 1-based). A segment matches the nearest
descendants of that name, so the containers in between (編・章・節 …) need not be named, as on e-Gov:
``MainProvision-Article_709`` finds 民法第七百九条 inside 第三編第五章. Text quoted by an amending
provision (``AmendProvision``) is not this law's own and is never searched.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterator
from typing import Any

import orjson

from egov_api.lawapi.errors import LawApiError
from egov_core.errors import InvalidProvisionPathError
from egov_core.paths import PathSegment, parse_path

#: Longest ``elm`` accepted (the deepest real paths are well under 200 characters).
MAX_ELM = 300
_OPAQUE = frozenset({"AmendProvision"})


class TreeCache:
    """Stored trees, raw and parsed, kept for the next request on the same law (e-Gov clients read a law
    article by article; fetching and parsing 民法's 1.4 MB tree costs ~50-100 ms). Keyed by the revision's
    key and import time, so a re-imported text is never served stale. Bounded by count and stored size;
    callers must not mutate a tree they get."""

    def __init__(self, max_trees: int = 8, max_bytes: int = 24 * 1024 * 1024) -> None:
        self._trees: OrderedDict[Hashable, tuple[bytes, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._bytes = 0
        self.max_trees = max_trees
        self.max_bytes = max_bytes

    def get(self, key: Hashable) -> tuple[bytes, Any] | None:
        """``(raw, tree)`` if kept."""
        with self._lock:
            found = self._trees.get(key)
            if found is not None:
                self._trees.move_to_end(key)
            return found

    def put(self, key: Hashable, raw: bytes) -> Any:
        """Parse ``raw``, keep it (unless larger than half the budget) and return the tree."""
        tree = orjson.loads(raw)
        if len(raw) > self.max_bytes // 2:
            return tree
        with self._lock:
            if key not in self._trees:
                self._trees[key] = (raw, tree)
                self._bytes += len(raw)
            while len(self._trees) > self.max_trees or self._bytes > self.max_bytes:
                _, (old, _) = self._trees.popitem(last=False)
                self._bytes -= len(old)
        return tree


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


def fig_sources(tree: dict[str, Any], raw: bytes | None = None) -> list[str]:
    """``src`` of every ``<Fig>`` in document order, each once (e-Gov's attached files). With the tree's
    stored bytes, a law without any figure (most of them) is answered without walking the tree."""
    if raw is not None and b'"Fig"' not in raw:
        return []
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
