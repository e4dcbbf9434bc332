"""Encoding e-Gov 法令API answers: JSON or XML (``response_format`` / ``Accept``), the law text as JSON tree
or XML, and the Base64 rule for a text whose format differs from the answer's."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any, Literal
from xml.sax.saxutils import escape, quoteattr

import orjson
from fastapi import Request
from starlette.responses import Response

Format = Literal["json", "xml"]

JSON_TYPE = "application/json"
XML_TYPE = "application/xml"

#: The element name e-Gov gives each item of these lists in XML answers (its published examples).
ITEM_NAMES: dict[str, str] = {
    "laws": "law",
    "revisions": "revision",
    "items": "item",
    "sentences": "sentence",
    "attached_files": "attached_file",
}


def answer_format(request: Request, response_format: str | None) -> Format:
    """``response_format`` if given, else what ``Accept`` prefers of JSON and XML, else JSON (as e-Gov does)."""
    if response_format in ("json", "xml"):
        return response_format  # type: ignore[return-value]  # narrowed by the membership test
    accept = request.headers.get("accept", "")
    if "xml" in accept and "json" not in accept:
        return "xml"
    if "xml" in accept and "json" in accept:
        return "xml" if accept.find("xml") < accept.find("json") else "json"
    return "json"


def _scalar(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return escape(str(value))


def _xml(name: str, value: Any, out: list[str]) -> None:
    if value is None:
        out.append(f"<{name}/>")
    elif isinstance(value, RawXml):
        out.append(f"<{name}>{value.xml}</{name}>")
    elif isinstance(value, dict):
        out.append(f"<{name}>")
        for key, item in value.items():
            _xml(key, item, out)
        out.append(f"</{name}>")
    elif isinstance(value, list):
        out.append(f"<{name}>")
        item_name = ITEM_NAMES.get(name, "item")
        for item in value:
            _xml(item_name, item, out)
        out.append(f"</{name}>")
    else:
        out.append(f"<{name}>{_scalar(value)}</{name}>")


class RawXml:
    """XML text placed into an XML answer as is (the law text when both formats are XML)."""

    __slots__ = ("xml",)

    def __init__(self, xml: str) -> None:
        self.xml = xml


class RawJson:
    """JSON bytes placed into a JSON answer as is (the stored law tree, never re-serialised)."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data


def to_xml(root: str, body: dict[str, Any]) -> bytes:
    """An XML document ``<root>…</root>`` from an answer dict (null -> empty element, lists -> item elements)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n']
    _xml(root, body, out)
    return "".join(out).encode()


def _json_parts(value: Any) -> Iterator[bytes]:
    if isinstance(value, RawJson):
        yield value.data
    elif isinstance(value, dict) and any(isinstance(v, RawJson) for v in value.values()):
        yield b"{"
        for i, (key, item) in enumerate(value.items()):
            yield (b"," if i else b"") + orjson.dumps(key) + b":"
            yield from _json_parts(item)
        yield b"}"
    else:
        yield orjson.dumps(value)


def to_json(body: dict[str, Any]) -> bytes:
    """JSON bytes of an answer dict (stored law trees spliced in as they are)."""
    return b"".join(_json_parts(body))


def answer(root: str, body: dict[str, Any], fmt: Format, *, status: int = 200) -> Response:
    """The answer in the format asked for."""
    if fmt == "xml":
        return Response(to_xml(root, body), status_code=status, media_type=XML_TYPE)
    return Response(to_json(body), status_code=status, media_type=JSON_TYPE)


# --- the law text ----------------------------------------------------------------------------------------


def tree_xml(node: Any) -> str:
    """XML text of an e-Gov v2 ``law_full_text`` JSON node ({"tag", "attr", "children"} or a string)."""
    out: list[str] = []
    _tree_xml(node, out)
    return "".join(out)


def _tree_xml(node: Any, out: list[str]) -> None:
    if isinstance(node, str):
        out.append(escape(node))
        return
    tag = node["tag"]
    attrs = node.get("attr") or {}
    head = tag + "".join(f" {k}={quoteattr(str(v))}" for k, v in attrs.items()) if isinstance(attrs, dict) else tag
    children = node.get("children") or []
    if not children:
        out.append(f"<{head}/>")
        return
    out.append(f"<{head}>")
    for child in children:
        _tree_xml(child, out)
    out.append(f"</{tag}>")


def full_text_value(node: Any, node_json: bytes | None, text_format: Format, fmt: Format) -> Any:
    """The ``law_full_text`` value: the tree (JSON answer, JSON text), inline XML (XML answer, XML text), or
    Base64 of the text in its own format when the two formats differ, as e-Gov specifies."""
    if text_format == "json":
        data = node_json if node_json is not None else orjson.dumps(node)
        return RawJson(data) if fmt == "json" else base64.b64encode(data).decode("ascii")
    xml = tree_xml(node)
    return RawXml(xml) if fmt == "xml" else base64.b64encode(xml.encode()).decode("ascii")
