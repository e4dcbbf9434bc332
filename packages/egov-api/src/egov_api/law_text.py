"""A revision's full text as labelled plain text, rendered from its stored tree (``egov_core.store.revision_tree``)."""

from __future__ import annotations

import orjson

from egov_core.domain import Element
from egov_core.rendering import RubyMode, render_plain_text


def _element(node: dict[str, object]) -> Element:
    children = node.get("children") or []
    assert isinstance(children, list)
    attrs = node.get("attr") or {}
    assert isinstance(attrs, dict)
    return Element(
        tag=str(node["tag"]),
        attrs={str(k): str(v) for k, v in attrs.items()},
        children=tuple(c if isinstance(c, str) else _element(c) for c in children),
    )


def plain_text(tree: bytes, *, ruby: RubyMode = "omit") -> str:
    """Labelled plain text of a whole law from its stored tree (ruby readings omitted or inline)."""
    return render_plain_text(_element(orjson.loads(tree)), ruby=ruby)
