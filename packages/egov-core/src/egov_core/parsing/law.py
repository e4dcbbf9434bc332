"""``bytes -> Law``: e-Gov 法令XML (2020 bulk and API-v2-era formats) and the v2 JSON forms.

Pure: no network, database or settings. The lxml tree lives only while it is converted to the immutable
:class:`~egov_core.domain.Element` tree; provisions are then read from that tree, so XML and JSON of one
revision share one code path and give equal results.
"""

from __future__ import annotations

import base64
import binascii
import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType
from typing import Any

from egov_core.domain import Element, Law
from egov_core.errors import LawParseError
from egov_core.parsing._json import json_tree, load_json
from egov_core.parsing._metadata import build_metadata, build_revision, resolve_ids
from egov_core.parsing._provisions import extract_provisions
from egov_core.parsing._xml import parse_xml_tree

#: Default size cap: the biggest e-Gov law (租税特別措置法) is ~12 MB of XML.
MAX_BYTES = 64 * 1024 * 1024

_NONE: Mapping[str, Any] = MappingProxyType({})


@contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic GC while a tree is built.

    A law is hundreds of thousands of acyclic objects; collections triggered by their allocation find nothing
    and cost ~30 % of parse time. The previous state is restored (another thread may briefly run without
    cyclic GC; reference counting still frees everything).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _embedded_xml(full_text: str, source: str | None) -> bytes:
    """The XML of a response whose ``law_full_text`` is a string: Base64 (as e-Gov sends it) or raw XML."""
    if full_text.lstrip().startswith("<"):
        return full_text.encode("utf-8")
    try:
        return base64.b64decode(full_text, validate=True)
    except (binascii.Error, ValueError):
        raise LawParseError("law_full_text is a string but neither Base64 nor XML", source=source) from None


def _check_size(data: bytes, max_bytes: int, source: str | None) -> None:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise LawParseError(f"expected bytes, got {type(data).__name__}", source=source)
    if len(data) > max_bytes:
        raise LawParseError(f"document of {len(data)} bytes exceeds the {max_bytes}-byte limit", source=source)
    if not data or (bytes(data[: 1 << 16]).isspace() and bytes(data).isspace()):
        raise LawParseError("empty document", source=source)


def _assemble(
    root: Element,
    fmt: str,
    *,
    source: str | None,
    law_id: str | None,
    law_revision_id: str | None,
    law_info: Mapping[str, Any] = _NONE,
    revision_info: Mapping[str, Any] = _NONE,
) -> Law:
    lid, rev = resolve_ids(
        root,
        source=source,
        law_id=law_id,
        law_revision_id=law_revision_id,
        law_info=law_info,
        revision_info=revision_info,
    )
    try:
        metadata = build_metadata(root, lid, law_info, revision_info)
    except LawParseError as exc:
        raise LawParseError(exc.reason, source=source, element_path=exc.element_path) from None
    return Law(
        metadata=metadata,
        revision=build_revision(root, rev, revision_info),
        root=root,
        provisions=extract_provisions(root),
        source_format=fmt,
    )


def parse_law_xml(
    data: bytes,
    *,
    source: str | None = None,
    law_id: str | None = None,
    law_revision_id: str | None = None,
    max_bytes: int = MAX_BYTES,
) -> Law:
    """Parse e-Gov 法令標準XML (root ``<Law>``).

    Args:
        data: the document, UTF-8.
        source: a label for errors (file name); its stem also supplies a missing law_id / law_revision_id.
        law_id: the law's id, required when the document carries none (2020 bulk files: pass the file stem).
        law_revision_id: the revision id, if known (else from the ``source`` stem when it has that shape).
        max_bytes: refuse larger documents.

    Raises:
        LawParseError: too big, not UTF-8, DOCTYPE/entities, not well-formed, unknown root, no law_id.
    """
    _check_size(data, max_bytes, source)
    with _no_gc():
        root = parse_xml_tree(bytes(data), source)
        return _assemble(root, "xml", source=source, law_id=law_id, law_revision_id=law_revision_id)


def parse_law_json(
    data: bytes | Mapping[str, Any],
    *,
    source: str | None = None,
    law_id: str | None = None,
    law_revision_id: str | None = None,
    max_bytes: int = MAX_BYTES,
) -> Law:
    """Parse a v2 ``law_full_text`` tree or a whole v2 ``/law_data`` response (bytes or decoded JSON).

    A response's ``law_info`` / ``revision_info`` supply law_id, law_revision_id, kana, abbreviation,
    category and dates the tree lacks. Its ``law_full_text`` may be the tree or Base64 text of XML.

    Raises:
        LawParseError: not JSON, an unknown document shape, a malformed tree node, bad Base64, no law_id.
    """
    if isinstance(data, Mapping):
        doc: Any = data
    else:
        _check_size(data, max_bytes, source)
        doc = load_json(bytes(data), source)
    if not isinstance(doc, dict):
        raise LawParseError(f"expected a JSON object, got {type(doc).__name__}", source=source)
    if "tag" in doc:
        with _no_gc():
            root = json_tree(doc, source)
            return _assemble(root, "json", source=source, law_id=law_id, law_revision_id=law_revision_id)
    if "law_full_text" not in doc:
        raise LawParseError(
            "unknown JSON document: neither a law_full_text tree nor a /law_data response", source=source
        )
    raw_law_info, raw_revision_info = doc.get("law_info"), doc.get("revision_info")
    law_info: Mapping[str, Any] = raw_law_info if isinstance(raw_law_info, dict) else _NONE
    revision_info: Mapping[str, Any] = raw_revision_info if isinstance(raw_revision_info, dict) else _NONE
    full_text = doc["law_full_text"]
    xml = _embedded_xml(full_text, source) if isinstance(full_text, str) else None
    if xml is not None:
        _check_size(xml, max_bytes, source)
    with _no_gc():
        if xml is not None:
            root, fmt = parse_xml_tree(xml, source), "xml"
        else:
            root, fmt = json_tree(full_text, source), "json"
        return _assemble(
            root,
            fmt,
            source=source,
            law_id=law_id,
            law_revision_id=law_revision_id,
            law_info=law_info,
            revision_info=revision_info,
        )


def parse_law(
    data: bytes,
    *,
    source: str | None = None,
    law_id: str | None = None,
    law_revision_id: str | None = None,
    max_bytes: int = MAX_BYTES,
) -> Law:
    """Parse a law from bytes, detecting the format: 法令XML, a v2 ``law_full_text`` JSON tree, or a v2
    ``/law_data`` response.

    law_id comes from, in order: the ``law_id`` argument, the ``LawId`` attribute, the response's
    ``law_info``, the law_revision_id's prefix, the ``source`` file stem if it is a law id. law_revision_id:
    the argument, the response's ``revision_info``, the ``source`` stem if it has the
    ``{law_id}_{YYYYMMDD}_{amending law_id}`` shape; else None.

    Args:
        data: the document bytes (UTF-8).
        source: a label for errors, usually the file name.
        law_id: the law's id when the document carries none.
        law_revision_id: the revision id when known.
        max_bytes: refuse documents larger than this (default 64 MiB).

    Raises:
        LawParseError: anything unreadable; the message names ``source`` and, where known, the element path.
    """
    _check_size(data, max_bytes, source)
    head = bytes(data[:64]).removeprefix(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"<"):
        return parse_law_xml(data, source=source, law_id=law_id, law_revision_id=law_revision_id, max_bytes=max_bytes)
    if head.startswith((b"{", b"[")):
        return parse_law_json(data, source=source, law_id=law_id, law_revision_id=law_revision_id, max_bytes=max_bytes)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
        raise LawParseError("UTF-16/32 text: only UTF-8 is accepted", source=source)
    raise LawParseError("neither XML nor JSON", source=source)
