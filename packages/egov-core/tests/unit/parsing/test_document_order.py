"""Provision texts read in document order: a table after the 号 that announce it, the 号 and イ/ロ of a
table's cells and of its 備考 (real laws of the shared corpus)."""

from __future__ import annotations

from pathlib import Path

from egov_core.domain import Law, ProvisionKind
from egov_core.parsing import parse_law


def _law(shared: Path, name: str) -> Law:
    path = shared / "laws" / "xml" / name
    return parse_law(path.read_bytes(), source=path.name)


def _before(text: str, *fragments: str) -> None:
    positions = [text.index(f) for f in fragments]
    assert positions == sorted(positions), list(zip(fragments, positions, strict=True))


def test_table_after_the_items_that_announce_it(shared_data: Path) -> None:
    # Article 6, paragraph 1: items 一 to 三, then the table item 三 refers to (「次の表の区分に従い」).
    law = _law(shared_data, "328CO0000000211.xml")
    art = law.provision("Article_6")
    assert art is not None
    _before(
        art.full_text,
        "次の各号に定めるところによる。",
        "\n一　普通恩給",
        "\n三　遺族年金",
        "内払とみなす。 区分 遺族年金",
    )
    para = law.provision("Article_6-Paragraph_1")
    assert para is not None
    assert "区分" not in para.text  # the table ends item 三's text, after it
    item3 = law.provision("Article_6-Paragraph_1-Item_3")
    assert item3 is not None
    assert item3.text.endswith("その者に係る旧法の規定による扶養手当の額に相当する額")


def test_items_in_table_cells_and_remarks_stay_in_the_table(shared_data: Path) -> None:
    law = _law(shared_data, "426CO0000000065.xml")
    art = law.provision("Article_1")
    assert art is not None
    text = art.full_text
    _before(
        text,
        "次に掲げる市町の区域に係るもの イ島根県鹿足郡津和野町",
        "ロ東京都大島町",
        "備考 一平成二十五年八月三十日",
        "二平成二十五年十月十五日",
    )
    assert "\nイ　" not in text  # no cell content as a 号細分 line of its own after the table
    inside = [p for p in law.provisions if p.path.startswith("MainProvision-Article_1-")]
    assert [p.kind for p in inside] == [ProvisionKind.PARAGRAPH]
