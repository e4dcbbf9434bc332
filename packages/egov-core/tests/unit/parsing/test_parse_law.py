"""parse_law on real e-Gov files: metadata, provisions, paths, texts, and XML ≡ JSON."""

from __future__ import annotations

import base64
import dataclasses
from datetime import date
from pathlib import Path

import orjson
import pytest

from egov_core.domain import Law, ProvisionKind
from egov_core.errors import LawParseError
from egov_core.parsing import parse_law, parse_law_json, parse_law_xml

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_bytes(name: str) -> bytes:
    """The bytes of a copied real file in fixtures/."""
    return (FIXTURES / name).read_bytes()


REV = "505CO0000000222_20230623_000000000000000"


def _law(name: str) -> Law:
    return parse_law(fixture_bytes(name), source=name)


def test_constitution_metadata_and_article_9() -> None:
    law = _law("321CONSTITUTION.xml")
    meta = law.metadata
    assert (meta.law_id, meta.title, meta.law_num, meta.law_type) == (
        "321CONSTITUTION",
        "日本国憲法",
        "昭和二十一年憲法",
        "Constitution",
    )
    assert (meta.era, meta.year, meta.num, meta.promulgation_date) == ("Showa", 21, None, None)
    assert law.revision.law_revision_id is None
    assert law.revision.lang == "ja"
    assert law.source_format == "xml"
    art9 = law.provision("MainProvision-Article_9")
    assert art9 is not None
    assert (art9.kind, art9.num, art9.title, art9.caption) == (ProvisionKind.ARTICLE, "9", "第九条", None)
    assert art9.parent_path == "MainProvision-Chapter_2"
    assert art9.text == ""  # an article's own text: its paragraphs are provisions of their own
    p2 = law.provision("MainProvision-Article_9-Paragraph_2")
    assert p2 is not None
    assert p2.title == "○２"
    assert p2.text == "前項の目的を達するため、陸海空軍その他の戦力は、これを保持しない。国の交戦権は、これを認めない。"
    assert p2.depth == art9.depth + 1 == 3
    assert "永久にこれを放棄する。" in art9.full_text
    chapter = law.provision("MainProvision-Chapter_2")
    assert chapter is not None
    assert chapter.title == "第二章　戦争の放棄"
    assert law.provision("Preamble") is not None
    assert law.provision("Preamble-Paragraph_1") is not None
    assert law.count(ProvisionKind.ARTICLE) == 103


def test_provisions_are_in_document_order_with_unique_paths() -> None:
    law = _law("321CONSTITUTION.xml")
    assert [p.position for p in law.provisions] == list(range(len(law.provisions)))
    paths = [p.path for p in law.provisions]
    assert len(set(paths)) == len(paths)
    by_path = {p.path: p for p in law.provisions}
    for p in law.provisions:
        assert p.parent_path is None or by_path[p.parent_path].position < p.position


def test_paragraph_only_main_provision() -> None:
    law = _law("132AC1000000040.xml")  # 失火ノ責任ニ関スル法律: no Article at all
    assert [p.path for p in law.provisions] == ["MainProvision", "MainProvision-Paragraph_1"]
    para = law.provisions[1]
    assert para.text.startswith("民法第七百九条ノ規定ハ失火ノ場合ニハ之ヲ適用セス")
    assert para.parent_path == "MainProvision"


def test_suppl_provisions_by_position() -> None:
    law = _law("343M50000040048.xml")
    suppl = [p for p in law.provisions if p.kind is ProvisionKind.SUPPL_PROVISION]
    assert [p.path for p in suppl] == [f"SupplProvision[{i}]" for i in range(1, 7)]
    assert all(p.title == "附　則" for p in suppl)
    art = law.provision("SupplProvision[5]-Article_1")
    assert art is not None
    assert art.caption == "（施行期日）"
    assert law.provision("SupplProvision[5]-Article_1-Paragraph_1") is not None
    assert law.provision("EnactStatement[1]") is not None


def test_subitems() -> None:
    law = _law("403CO0000000275.xml")
    sub = law.provision("MainProvision-Paragraph_1-Item_4-Subitem1_2-Subitem2_1")
    assert sub is not None
    assert (sub.kind, sub.title) == (ProvisionKind.SUBITEM2, "（１）")
    assert sub.text == "長さ十二メートル未満の船舶 沿海区域"  # two Columns, a space between
    assert sub.parent_path == "MainProvision-Paragraph_1-Item_4-Subitem1_2"


def test_table_and_ruby_text() -> None:
    law = _law("419CO0000000053.xml")
    para = law.provision("MainProvision-Paragraph_1")
    assert para is not None
    # the table is part of the paragraph's own text, cells separated by a space
    assert "指定する。 激甚災害 適用すべき措置 平成十八年十月六日から" in para.text
    assert "備考" in para.text
    enact = law.provision("EnactStatement[1]")
    assert enact is not None
    # 激<Ruby>甚<Rt>じん</Rt></Ruby>災害: base text kept, reading dropped from text, kept in the tree
    assert enact.text.startswith("内閣は、激甚災害に対処するための特別の財政援助等に関する法律")
    ruby = next(enact.element.iter("Ruby"))
    assert ruby.to_json() == {
        "tag": "Ruby",
        "attr": {},
        "children": ["甚", {"tag": "Rt", "attr": {}, "children": ["じん"]}],
    }


def test_fig_and_appdx_fig() -> None:
    law = _law("127IO0000000023.xml")
    fig = law.provision("AppdxFig[1]")
    assert fig is not None
    assert (fig.kind, fig.title) == (ProvisionKind.APPDX_FIG, "祝典之章ノ図")
    assert next(fig.element.iter("Fig")).attrs["src"] == "./pict/127IO0000000023_001.jpg"
    # The 号 of the figure's 備考 is the figure's text, in its place, not a provision of its own.
    assert law.provision("AppdxFig[1]-Item_1") is None
    assert fig.text.split() == ["佩用式", "一綬ヲ用ヰテ左胸ニ佩フ但婦人ハ蝶結ヲ用ウ"]
    assert fig.full_text == "祝典之章ノ図\u3000佩用式 一綬ヲ用ヰテ左胸ニ佩フ但婦人ハ蝶結ヲ用ウ"


def test_amendment_text_is_not_a_provision() -> None:
    law = _law("429AC0000000068.xml")
    assert [p.path for p in law.provisions] == [
        "MainProvision",
        "MainProvision-Paragraph_1",
        "SupplProvision[1]",
        "SupplProvision[1]-Paragraph_1",
    ]
    para = law.provisions[1]
    assert "附則第二条中「十五年」を「二十五年」に改める。" in para.text
    # indentation made of spaces only (no line breaks) is dropped, never text
    assert all(not (isinstance(c, str) and not c.strip()) for el in law.root.iter() for c in el.children)


def test_duplicate_num_gets_a_deterministic_suffix() -> None:
    law = _law("428M60020000005.xml")  # 第三条 and 第四条 both carry Num="3"
    first, second = law.provision("MainProvision-Article_3"), law.provision("MainProvision-Article_3[2]")
    assert first is not None
    assert second is not None
    assert (first.title, second.title) == ("第三条", "第四条")


def test_toc() -> None:
    law = _law("430CO0000000293.xml")
    toc = law.provision("TOC")
    assert toc is not None
    assert toc.title == "目次"
    assert "第一章　関係政令の整備（第一条―第十四条）" in toc.text
    assert law.provision("MainProvision-Chapter_2") is not None


def test_law_id_from_argument_stem_or_error() -> None:
    data = fixture_bytes("132AC1000000040.xml")
    assert parse_law(data, law_id="132AC1000000040").metadata.law_id == "132AC1000000040"
    assert parse_law(data, source="some/dir/132AC1000000040.xml").metadata.law_id == "132AC1000000040"
    with pytest.raises(LawParseError, match="no law_id"):
        parse_law(data, source="law.xml")
    with pytest.raises(LawParseError, match="invalid law_id"):
        parse_law(data, law_id="民法")


def test_revision_xml_metadata() -> None:
    law = parse_law(fixture_bytes(f"{REV}.xml"), source=f"{REV}.xml")
    assert law.metadata.law_id == "505CO0000000222"
    assert law.metadata.category is not None
    assert law.metadata.promulgation_date == date(2023, 6, 23)
    rev = law.revision
    assert rev.law_revision_id == REV
    assert rev.amendment_law_id == "000000000000000"
    assert rev.status is not None
    assert rev.enforcement_date is not None


def test_revision_stem_passed_as_law_id() -> None:
    law = parse_law(fixture_bytes(f"{REV}.xml"), law_id=REV)
    assert (law.metadata.law_id, law.revision.law_revision_id) == ("505CO0000000222", REV)
    with pytest.raises(LawParseError, match="another law"):
        parse_law(fixture_bytes(f"{REV}.xml"), law_id="505CO0000000222", law_revision_id=REV.replace("505CO", "504CO"))


def test_xml_and_json_of_one_revision_are_equal() -> None:
    from_xml = parse_law_xml(fixture_bytes(f"{REV}.xml"), source=f"{REV}.xml")
    from_json = parse_law_json(fixture_bytes(f"{REV}.json"), source=f"{REV}.json")
    assert from_json.source_format == "json"
    assert dataclasses.replace(from_json, source_format="xml") == from_xml
    assert from_json.root.to_json() == orjson.loads(fixture_bytes(f"{REV}.json"))


def test_v2_law_data_response() -> None:
    law = parse_law(fixture_bytes("v2_law_data.json"), source="v2_law_data.json")
    assert law.metadata.law_id == "411AC0000000127"
    assert law.metadata.title == "国旗及び国歌に関する法律"
    assert law.metadata.abbrev == "国旗国歌法,日の丸君が代法,国旗・国歌法"
    assert law.metadata.category == "文化"
    assert law.metadata.promulgation_date == date(1999, 8, 13)
    assert law.revision.law_revision_id == "411AC0000000127_19990813_000000000000000"
    assert law.revision.status == "CurrentEnforced"
    assert law.provision("MainProvision-Article_1-Paragraph_1") is not None
    assert law.provision("MainProvision-Article_1") is not None


def test_v2_response_with_base64_xml() -> None:
    doc = orjson.loads(fixture_bytes("v2_law_data.json"))
    xml = fixture_bytes(f"{REV}.xml")
    doc["law_full_text"] = base64.b64encode(xml).decode()
    doc["law_info"]["law_id"] = "505CO0000000222"
    doc["revision_info"]["law_revision_id"] = REV
    law = parse_law(orjson.dumps(doc), source="response.json")
    assert law.source_format == "xml"
    direct = parse_law(xml, source=f"{REV}.xml")
    assert (law.root, law.provisions) == (direct.root, direct.provisions)
    doc["law_full_text"] = xml.decode("utf-8")  # raw XML text is accepted too
    assert parse_law(orjson.dumps(doc), source="response.json").provisions == direct.provisions
    doc["law_full_text"] = "%%% not base64"
    with pytest.raises(LawParseError, match="Base64"):
        parse_law(orjson.dumps(doc), source="response.json")
