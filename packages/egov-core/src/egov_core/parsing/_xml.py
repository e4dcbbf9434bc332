"""Reading e-Gov 法令XML safely into the lossless :class:`Element` tree.

Security: entities are never resolved, nothing is fetched, no DTD is loaded, libxml2's size and depth limits
stay on (``huge_tree=False``), and any DOCTYPE is rejected before and after parsing: a law has no business
declaring one, and refusing it outright closes billion-laughs and XXE together.

White space: a text node made only of ASCII spaces, tabs and line breaks is indentation and is dropped when
it contains a line break or sits in a structural element (Law, Article, ParagraphSentence …; a few e-Gov
files are indented without line breaks). e-Gov's own v2 JSON has no such nodes, so XML and JSON trees agree.
Every other text node is kept exactly: any text with a visible character, ideographic spaces (U+3000), and a
blank inside a text-bearing element (Sentence, Ruby, Sup, Sub, Line, titles, captions, labels, numbers).
Comments and processing instructions are not part of the law and are dropped; text on either side of them is
joined. Entities other than the five predefined ones and character references cannot occur (no DTD).
"""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import Any, cast

from lxml import etree

from egov_core.domain import Element
from egov_core.errors import LawParseError

_EMPTY: MappingProxyType[str, str] = MappingProxyType({})
_DOCTYPE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_DECL_ENCODING = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_UTF8 = frozenset({"utf-8", "utf8"})


_TEXT_BEARING = frozenset(
    {"Sentence", "Ruby", "Rt", "Sup", "Sub", "Line", "QuoteStruct", "ArithFormula", "ArticleRange"}
)
_TEXT_BEARING_SUFFIXES = ("Title", "Caption", "Label", "Num")


def keep_blank(text: str, parent_tag: str) -> bool:
    """Whether a text node of only ASCII white space is content (kept) rather than indentation (dropped)."""
    return "\n" not in text and (parent_tag in _TEXT_BEARING or parent_tag.endswith(_TEXT_BEARING_SUFFIXES))


def keep_text(text: str, parent_tag: str) -> bool:
    """Whether a text node belongs in the tree (see the module docstring for the white-space rule)."""
    return bool(text.strip(" \t\r\n")) or keep_blank(text, parent_tag)


def _parser() -> etree.XMLParser:
    # A fresh parser per document: lxml parsers are not thread-safe.
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=False
    )


def check_encoding(data: bytes, source: str | None) -> None:
    """Reject anything but UTF-8: a declared other encoding, a UTF-16/32 BOM, or bytes that do not decode.

    Raises:
        LawParseError: the bytes are not UTF-8.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        raise LawParseError("UTF-16/32 byte order mark: only UTF-8 is accepted", source=source)
    m = _DECL_ENCODING.match(data[:512].removeprefix(b"\xef\xbb\xbf"))
    if m is not None and m[1].decode("ascii").lower() not in _UTF8:
        raise LawParseError(f"declared encoding {m[1].decode('ascii')}: only UTF-8 is accepted", source=source)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LawParseError(f"not valid UTF-8 at byte {exc.start}", source=source) from None


def reject_doctype(data: bytes, source: str | None) -> None:
    """Reject any DOCTYPE or ENTITY declaration in the raw bytes.

    Raises:
        LawParseError: the document declares a DOCTYPE or entities.
    """
    m = _DOCTYPE.search(data)
    if m is not None:
        raise LawParseError(
            f"DOCTYPE/ENTITY declarations are not allowed (byte {m.start()}): possible XXE or entity bomb",
            source=source,
        )


def _error_location(data: bytes) -> str | None:
    """Element path (``/Law/LawBody/MainProvision/Article[3]``) open at the point where parsing fails."""
    parser = etree.XMLPullParser(
        events=("start", "end"), resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    stack: list[str] = []
    counts: list[dict[str, int]] = [{}]
    try:
        for i in range(0, len(data), 1 << 16):
            parser.feed(data[i : i + (1 << 16)])
            for event, item in parser.read_events():
                el = cast("etree._Element", item)  # only element events were asked for
                if event == "start":
                    tag = str(el.tag)
                    n = counts[-1][tag] = counts[-1].get(tag, 0) + 1
                    stack.append(f"{tag}[{n}]" if n > 1 else tag)
                    counts.append({})
                else:
                    stack.pop()
                    counts.pop()
                    el.clear()
        parser.close()
    except etree.XMLSyntaxError:
        pass
    return "/" + "/".join(stack) if stack else None


def parse_xml_tree(data: bytes, source: str | None) -> Element:
    """Parse 法令XML bytes (already size-checked) into an :class:`Element` tree rooted at ``<Law>``.

    Raises:
        LawParseError: not UTF-8, a DOCTYPE, not well-formed XML, or a root other than ``Law``.
    """
    check_encoding(data, source)
    reject_doctype(data, source)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        where = _error_location(data)
        raise LawParseError(f"not well-formed XML: {exc.msg}", source=source, element_path=where) from None
    except (ValueError, etree.LxmlError) as exc:
        raise LawParseError(f"unreadable XML: {exc}", source=source) from None
    doc: Any = root.getroottree().docinfo
    if doc.doctype or doc.internalDTD is not None or doc.externalDTD is not None:
        raise LawParseError("DOCTYPE declarations are not allowed", source=source)
    if root.tag != "Law":
        raise LawParseError(f"unknown root element <{root.tag}>, expected <Law>", source=source, element_path="/")
    return _convert(root, root.tag, {})


#: Attribute mappings already built for this document, by their items: most elements repeat a handful of
#: attribute sets ({"WritingMode": "vertical"}, {"Hide": "false", "Num": "1", …}), so one immutable mapping per
#: distinct set saves a dict per element (time and memory).
AttrCache = dict[tuple[tuple[str, str], ...], MappingProxyType[str, str]]


def _convert(el: etree._Element, tag: str, cache: AttrCache) -> Element:
    """One lxml element (and its subtree) as an :class:`Element`, applying the white-space rule."""
    # Hot loop (1.5 M elements for the 2020 corpus): the white-space test is inlined on purpose.
    text = el.text
    items: list[tuple[str, str]] = el.items()  # type: ignore[assignment]  # no cast() call in the hot loop
    if items:
        key = tuple(items)
        attrs = cache.get(key)
        if attrs is None:
            attrs = cache[key] = MappingProxyType(dict(items))
    else:
        attrs = _EMPTY
    if not len(el):  # a leaf (most elements): no child list to build
        if text is None or not (text.strip(" \t\r\n") or ("\n" not in text and keep_blank(text, tag))):
            return Element(tag, attrs)
        return Element(tag, attrs, (text,))
    children: list[Element | str] = []
    if text is not None and (text.strip(" \t\r\n") or ("\n" not in text and keep_blank(text, tag))):
        children.append(text)
    for child in el:
        child_tag = child.tag
        if child_tag.__class__ is str:
            children.append(_convert(child, child_tag, cache))
        tail = child.tail
        if tail is not None and (tail.strip(" \t\r\n") or ("\n" not in tail and keep_blank(tail, tag))):
            if children and children[-1].__class__ is str:
                children[-1] += tail  # text either side of a dropped comment: one node
            else:
                children.append(tail)
    return Element(tag, attrs, tuple(children))
