"""Read v2 answers (JSON, or the XML envelope of ``response_format=xml``) into the response models."""

from __future__ import annotations

import base64
import binascii
from typing import Any, TypeVar

import orjson
from lxml import etree
from pydantic import BaseModel, ValidationError

from egov_core.egov_client._xml import parse_xml, text_of
from egov_core.egov_client.models import LawData, LawDataResponse
from egov_core.errors import EgovApiUnexpectedContentError

M = TypeVar("M", bound=BaseModel)

# Wrapped arrays of the XML form (``xml: wrapped: true`` in the OpenAPI document) and integer leaves.
_LIST_TAGS = frozenset({"laws", "revisions", "items", "sentences", "attached_files"})
_INT_TAGS = frozenset({"total_count", "count", "next_offset", "sentence_count"})


def _element_to_data(element: etree._Element, endpoint: str) -> Any:
    tag = element.tag
    if tag in _LIST_TAGS:
        return [_element_to_data(child, endpoint) for child in element]
    if tag == "law_full_text":
        children = list(element)
        # An embedded <Law> document (XML in XML), or the Base64 text of the other format.
        return children[0] if children else text_of(element)
    if tag == "text":
        # A hit's text with its highlight tags. e-Gov says they come escaped in XML, but its own published
        # example has a raw <span>: take the inner XML either way, so XML and JSON give the same string.
        inner = (element.text or "") + "".join(etree.tostring(c, encoding="unicode") for c in element)
        return inner.strip() or None
    if len(element) == 0:
        text = text_of(element)
        if tag in _INT_TAGS and text is not None:
            try:
                return int(text)
            except ValueError as exc:
                raise EgovApiUnexpectedContentError(f"{endpoint}: <{tag}> is not an integer: {text!r}") from exc
        return text
    return {child.tag: _element_to_data(child, endpoint) for child in element}


def load_payload(body: bytes, content_type: str, *, endpoint: str, root_tag: str) -> dict[str, Any]:
    """The answer as a dict, from JSON or from the XML envelope ``<root_tag>``."""
    if "xml" in content_type:
        root = parse_xml(body, endpoint=endpoint)
        if root.tag != root_tag:
            raise EgovApiUnexpectedContentError(f"{endpoint}: expected <{root_tag}>, got <{root.tag}>")
        data = _element_to_data(root, endpoint)
    else:
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise EgovApiUnexpectedContentError(f"{endpoint}: not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise EgovApiUnexpectedContentError(f"{endpoint}: expected a JSON object")
    return data


def validate(model: type[M], data: dict[str, Any], *, endpoint: str) -> M:
    """Validate ``data`` against a response model, turning a mismatch into an unexpected-content error."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise EgovApiUnexpectedContentError(f"{endpoint}: answer does not match {model.__name__}: {exc}") from exc


def _decode_base64(text: str, endpoint: str) -> bytes:
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise EgovApiUnexpectedContentError(f"{endpoint}: law_full_text is not valid Base64") from exc


def law_data_from_payload(data: dict[str, Any], *, endpoint: str) -> LawData:
    """Build :class:`LawData`, decoding ``law_full_text`` whatever form it came in.

    JSON tree (dict) and embedded ``<Law>`` element are used as they are; a string is Base64 of XML or of
    JSON (e-Gov encodes it when ``law_full_text_format`` differs from ``response_format``), told apart by
    its first character.
    """
    full_text = data.pop("law_full_text", None)
    envelope = validate(LawDataResponse, data, endpoint=endpoint)
    as_json: dict[str, Any] | None = None
    as_xml: bytes | None = None
    if isinstance(full_text, etree._Element):
        as_xml = etree.tostring(full_text, encoding="utf-8", xml_declaration=True)
    elif isinstance(full_text, dict):
        as_json = full_text
    elif isinstance(full_text, str):
        decoded = _decode_base64(full_text, endpoint)
        head = decoded.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        if head == b"<":
            parse_xml(decoded, endpoint=endpoint)  # well-formed and DOCTYPE-free, or refused now
            as_xml = decoded
        elif head == b"{":
            try:
                loaded = orjson.loads(decoded)
            except orjson.JSONDecodeError as exc:
                raise EgovApiUnexpectedContentError(f"{endpoint}: Base64 law_full_text is not JSON") from exc
            if not isinstance(loaded, dict):
                raise EgovApiUnexpectedContentError(f"{endpoint}: Base64 law_full_text is not a JSON object")
            as_json = loaded
        else:
            raise EgovApiUnexpectedContentError(f"{endpoint}: Base64 law_full_text is neither XML nor JSON")
    else:
        raise EgovApiUnexpectedContentError(f"{endpoint}: law_full_text missing or of an unknown kind")
    if as_json is not None and not isinstance(as_json.get("tag"), str):
        raise EgovApiUnexpectedContentError(f"{endpoint}: law_full_text JSON has no tag")
    return LawData(
        law_info=envelope.law_info,
        revision_info=envelope.revision_info,
        attached_files_info=envelope.attached_files_info,
        full_text_format="json" if as_json is not None else "xml",
        law_full_text_json=as_json,
        law_full_text_xml=as_xml,
    )
