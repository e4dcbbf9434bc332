"""The COPY layout of a law revision's rows, shared by the import's parser workers and the store.

Workers (:mod:`egov_core.ingest._prepare`) encode rows for PostgreSQL's COPY; the store
(:mod:`egov_core.store.ingest_writes`) streams them into their tables. Both need the same column order
and a way to fill in the revision's database id, which is only known once the revision row is inserted.
Provisions and definitions use the text format with a placeholder; search units use the binary format
(their tokens arrive as binary ``tsvector``, which PostgreSQL reads without parsing or sorting), each
row without its leading revision id, which :func:`binary_copy` puts in front. This module is pure (no
database code), so worker processes stay light.
"""

from __future__ import annotations

import struct

__all__ = [
    "DEFINITION_COLUMNS",
    "PROVISION_COLUMNS",
    "REVISION_ID_MARK",
    "UNIT_COLUMNS",
    "binary_copy",
    "copy_field",
    "copy_line",
    "unit_row",
]

#: NUL never occurs in PostgreSQL text, so it is a safe placeholder for the revision id.
REVISION_ID_MARK = b"\x00"

#: Columns of ``provisions`` in the order a row lists them.
PROVISION_COLUMNS = (
    "revision_id",
    "path",
    "parent_path",
    "kind",
    "num",
    "title",
    "caption",
    "text",
    "position",
    "depth",
)
#: Columns of ``definitions`` in the order a row lists them.
DEFINITION_COLUMNS = ("revision_id", "seq", "term", "meaning", "path", "kind", "scope", "scope_path", "scope_note")
#: Columns of ``search_units`` in the order a row lists them.
UNIT_COLUMNS = (
    "revision_id",
    "law_id",
    "law_type",
    "category",
    "path",
    "seq",
    "in_suppl",
    "caption",
    "title",
    "text",
    "tokens",
)


def copy_field(value: object) -> str:
    """One value in COPY text format (``\\N`` for None, ``t``/``f`` for booleans, escapes as needed)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    s = str(value)
    # str.translate with a dict is slow on non-ASCII text; plain replaces run in C and are usually no-ops.
    if "\\" in s:
        s = s.replace("\\", "\\\\")
    if "\t" in s or "\n" in s or "\r" in s or "\x00" in s:
        s = s.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r").replace("\x00", "")
    return s


def copy_line(values: tuple[object, ...]) -> str:
    """One row: the revision id placeholder, then ``values``, tab-separated, newline-terminated."""
    return "\x00\t" + "\t".join(copy_field(v) for v in values) + "\n"


# COPY binary: signature, flags (no OIDs), header extension length; the trailer is a field count of -1.
_BINARY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
_BINARY_TRAILER = b"\xff\xff"
_NULL = b"\xff\xff\xff\xff"
_INT2 = struct.Struct(">ih")
_TRUE, _FALSE = b"\x00\x00\x00\x01\x01", b"\x00\x00\x00\x01\x00"


def _binary_text(value: str | None) -> bytes:
    if value is None:
        return _NULL
    # As in the text format (copy_field): PostgreSQL text cannot hold NUL.
    if "\x00" in value:
        value = value.replace("\x00", "")
    data = value.encode()
    return len(data).to_bytes(4, "big") + data


def unit_row(
    law_id: str,
    law_type: str | None,
    category: str | None,
    path: str,
    seq: int,
    in_suppl: bool,
    caption: str | None,
    title: str | None,
    text: str,
    tokens: bytes,
) -> bytes:
    """One ``search_units`` row in COPY binary format, without its leading revision id (see :func:`binary_copy`).

    Args:
        tokens: the binary ``tsvector`` (:func:`egov_core.ingest._tsvector.tsvector_binary`).
    """
    return b"".join(
        (
            _binary_text(law_id),
            _binary_text(law_type),
            _binary_text(category),
            _binary_text(path),
            _INT2.pack(2, seq),
            _TRUE if in_suppl else _FALSE,
            _binary_text(caption),
            _binary_text(title),
            _binary_text(text),
            len(tokens).to_bytes(4, "big"),
            tokens,
        )
    )


def binary_copy(rows: tuple[bytes, ...], columns: int, revision_id: int) -> bytes:
    """A COPY binary stream of ``rows`` (from :func:`unit_row`), each led by ``revision_id`` as ``bigint``.

    Args:
        rows: rows without their first column.
        columns: the number of columns including the revision id.
        revision_id: the revision's database id.
    """
    lead = struct.pack(">hiq", columns, 8, revision_id)
    return _BINARY_HEADER + lead + lead.join(rows) + _BINARY_TRAILER
