"""Provision paths in e-Gov ``elm`` syntax: parsing, formatting and user shorthands."""

from __future__ import annotations

import pytest

from egov_core.errors import InvalidProvisionPathError
from egov_core.paths import PathSegment, article_num, canonical_path, format_path, parse_path


def test_parse_path_real_examples() -> None:
    assert parse_path("MainProvision-Article_709-Paragraph_1-Item_2") == (
        PathSegment("MainProvision"),
        PathSegment("Article", "709"),
        PathSegment("Paragraph", "1"),
        PathSegment("Item", "2"),
    )
    assert parse_path("SupplProvision[1]-Article_3") == (
        PathSegment("SupplProvision", None, 1),
        PathSegment("Article", "3"),
    )
    assert parse_path("MainProvision-Article_12_2") == (PathSegment("MainProvision"), PathSegment("Article", "12_2"))
    assert parse_path("MainProvision-Article_11:13")[1] == PathSegment("Article", "11:13")  # 362CO0000000053
    assert parse_path("MainProvision-Article_5[2]")[1] == PathSegment("Article", "5", 2)
    assert parse_path("MainProvision-Article_1-Paragraph_1-Item_1-Subitem1_イ")[-1] == PathSegment("Subitem1", "イ")
    assert parse_path("MainProvision-Article_1-Paragraph_1-Item_1-Subitem10_2")[-1] == PathSegment("Subitem10", "2")


@pytest.mark.parametrize(
    "path",
    [
        "MainProvision-Article_709-Paragraph_1-Item_2",
        "MainProvision-Part_1-Chapter_2-Section_3",
        "SupplProvision[1]-Article_3",
        "AppdxTable[1]",
        "EnactStatement[1]",
        "TOC",
        "MainProvision-Article_68_4_9_2",
    ],
)
def test_format_is_inverse_of_parse(path: str) -> None:
    assert format_path(parse_path(path)) == path


@pytest.mark.parametrize(
    "bad",
    ["", "  ", "-", "MainProvision--Article_1", "Article_", "Article[0]", "第七百九条", "Article_1 -Item_2", "1_2"],
)
def test_parse_path_rejects(bad: str) -> None:
    with pytest.raises(InvalidProvisionPathError):
        parse_path(bad)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Article_709", "MainProvision-Article_709"),
        ("Article_709-Paragraph_1-Item_2", "MainProvision-Article_709-Paragraph_1-Item_2"),
        ("Paragraph_1", "MainProvision-Paragraph_1"),
        ("MainProvision[1]", "MainProvision"),
        ("MainProvision[1]-Article_9", "MainProvision-Article_9"),
        ("SupplProvision_1", "SupplProvision[1]"),
        ("SupplProvision[1]-Article_3", "SupplProvision[1]-Article_3"),
        ("SupplProvision_2-Paragraph_1", "SupplProvision[2]-Paragraph_1"),
        ("AppdxTable_1", "AppdxTable[1]"),
        ("AppdxStyle", "AppdxStyle[1]"),
        ("TOC[1]", "TOC"),
        ("Preamble[1]", "Preamble"),
        ("article_709-paragraph_1", "MainProvision-Article_709-Paragraph_1"),
        ("Chapter_2-Section_3", "MainProvision-Chapter_2-Section_3"),
        ("Article_12_2", "MainProvision-Article_12_2"),
    ],
)
def test_canonical_path(given: str, expected: str) -> None:
    assert canonical_path(given) == expected
    assert canonical_path(expected) == expected


def test_article_num() -> None:
    assert article_num(709) == "709"
    assert article_num(12, 2) == "12_2"
    assert article_num(68, 4, 9, 2) == "68_4_9_2"
    with pytest.raises(InvalidProvisionPathError):
        article_num(0)
