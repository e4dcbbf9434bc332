"""Kanji numerals and article numbers: real forms from statutes and from how people type them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egov_core.errors import InvalidNumeralError
from egov_core.numerals import article_title, int_to_kanji, kanji_to_int, number_label, parse_article_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("七百九", 709),
        ("千二百三", 1203),
        ("二千十八", 2018),
        ("二〇一八", 2018),
        ("〇", 0),
        ("零", 0),
        ("百", 100),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("千四十四", 1044),  # 民法第千四十四条
        ("一千", 1000),
        ("１２", 12),
        ("12", 12),
        ("1万", 10000),
        ("1万2345", 12345),
        ("一万", 10000),
        ("十万", 100000),
        ("三億五千万", 350_000_000),
        ("百九十九", 199),  # 刑法第百九十九条
        ("四百二十九", 429),  # 会社法第四百二十九条
        ("壹", 1),  # old-style numeral folded by normalize
        ("萬", 10000),
        ("四１１", 411),
    ],
)
def test_kanji_to_int(text: str, value: int) -> None:
    assert kanji_to_int(text) == value


@pytest.mark.parametrize("text", ["", " ", "十十", "百千", "十二三", "千2345", "条", "七百九条", "abc", "〇十", "万万"])
def test_kanji_to_int_rejects(text: str) -> None:
    with pytest.raises(InvalidNumeralError):
        kanji_to_int(text)


@pytest.mark.parametrize(
    ("value", "kanji"),
    [
        (0, "〇"),
        (1, "一"),
        (10, "十"),
        (12, "十二"),
        (20, "二十"),
        (100, "百"),
        (709, "七百九"),
        (1000, "千"),
        (1044, "千四十四"),
        (2018, "二千十八"),
        (10000, "一万"),
        (11000, "一万千"),
        (350_000_000, "三億五千万"),
    ],
)
def test_int_to_kanji(value: int, kanji: str) -> None:
    assert int_to_kanji(value) == kanji


def test_int_to_kanji_rejects_negative() -> None:
    with pytest.raises(InvalidNumeralError):
        int_to_kanji(-1)


@given(st.integers(min_value=0, max_value=10**16 - 1))
def test_round_trip(n: int) -> None:
    assert kanji_to_int(int_to_kanji(n)) == n


@pytest.mark.parametrize(
    ("text", "num"),
    [
        ("709", "709"),
        ("七百九", "709"),
        ("第七百九条", "709"),
        ("709の2", "709_2"),
        ("709-2", "709_2"),
        ("709_2", "709_2"),
        ("７０９", "709"),
        ("第７０９条の２", "709_2"),
        ("第709条の2", "709_2"),
        ("709条の2", "709_2"),
        ("第十二条の二", "12_2"),
        ("第十二条の二の三", "12_2_3"),
        ("第二条の十二", "2_12"),  # 薬機法第二条の十二
        ("128条ノ5", "128_5"),  # 旧特許法128条ノ5 (参照法条)
        ("1條の3", "1_3"),  # 食糧管理法施行規則1條の3
        (" 第 九 条 ", "9"),
        ("第千四十四条", "1044"),
        ("709－2", "709_2"),
    ],
)
def test_parse_article_number(text: str, num: str) -> None:
    assert parse_article_number(text) == num


@pytest.mark.parametrize("text", ["", "第条", "0", "第〇条", "709の0", "民法709条", "709条1項", "abc", "709__2"])
def test_parse_article_number_rejects(text: str) -> None:
    with pytest.raises(InvalidNumeralError):
        parse_article_number(text)


@pytest.mark.parametrize(
    ("num", "title"),
    [("709", "第七百九条"), ("12_2", "第十二条の二"), ("12_2_3", "第十二条の二の三"), ("1044", "第千四十四条")],
)
def test_article_title(num: str, title: str) -> None:
    assert article_title(num) == title
    assert parse_article_number(title) == num


def test_number_label_forms() -> None:
    assert number_label("2_2", "", prefix="") == "二の二"  # 号 labels
    assert number_label("3", "項") == "第三項"
    assert number_label("1:3") == "第一条から第三条まで"  # e-Gov range Num of deleted articles


@pytest.mark.parametrize("num", ["", "0", "12-2", "第十二条", "01", "12_"])
def test_article_title_rejects(num: str) -> None:
    with pytest.raises(InvalidNumeralError):
        article_title(num)


@given(st.lists(st.integers(min_value=1, max_value=2000), min_size=1, max_size=3))
def test_article_round_trip(parts: list[int]) -> None:
    num = "_".join(map(str, parts))
    assert parse_article_number(article_title(num)) == num
    assert parse_article_number(num.replace("_", "の")) == num
