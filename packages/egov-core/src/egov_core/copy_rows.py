"""The COPY text layout of a law revision's rows, shared by the import's parser workers and the store.

Workers (:mod:`egov_core.ingest._prepare`) encode rows in PostgreSQL's COPY text format; the store
(:mod:`egov_core.store.ingest_writes`) streams them into their tables. Both need the same column order
and the same placeholder for the revision's database id, which is only known once the revision row is
inserted. This module is pure (no database code), so worker processes stay light.
"""

from __future__ import annotations

__all__ = [
    "DEFINITION_COLUMNS",
    "PROVISION_COLUMNS",
    "REVISION_ID_MARK",
    "UNIT_COLUMNS",
    "copy_field",
    "copy_line",
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
