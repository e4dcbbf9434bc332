"""Plain-text rendering of real provisions: 民法第七百九条, 日本国憲法第九条, tables, figures, 附則."""

from __future__ import annotations

from pathlib import Path

from egov_core.domain import Law
from egov_core.parsing import parse_law
from egov_core.rendering import render_plain_text

FIXTURES = Path(__file__).parent / "fixtures"


def _law(name: str) -> Law:
    return parse_law((FIXTURES / name).read_bytes(), source=name)


def test_constitution_article_9() -> None:
    art9 = _law("321CONSTITUTION.xml").provision("MainProvision-Article_9")
    assert art9 is not None
    assert render_plain_text(art9.element) == (
        "第九条\n"
        "日本国民は、正義と秩序を基調とする国際平和を誠実に希求し、国権の発動たる戦争と、武力による威嚇又は武力の行使は、"
        "国際紛争を解決する手段としては、永久にこれを放棄する。\n"
        "○２\u3000前項の目的を達するため、陸海空軍その他の戦力は、これを保持しない。国の交戦権は、これを認めない。"
    )


def test_constitution_chapter_and_whole_law() -> None:
    law = _law("321CONSTITUTION.xml")
    chapter = law.provision("MainProvision-Chapter_2")
    assert chapter is not None
    assert render_plain_text(chapter.element).startswith("第二章\u3000戦争の放棄\n第九条\n日本国民は、")
    text = render_plain_text(law.root)
    assert text.startswith(
        "日本国憲法\n昭和二十一年憲法\n日本国民は、正当に選挙された国会における代表者を通じて行動し、"
    )
    assert "\n第一章\u3000天皇\n第一条\n天皇は、日本国の象徴であり" in text
    assert render_plain_text(law.root) == text  # deterministic


def test_civil_code_article_709(shared_data: Path) -> None:
    path = shared_data / "laws" / "xml" / "129AC0000000089.xml"
    law = parse_law(path.read_bytes(), source=path.name)
    art = law.provision("MainProvision-Article_709")
    assert art is not None
    assert render_plain_text(art.element) == (
        "第七百九条\u3000（不法行為による損害賠償）\n"
        "故意又は過失によって他人の権利又は法律上保護される利益を侵害した者は、これによって生じた損害を賠償する責任を負う。"
    )
    suppl = next(p for p in law.provisions if p.element.attrs.get("AmendLawNum") == "大正一五年四月二四日法律第六九号")
    assert suppl.path.startswith("SupplProvision[")
    assert render_plain_text(suppl.element).splitlines()[0] == "附\u3000則\u3000（大正一五年四月二四日法律第六九号）"


def test_items_and_subitems_one_per_line() -> None:
    para = _law("403CO0000000275.xml").provision("MainProvision-Paragraph_1")
    assert para is not None
    lines = render_plain_text(para.element).splitlines()
    assert lines[0] == "船舶安全法第三十二条ノ二の政令で定める船舶は、次に掲げる船舶とする。"
    assert lines[1].startswith("一\u3000沿海区域を航行区域とする長さ十二メートル未満の船舶")
    assert "（１）\u3000長さ十二メートル未満の船舶\u3000沿海区域" in lines  # Columns: ideographic space


def test_table_rows_and_ruby() -> None:
    law = _law("419CO0000000053.xml")
    text = render_plain_text(law.root)
    assert "\n激甚災害｜適用すべき措置\n" in text
    assert "内閣は、激甚災害に対処するための" in text  # ruby base kept, reading じん dropped
    assert "じん" not in text


def test_figure() -> None:
    fig = _law("127IO0000000023.xml").provision("AppdxFig[1]")
    assert fig is not None
    assert render_plain_text(fig.element).splitlines()[:2] == ["祝典之章ノ図", "（図：./pict/127IO0000000023_001.jpg）"]


def test_ruby_readings_omitted_or_inline() -> None:
    law = _law("419CO0000000053.xml")
    para = law.provision("MainProvision-Paragraph_1")
    assert para is not None
    omitted = render_plain_text(para.element).splitlines()[0]
    assert omitted.startswith("次の表の上欄に掲げる災害を激甚災害に対処するための")
    assert render_plain_text(para.element, ruby="omit") == render_plain_text(para.element)
    inline = render_plain_text(para.element, ruby="inline").splitlines()[0]
    assert inline.startswith("次の表の上欄に掲げる災害を激甚（じん）災害に対処するための")
    whole = render_plain_text(law.root, ruby="inline")
    assert "内閣は、激甚（じん）災害に対処するための" in whole
