"""Reading the e-Gov 法令API v2 JSON forms into the lossless :class:`Element` tree.

Two shapes are accepted: a bare ``law_full_text`` tree (``{"tag", "attr", "children"}``, as stored beside
the XML in laws/revisions) and a whole ``/law_data`` response (``law_info``, ``revision_info``,
``law_full_text``), whose ``law_full_text`` may be the tree itself or Base64 text of XML (what e-Gov sends
when ``law_full_text_format`` differs from ``response_format``).

e-Gov writes an empty ``attr`` as ``""`` and may leave ``children`` out; both read as empty. Text nodes follow
the same white-space rule as XML (see ``_xml``), so XML and JSON of one revision give equal trees.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import orjson

from egov_core.domain import Element
from egov_core.errors import LawParseError
from egov_core.parsing._xml import AttrCache, keep_text

#: Far deeper than any law (real documents stay under 30 levels); bounds recursion on hostile input.
MAX_DEPTH = 200

_EMPTY: MappingProxyType[str, str] = MappingProxyType({})


class _ShapeError(Exception):
    """A node that is not ``{"tag", "attr", "children"}``; collects the element path while unwinding."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.segments: list[str] = []


def load_json(data: bytes, source: str | None) -> Any:
    """Decode JSON bytes (UTF-8 only).

    Raises:
        LawParseError: not valid UTF-8 JSON.
    """
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise LawParseError(f"not valid UTF-8 JSON: {exc}", source=source) from None


def json_tree(node: Any, source: str | None) -> Element:
    """Convert a ``law_full_text`` tree into an :class:`Element` rooted at ``Law``.

    Raises:
        LawParseError: a node of the wrong shape (with its element path), or a root other than ``Law``.
    """
    try:
        root = _convert(node, 0, {})
    except _ShapeError as exc:
        root_tag = node.get("tag") if isinstance(node, dict) else None
        exc.segments.append(root_tag if isinstance(root_tag, str) and root_tag else "*")
        path = "/" + "/".join(reversed(exc.segments))
        raise LawParseError(exc.message, source=source, element_path=path) from None
    if root.tag != "Law":
        raise LawParseError(f"unknown root element <{root.tag}>, expected <Law>", source=source, element_path="/")
    return root


def _attrs(raw: Any, cache: AttrCache) -> Mapping[str, str]:
    if raw is None or raw == "" or raw == {}:
        return _EMPTY
    if not isinstance(raw, dict):
        raise _ShapeError(f"'attr' must be an object, not {type(raw).__name__}")
    key = tuple(raw.items())
    for name, value in key:  # before hashing: a list value would not even hash
        if not isinstance(value, str):
            raise _ShapeError(f"attribute {name!r} must be a string, not {type(value).__name__}")
    found = cache.get(key)
    if found is None:
        found = cache[key] = MappingProxyType(dict(raw))
    return found


def _convert(node: Any, depth: int, cache: AttrCache) -> Element:
    # Errors are raised without a path; each enclosing level adds the segment of its failing child.
    if not isinstance(node, dict):
        raise _ShapeError(f"expected an element object, got {type(node).__name__}")
    tag = node.get("tag")
    if not isinstance(tag, str) or not tag:
        raise _ShapeError("element without a 'tag' string")
    if depth > MAX_DEPTH:
        raise _ShapeError(f"elements nested deeper than {MAX_DEPTH} levels")
    attrs = _attrs(node.get("attr"), cache)
    raw_children = node.get("children")
    if raw_children is None:
        raw_children = []
    elif not isinstance(raw_children, list):
        raise _ShapeError(f"'children' must be a list, not {type(raw_children).__name__}")
    children: list[Element | str] = []
    for i, child in enumerate(raw_children):
        if isinstance(child, str):
            if keep_text(child, tag):
                children.append(child)
            continue
        try:
            children.append(_convert(child, depth + 1, cache))
        except _ShapeError as exc:
            exc.segments.append(_segment(raw_children, i))
            raise
    return Element(tag, attrs, tuple(children))


def _segment(siblings: list[Any], i: int) -> str:
    """``Tag`` or ``Tag[n]`` (n-th same-tag sibling, XPath style) for the child at ``i``; ``*[i]`` if tagless."""
    node = siblings[i]
    tag = node.get("tag") if isinstance(node, dict) else None
    if not isinstance(tag, str) or not tag:
        return f"*[{i + 1}]"
    n = sum(1 for s in siblings[: i + 1] if isinstance(s, dict) and s.get("tag") == tag)
    return f"{tag}[{n}]" if n > 1 else tag
