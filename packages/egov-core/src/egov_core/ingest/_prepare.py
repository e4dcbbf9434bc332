"""Worker side of the law import: bytes -> parsed law -> rows ready for COPY (runs in worker processes).

Everything CPU-bound happens here (parsing, rendering, tokens, the tree's JSON) so the parent only
writes. Rows are produced for PostgreSQL's COPY; the revision's database id is not known yet, so text
rows start with :data:`~egov_core.copy_rows.REVISION_ID_MARK`, replaced by the parent once it has the id,
and the search units' binary rows leave it out (:func:`~egov_core.copy_rows.binary_copy` adds it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

import orjson

from egov_core.copy_rows import copy_line, unit_row
from egov_core.definitions import Definition, extract_definitions
from egov_core.domain import Element, Law
from egov_core.errors import EgovError
from egov_core.ingest._tsvector import tsvector_binary
from egov_core.ingest.units import search_units
from egov_core.ingest.version import PARSER_VERSION, checksum_of

__all__ = [
    "Failed",
    "PreparedRevision",
    "Unchanged",
    "checksum_of",
    "definitions_copy",
    "prepare_law",
    "tree_json",
]


@dataclass(frozen=True, slots=True)
class Unchanged:
    """The source's checksum is already stored: nothing to do."""

    name: str
    size: int
    checksum: str


@dataclass(frozen=True, slots=True)
class Failed:
    """The source could not be read or parsed."""

    name: str
    size: int
    reason: str


@dataclass(frozen=True, slots=True)
class PreparedRevision:
    """A parsed revision, ready to write in one transaction."""

    name: str
    size: int
    checksum: str
    law_id: str
    law_revision_id: str
    synthesized: bool
    enforcement_date: date | None
    revision_row: dict[str, object]
    law_row: dict[str, object]
    tree: bytes
    provision_count: int
    provisions_copy: bytes
    #: ``search_units`` rows in COPY binary format, without their revision id (:func:`~egov_core.copy_rows.unit_row`).
    units_binary: tuple[bytes, ...]
    definitions_copy: bytes = b""
    definition_count: int = 0
    parser_version: int = PARSER_VERSION


def _rows(law: Law, revision_law_id: str) -> tuple[bytes, tuple[bytes, ...]]:
    prov = "".join(
        copy_line((p.path, p.parent_path, p.kind.value, p.num, p.title, p.caption, p.text, p.position, p.depth))
        for p in law.provisions
    )
    meta = law.metadata
    units = tuple(
        unit_row(
            revision_law_id,
            meta.law_type,
            meta.category,
            u.path,
            u.seq,
            u.in_suppl,
            u.caption,
            u.title,
            u.text,
            tsvector_binary(u.text),
        )
        for u in search_units(law)
    )
    return prov.encode(), units


def definitions_copy(definitions: tuple[Definition, ...]) -> bytes:
    """COPY text rows of a revision's defined terms (the revision id left as :data:`~egov_core.copy_rows.REVISION_ID_MARK`)."""
    return "".join(
        copy_line((seq, d.term, d.meaning, d.path, d.kind, d.scope, d.scope_path, d.scope_note))
        for seq, d in enumerate(definitions)
    ).encode()


def build_revision(law: Law, *, name: str, size: int, checksum: str) -> PreparedRevision:
    """Turn a parsed law into the rows of one revision."""
    meta, rev = law.metadata, law.revision
    synthesized = rev.law_revision_id is None
    law_revision_id = rev.law_revision_id or f"{meta.law_id}_{checksum[:12]}"
    law_row: dict[str, object] = {
        "law_num": meta.law_num,
        "title": meta.title,
        "title_kana": meta.title_kana,
        "abbrev": meta.abbrev,
        "law_type": meta.law_type,
        "era": meta.era,
        "year": meta.year,
        "num": meta.num,
        "promulgation_date": meta.promulgation_date,
        "category": meta.category,
    }
    revision_row: dict[str, object] = {
        "enforcement_date": rev.enforcement_date,
        "amendment_law_id": rev.amendment_law_id,
        "status": rev.status,
        "source_format": law.source_format,
        "amendment_promulgate_date": rev.amendment_promulgate_date,
        "repeal_type": rev.repeal_type,
        "data_info": rev.data_info,
        "lang": rev.lang,
    }
    provisions_copy, units_binary = _rows(law, meta.law_id)
    definitions = extract_definitions(law)
    return PreparedRevision(
        name=name,
        size=size,
        checksum=checksum,
        law_id=meta.law_id,
        law_revision_id=law_revision_id,
        synthesized=synthesized,
        enforcement_date=rev.enforcement_date,
        revision_row=revision_row,
        law_row=law_row,
        tree=tree_json(law.root),
        provision_count=len(law.provisions),
        provisions_copy=provisions_copy,
        units_binary=units_binary,
        definitions_copy=definitions_copy(definitions),
        definition_count=len(definitions),
        parser_version=PARSER_VERSION,
    )


def tree_json(root: Element) -> bytes:
    """The e-Gov v2 ``law_full_text`` JSON of ``root`` (same bytes as ``orjson.dumps(root.to_json())``).

    orjson serialises the frozen dataclasses natively, several times faster than building dicts first;
    the field ``attrs`` is renamed to e-Gov's ``attr`` afterwards (inside strings the quote before it
    would be escaped, so only keys match).
    """
    return orjson.dumps(root, default=_mapping).replace(b'"attrs":', b'"attr":')


def _mapping(value: object) -> dict[str, str]:
    # Every element's attrs is a MappingProxyType: checked by type first, the ABC check costs more than the copy.
    if type(value) is MappingProxyType or isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def prepare_law(name: str, data: bytes, law_id: str | None, law_revision_id: str | None) -> PreparedRevision | Failed:
    """Parse and flatten one document. Never raises: failures come back as :class:`Failed`."""
    from egov_core.parsing import parse_law

    checksum = checksum_of(data)
    try:
        law = parse_law(data, source=name, law_id=law_id, law_revision_id=law_revision_id)
        return build_revision(law, name=name, size=len(data), checksum=checksum)
    except EgovError as error:
        return Failed(name, len(data), f"{type(error).__name__}: {error}")
    # A parser bug on one odd file must not end a run over a thousand others: report it like a bad file.
    except Exception as error:  # noqa: BLE001
        return Failed(name, len(data), f"unexpected {type(error).__name__}: {error}")
