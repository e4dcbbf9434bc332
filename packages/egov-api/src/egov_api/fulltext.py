"""A revision's full text: the stored lossless tree as bytes, and its plain-text rendering."""

from __future__ import annotations

import orjson
from sqlalchemy.ext.asyncio import AsyncConnection

from egov_core.domain import Element
from egov_core.rendering import render_plain_text
from egov_core.store.history import revision_tree


async def tree_bytes(conn: AsyncConnection, revision_pk: int) -> bytes:
    """The stored e-Gov v2 ``law_full_text`` JSON of a revision, as bytes (never re-serialised)."""
    return await revision_tree(conn, revision_pk)


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


def plain_text(tree: bytes) -> str:
    """Labelled plain text of a whole law from its stored tree."""
    return render_plain_text(_element(orjson.loads(tree)))
