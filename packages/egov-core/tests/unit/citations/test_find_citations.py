"""find_citations on real citation forms: statutes, judgments' 参照法条, questions."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from egov_core.citations import LawRef, Relative, find_citations, split_ref_law
from egov_core.citations.names import bundled_aliases, default_name_table


def _one(text: str) -> dict[str, object]:
    matches = find_citations(text)
    assert len(matches) == 1, matches
    m = matches[0]
    assert text[m.start : m.end] == m.text
    p = m.parts
    return {
        "text": m.text,
        "law": p.law_name,
        "ref": p.law_ref,
        "old": p.old_law,
        "suppl": p.suppl,
        "article": p.article,
        "paragraph": p.paragraph,
        "item": p.item,
    }


@pytest.mark.parametrize(
    ("text", "law", "article", "paragraph", "item"),
    [
        ("民法第七百九条第一項", "民法", "709", 1, None),
        ("民法709条1項", "民法", "709", 1, None),
        ("会社法第四百二十九条", "会社法", "429", None, None),
        ("労基法第二十条", "労基法", "20", None, None),
        ("第二条の十二", None, "2_12", None, None),
        ("第2条の12", None, "2_12", None, None),
        ("刑訴法４１１条１号", "刑訴法", "411", None, "1"),
        ("個人情報の保護に関する法律第二条第一項第三号", "個人情報の保護に関する法律", "2", 1, "3"),
        ("医薬品、医療機器等の品質、有効性及び安全性の確保等に関する法律第二条", None, "2", None, None),
        ("国家公務員法第百条", "国家公務員法", "100", None, None),
        ("借家法1条ノ2", "借家法", "1_2", None, None),
        ("第一号", None, None, None, "1"),
        ("第二号の二", None, None, None, "2_2"),
    ],
)
def test_absolute_citations(
    text: str, law: str | None, article: str | None, paragraph: int | None, item: str | None
) -> None:
    got = _one(text)
    if law is not None or (got["ref"] is LawRef.NAME and text.startswith("医薬品")):
        assert got["law"] == (law or "医薬品、医療機器等の品質、有効性及び安全性の確保等に関する法律")
    assert (got["article"], got["paragraph"], got["item"]) == (article, paragraph, item)
    assert got["text"] == text


def test_citation_inside_a_sentence_has_offsets_into_the_original() -> None:
    text = "被告は、民法７０９条１項に基づき損害賠償を請求した。"
    [m] = find_citations(text)
    assert (m.text, m.start, m.end) == ("民法７０９条１項", 4, 12)


def test_offsets_survive_length_changing_normalisation() -> None:
    text = "㍻元年の事件で民法第七百九条を適用"  # ㍻ becomes 平成 under NFKC (1 → 2 characters)
    [m] = find_citations(text)
    assert m.text == "民法第七百九条"
    assert text[m.start : m.end] == m.text


def test_relative_references() -> None:
    cases = {
        "同法第三条": (LawRef.SAME, "3", None),
        "法第二十四条第一項": (LawRef.ACT, "24", None),
        "本法第一条": (LawRef.THIS, "1", None),
    }
    for text, (ref, article, rel) in cases.items():
        [m] = find_citations(text)
        assert (m.parts.law_ref, m.parts.article, m.parts.article_rel) == (ref, article, rel), text
    [m] = find_citations("前条")
    assert m.parts.article_rel is Relative.PREVIOUS
    [m] = find_citations("同条第二項")
    assert (m.parts.article_rel, m.parts.paragraph) == (Relative.SAME, 2)
    [m] = find_citations("前各項")
    assert m.parts.paragraph_rel is Relative.ALL_PREVIOUS
    [m] = find_citations("前項第二号イ")
    assert (m.parts.paragraph_rel, m.parts.item, m.parts.subitems) == (Relative.PREVIOUS, "2", ("イ",))
    [m] = find_citations("附則第二条")
    assert (m.parts.suppl, m.parts.article) == (True, "2")


@pytest.mark.parametrize("sep", ["及び", "並びに", "、", "・", "又は"])
def test_lists_continue_the_previous_citation(sep: str) -> None:
    text = f"民法第七百九条{sep}第七百十条"
    first, second = find_citations(text)
    assert (first.parts.law_name, first.parts.article) == ("民法", "709")
    assert (second.text, second.parts.law_name, second.parts.article, second.parts.continuation) == (
        "第七百十条",
        "民法",
        "710",
        True,
    )


def test_paragraph_list_keeps_the_article() -> None:
    _first, second = find_citations("刑法第百九十九条第一項及び第二項")
    assert (second.parts.law_name, second.parts.article, second.parts.paragraph) == ("刑法", "199", 2)


@pytest.mark.parametrize("text", ["民法第五条から第七条まで", "民法第五条―第七条", "民法第五条～第七条"])
def test_ranges(text: str) -> None:
    [m] = find_citations(text)
    assert m.text == text
    assert m.parts.article == "5"
    assert m.parts.range_end is not None
    assert m.parts.range_end.article == "7"


def test_old_laws_and_annotations() -> None:
    got = _one("旧特許法（大正10年法律第96号）1条")
    assert (got["law"], got["old"], got["article"]) == ("特許法", True, "1")
    got = _one("舊刑訴法360條1項")
    assert (got["law"], got["old"], got["article"], got["paragraph"]) == ("刑訴法", True, "360", 1)
    [m] = find_citations("食糧管理法施行規則1條の3（昭和21年8月24日農林省令44號により改正されたもの）")
    assert (m.parts.law_name, m.parts.article) == ("食糧管理法施行規則", "1_3")
    assert m.parts.annotation == "昭和21年8月24日農林省令44号により改正されたもの"
    [m] = find_citations("自作農創設特別措置法（昭和22年法律241号による改正以前のもの）3条")
    assert (m.parts.law_name, m.parts.article) == ("自作農創設特別措置法", "3")


def test_parenthesised_article_continues() -> None:
    first, second = find_citations("手形法17条（77条）")
    assert (first.parts.article, second.parts.law_name, second.parts.article) == ("17", "手形法", "77")


@pytest.mark.parametrize(
    "text",
    ["平成10年(オ)第1081号", "昭和二十二年法律第五十四号", "第三者に対抗する", "損害賠償を請求する", "一般の例による"],
)
def test_no_false_citations(text: str) -> None:
    assert find_citations(text) == []


def test_branch_number_does_not_swallow_words() -> None:
    [m] = find_citations("第三条の一部を改正する")
    assert m.parts.article == "3"


def test_alias_table() -> None:
    table = default_name_table()
    assert table.titles_for("労基法")[0] == "労働基準法"
    assert table.titles_for("民訴法")[0] == "民事訴訟法"
    assert table.titles_for("薬機法")[0] == "医薬品、医療機器等の品質、有効性及び安全性の確保等に関する法律"
    assert table.titles_for("憲法") == ["日本国憲法"]
    assert len(bundled_aliases()) > 2000


def _shared() -> Path:
    default = Path(__file__).resolve().parents[6] / "shared" / "data"
    return Path(os.environ.get("EGOV_SHARED_DATA", str(default)))


def test_every_ref_law_of_the_shared_decisions_parses() -> None:
    cases = _shared() / "cases"
    if not cases.is_dir():
        pytest.skip(f"shared data not found at {cases}")
    parts = []
    for f in sorted(cases.glob("*.json")):
        ref = json.loads(f.read_text(encoding="utf-8")).get("ref_law")
        if ref:
            parts.extend(split_ref_law(ref))
    assert len(parts) >= 40
    for part in parts:
        matches = find_citations(part)
        assert matches, part
        first = matches[0]
        assert first.start == 0, part
        assert first.parts.law_name, part
        assert first.parts.article, part


def test_split_ref_law() -> None:
    assert split_ref_law("民法709条，民法710条") == ["民法709条", "民法710条"]
    assert split_ref_law(
        "食糧管理法3條1項，食糧管理法施行規則1條の3（昭和21年8月24日農林省令44號により改正されたもの），舊刑訴法360條1項"
    ) == [
        "食糧管理法3條1項",
        "食糧管理法施行規則1條の3（昭和21年8月24日農林省令44號により改正されたもの）",
        "舊刑訴法360條1項",
    ]
    assert split_ref_law("") == []


@pytest.mark.parametrize("text", ["当該民法第七百九条", "刑法及民法第七百九条", "改正前民法第七百九条"])
def test_words_before_a_known_name_are_not_part_of_it(text: str) -> None:
    [m] = find_citations(text)
    assert (m.parts.law_name, m.parts.article) == ("民法", "709")
    assert m.text.endswith("民法第七百九条")


def test_amending_law_ids() -> None:
    from egov_core.citations.resolver import amending_law_id

    assert amending_law_id("平成二十九年法律第四十四号") == "429AC0000000044"
    assert amending_law_id("平成29年法律44号") == "429AC0000000044"
    assert amending_law_id("令和元年政令第十一号") == "501CO0000000011"
    assert amending_law_id("昭和二十二年") is None


@pytest.mark.parametrize(
    ("text", "amended_by"),
    [
        ("民法（平成二十九年法律第四十四号による改正前のもの）第四百十五条", "平成二十九年法律第四十四号"),
        ("自作農創設特別措置法（昭和22年法律241号による改正以前のもの）3条", "昭和22年法律241号"),
        ("改正前の民法第四百十五条", None),
    ],
)
def test_pre_amendment_citations_are_marked(text: str, amended_by: str | None) -> None:
    [m] = find_citations(text)
    assert (m.parts.historical, m.parts.amended_by) == (True, amended_by)
    assert not find_citations("民法第四百十五条")[0].parts.historical


def test_previous_n_paragraphs_is_a_range() -> None:
    [m] = find_citations("前二項の場合においては")
    assert (m.text, m.parts.paragraph_rel, m.parts.rel_count) == ("前二項", Relative.PREVIOUS, 2)
    assert m.parts.range_end is not None
    assert m.parts.range_end.rel_count == 1
    [m] = find_citations("前三号に掲げる者")
    assert (m.parts.item_rel, m.parts.rel_count) == (Relative.PREVIOUS, 3)


def test_previous_n_articles_is_a_range_not_an_article() -> None:
    # 国家賠償法第三条 「前二条の規定によつて…」: 第一条 and 第二条, never 第二条 read alone.
    [m] = find_citations("前二条の規定によつて国又は公共団体が")
    assert (m.text, m.parts.article, m.parts.article_rel, m.parts.rel_count) == ("前二条", None, Relative.PREVIOUS, 2)
    assert m.parts.range_end is not None
    assert m.parts.range_end.rel_count == 1


def test_a_tariff_number_is_not_an_item() -> None:
    # 石油石炭税法施行令第四条: 「関税定率法別表第二七一〇・一九号の二若しくは第二七一〇・二〇号の二」.
    text = "関税定率法（明治四十三年法律第五十四号）別表第二七一〇・一九号の二若しくは第二七一〇・二〇号の二に該当する"
    assert [m.text for m in find_citations(text)] == []
    assert [m.text for m in find_citations("第十九号の二及び第二〇号")] == ["第十九号の二", "第二〇号"]


def test_a_relative_item_keeps_its_subitem() -> None:
    [m] = find_citations("前号の二科目のうち一科目が同号イに掲げる科目である場合")[-1:]
    assert (m.text, m.parts.item_rel, m.parts.subitems) == ("同号イ", Relative.SAME, ("イ",))


def test_a_range_may_end_at_a_lower_level() -> None:
    first, second = find_citations("第十七条第一項から第三項まで若しくは第五項")
    assert (first.text, first.parts.article, first.parts.paragraph) == ("第十七条第一項から第三項まで", "17", 1)
    assert first.parts.range_end is not None
    assert (first.parts.range_end.article, first.parts.range_end.paragraph) == ("17", 3)
    assert (second.parts.article, second.parts.paragraph) == ("17", 5)


def test_a_list_continues_across_a_parenthetical() -> None:
    text = "第十九条第一項（同条第七項において準用する場合を含む。）若しくは第三項の規定"
    first, inner, member = find_citations(text)
    assert (first.parts.article, inner.parts.article_rel) == ("19", Relative.SAME)
    assert (member.text, member.parts.article, member.parts.paragraph, member.parts.continuation) == (
        "第三項",
        "19",
        3,
        True,
    )
