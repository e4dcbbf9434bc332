"""A lossless, immutable element tree: every tag, attribute and text node of an e-Gov document.

The same shape as the e-Gov 法令API v2 ``law_full_text`` JSON (``{"tag", "attr", "children"}``), so the
structured full text we serve is exactly what e-Gov itself would return.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, TypeAlias

#: Elements whose text is an annotation of the base text (ruby readings): left out of plain text.
_SKIP_IN_PLAIN_TEXT = frozenset({"Rt"})


@dataclass(frozen=True, slots=True)
class Element:
    """One XML element.

    Attributes:
        tag: the element name, e.g. ``Article``.
        attrs: attributes in document order (read-only mapping).
        children: child elements and text nodes in document order.
    """

    tag: str
    attrs: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    children: tuple[Element | str, ...] = ()

    def child(self, tag: str) -> Element | None:
        """The first child element with ``tag``, or None."""
        for c in self.children:
            if isinstance(c, Element) and c.tag == tag:
                return c
        return None

    def elements(self, tag: str | None = None) -> Iterator[Element]:
        """Child elements (optionally only those named ``tag``)."""
        for c in self.children:
            if isinstance(c, Element) and (tag is None or c.tag == tag):
                yield c

    def iter(self, tag: str | None = None) -> Iterator[Element]:
        """This element and all descendants in document order (optionally filtered by tag)."""
        stack: list[Element] = [self]
        while stack:
            el = stack.pop()
            if tag is None or el.tag == tag:
                yield el
            stack.extend(reversed([c for c in el.children if isinstance(c, Element)]))

    def text(self) -> str:
        """Plain text of the subtree: Ruby base text, Sup, Sub and Line text kept; ruby readings dropped."""
        parts: list[str] = []
        _collect_text(self, parts)
        return "".join(parts)

    def to_json(self) -> dict[str, Any]:
        """The e-Gov v2 ``law_full_text`` form: ``{"tag", "attr", "children"}``."""
        return {
            "tag": self.tag,
            "attr": dict(self.attrs),
            "children": [c.to_json() if isinstance(c, Element) else c for c in self.children],
        }


#: A child of an element: an element or a text node.
Node: TypeAlias = "Element | str"


def _collect_text(el: Element, parts: list[str]) -> None:
    for c in el.children:
        if isinstance(c, str):
            parts.append(c)
        elif c.tag not in _SKIP_IN_PLAIN_TEXT:
            _collect_text(c, parts)
