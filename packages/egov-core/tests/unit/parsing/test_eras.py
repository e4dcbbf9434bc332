"""Japanese era dates ↔ ISO, with dates that occur in e-Gov data and court records."""

from __future__ import annotations

from datetime import date

import pytest

from egov_core.eras import era_date, era_year_to_ad, parse_wareki, to_wareki
from egov_core.errors import InvalidDateError


@pytest.mark.parametrize(
    ("era", "year", "month", "day", "expected"),
    [
        ("Showa", 22, 5, 3, date(1947, 5, 3)),  # 日本国憲法 施行
        ("昭和", 21, 11, 3, date(1946, 11, 3)),  # 日本国憲法 公布
        ("Meiji", 29, 4, 27, date(1896, 4, 27)),  # 民法 公布
        ("Heisei", 12, 2, 29, date(2000, 2, 29)),
        ("令和", 1, 5, 1, date(2019, 5, 1)),
        ("reiwa", 5, 5, 19, date(2023, 5, 19)),
        ("Taisho", 1, 7, 30, date(1912, 7, 30)),
        ("Showa", 64, 1, 7, date(1989, 1, 7)),
        ("Heisei", 1, 1, 8, date(1989, 1, 8)),
        ("H", 31, 4, 30, date(2019, 4, 30)),
    ],
)
def test_era_date(era: str, year: int, month: int, day: int, expected: date) -> None:
    assert era_date(era, year, month, day) == expected


@pytest.mark.parametrize(
    ("era", "year", "month", "day"),
    [
        ("Heisei", 31, 5, 1),  # 令和元年5月1日
        ("Showa", 64, 1, 8),  # 平成元年1月8日
        ("Meiji", 45, 7, 30),  # 大正元年7月30日
        ("Heisei", 13, 2, 29),  # not a leap year
        ("Showa", 0, 1, 1),
        ("Showa", 65, 1, 1),
        ("Edo", 1, 1, 1),
        ("Reiwa", 1, 4, 30),
    ],
)
def test_era_date_rejects_dates_outside_their_era(era: str, year: int, month: int, day: int) -> None:
    with pytest.raises(InvalidDateError):
        era_date(era, year, month, day)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("平成12年2月29日", date(2000, 2, 29)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("昭和二十二年五月三日", date(1947, 5, 3)),
        ("明治二十九年四月二十七日", date(1896, 4, 27)),
        ("平成１０年１１月２７日", date(1998, 11, 27)),
        ("昭和 39 年 6 月 24 日", date(1964, 6, 24)),
        ("H12.2.29", date(2000, 2, 29)),
    ],
)
def test_parse_wareki(text: str, expected: date) -> None:
    assert parse_wareki(text) == expected


@pytest.mark.parametrize("text", ["平成31年5月1日", "2000年2月29日", "", "平成十二年", "昭和二十二年十三月一日"])
def test_parse_wareki_rejects(text: str) -> None:
    with pytest.raises(InvalidDateError):
        parse_wareki(text)


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2019, 5, 1), ("令和", 1)),
        (date(2019, 4, 30), ("平成", 31)),
        (date(1947, 5, 3), ("昭和", 22)),
        (date(1926, 12, 25), ("昭和", 1)),
        (date(1926, 12, 24), ("大正", 15)),
        (date(1896, 4, 27), ("明治", 29)),
    ],
)
def test_to_wareki(d: date, expected: tuple[str, int]) -> None:
    assert to_wareki(d) == expected
    assert era_date(expected[0], expected[1], d.month, d.day) == d


def test_to_wareki_before_meiji() -> None:
    with pytest.raises(InvalidDateError):
        to_wareki(date(1867, 12, 31))


def test_era_year_to_ad() -> None:
    assert era_year_to_ad("Showa", 22) == 1947
    assert era_year_to_ad("平成", 1) == 1989
    assert era_year_to_ad("Reiwa", 7) == 2025
    with pytest.raises(InvalidDateError):
        era_year_to_ad("Heisei", 32)
