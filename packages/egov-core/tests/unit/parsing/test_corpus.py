"""The whole shared corpus: every file parses, provision counts match an independent XPath count, paths are
unique, and each revision's XML and JSON give the same law."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import cast

import orjson
import pytest
from lxml import etree

from egov_core.domain import ProvisionKind
from egov_core.parsing import parse_law
from egov_core.paths import format_path, parse_path

_COUNTED = {
    "Article": ProvisionKind.ARTICLE,
    "Paragraph": ProvisionKind.PARAGRAPH,
    "Item": ProvisionKind.ITEM,
    "Subitem1": ProvisionKind.SUBITEM1,
    "SupplProvision": ProvisionKind.SUPPL_PROVISION,
}
# Quoted amendment text, and the content of tables, figures, styles, formats and notes, holds no provisions.
_NOT_QUOTED = (
    "[not(ancestor::AmendProvision or ancestor::NewProvision or ancestor::TableStruct or ancestor::FigStruct"
    " or ancestor::StyleStruct or ancestor::FormatStruct or ancestor::NoteStruct)]"
)


def _xpath_counts(data: bytes) -> dict[str, int]:
    """Counts with plain lxml, independent of the parser under test."""
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    return {tag: int(cast("float", root.xpath(f"count(//{tag}{_NOT_QUOTED})"))) for tag in _COUNTED}


def _law_files(shared: Path) -> list[Path]:
    return sorted((shared / "laws" / "xml").glob("*.xml")) + sorted((shared / "laws" / "revisions").glob("*/*/*.xml"))


@pytest.mark.slow
def test_every_law_parses_and_counts_match_xpath(shared_data: Path) -> None:
    files = _law_files(shared_data)
    assert len(files) >= 1300
    mismatches: list[str] = []
    for path in files:
        data = path.read_bytes()
        law = parse_law(data, source=path.name)
        assert law.metadata.law_id == path.stem.split("_")[0]
        paths = [p.path for p in law.provisions]
        assert len(set(paths)) == len(paths), path.name
        assert all(format_path(parse_path(p)) == p for p in paths), path.name
        for tag, expected in _xpath_counts(data).items():
            if law.count(_COUNTED[tag]) != expected:
                mismatches.append(f"{path.name} {tag}: {law.count(_COUNTED[tag])} != {expected}")
    assert mismatches == []


@pytest.mark.slow
def test_every_revision_pair_xml_equals_json(shared_data: Path) -> None:
    pairs = sorted((shared_data / "laws" / "revisions").glob("*/*/*.json"))
    assert pairs
    for json_path in pairs:
        xml_path = json_path.with_suffix(".xml")
        from_json = parse_law(json_path.read_bytes(), source=json_path.name)
        from_xml = parse_law(xml_path.read_bytes(), source=xml_path.name)
        assert from_json.revision.law_revision_id == json_path.stem
        assert dataclasses.replace(from_json, source_format="xml") == from_xml, json_path.name
        assert from_json.root.to_json() == orjson.loads(json_path.read_bytes()), json_path.name


@pytest.mark.slow
def test_revision_ids_and_dates_of_revision_files(shared_data: Path) -> None:
    for path in sorted((shared_data / "laws" / "revisions").glob("*/*/*.xml")):
        law = parse_law(path.read_bytes(), source=path.name)
        amending = path.stem.split("_")[2]
        assert law.revision.law_revision_id == path.stem
        assert law.revision.amendment_law_id == amending
        assert law.metadata.promulgation_date is not None, path.name
        assert law.revision.enforcement_date is not None, path.name
        assert law.revision.status in {"CurrentEnforced", "PreviousEnforced", "UnEnforced", "Repeal"}, path.name
