"""Japanese era dates (和暦) ↔ ISO dates.

Eras are accepted by their romanised e-Gov name (``Showa``, as in the ``Era`` attribute of 法令XML), their
kanji (``昭和``) or their initial (``S``). Each era starts on the day its first year starts as proclaimed
(大正 1912-07-30, 昭和 1926-12-25, 平成 1989-01-08, 令和 2019-05-01); a date outside its era is invalid
(平成31年5月1日 does not exist: it is 令和元年5月1日).

明治 is taken to start on 1868-01-01 (明治元年 was applied retroactively to the whole year) and dates before
明治6年 (the switch to the Gregorian calendar) are read as if they were Gregorian: the lunisolar calendar is
out of scope.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from egov_core.errors import InvalidDateError

__all__ = ["ERAS", "Era", "era_date", "era_year_to_ad", "normalize_era", "parse_wareki", "to_wareki"]


@dataclass(frozen=True, slots=True)
class Era:
    """One Japanese era.

    Attributes:
        name: e-Gov's romanised name (``Showa``).
        kanji: the era name in kanji (``昭和``).
        start: first day of the era.
        end: last day of the era, None for the current one.
    """

    name: str
    kanji: str
    start: date
    end: date | None

    @property
    def first_ad_year(self) -> int:
        """The Gregorian year of the era's first year (元年)."""
        return self.start.year


#: The eras e-Gov data uses, oldest first.
ERAS: tuple[Era, ...] = (
    Era("Meiji", "明治", date(1868, 1, 1), date(1912, 7, 29)),
    Era("Taisho", "大正", date(1912, 7, 30), date(1926, 12, 24)),
    Era("Showa", "昭和", date(1926, 12, 25), date(1989, 1, 7)),
    Era("Heisei", "平成", date(1989, 1, 8), date(2019, 4, 30)),
    Era("Reiwa", "令和", date(2019, 5, 1), None),
)

_BY_KEY: dict[str, Era] = {}
for _era in ERAS:
    _BY_KEY[_era.name.lower()] = _era
    _BY_KEY[_era.kanji] = _era
    _BY_KEY[_era.name[0].lower()] = _era


def normalize_era(era: str) -> Era:
    """The :class:`Era` named by ``era`` (``Showa``, ``showa``, ``昭和``, ``S``).

    Raises:
        InvalidDateError: unknown era name.
    """
    found = _BY_KEY.get(era.strip().lower())
    if found is None:
        raise InvalidDateError(f"unknown Japanese era: {era!r}")
    return found


def era_year_to_ad(era: str, year: int) -> int:
    """The Gregorian year of ``year`` of ``era`` (昭和22 → 1947).

    Raises:
        InvalidDateError: unknown era, year < 1, or a year after the era ended.
    """
    e = normalize_era(era)
    ad = e.first_ad_year + year - 1
    if year < 1 or (e.end is not None and ad > e.end.year):
        raise InvalidDateError(f"{e.kanji}{year}年 does not exist")
    return ad


def era_date(era: str, year: int, month: int, day: int) -> date:
    """The ISO date of a Japanese era date (昭和22年5月3日 → 1947-05-03).

    Raises:
        InvalidDateError: unknown era, impossible calendar date, or a date outside the era.
    """
    e = normalize_era(era)
    ad = era_year_to_ad(era, year)
    try:
        d = date(ad, month, day)
    except ValueError as exc:
        raise InvalidDateError(f"{e.kanji}{year}年{month}月{day}日 is not a calendar date") from exc
    if d < e.start or (e.end is not None and d > e.end):
        raise InvalidDateError(f"{e.kanji}{year}年{month}月{day}日 is outside the {e.name} era")
    return d


def to_wareki(d: date) -> tuple[str, int]:
    """The era (kanji) and era year of a date (2019-05-01 → (``令和``, 1)).

    Raises:
        InvalidDateError: a date before 明治.
    """
    for e in reversed(ERAS):
        if d >= e.start:
            return e.kanji, d.year - e.first_ad_year + 1
    raise InvalidDateError(f"{d.isoformat()} is before the Meiji era")


_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUM = r"元|[0-9０-９]+|[〇零一二三四五六七八九十百千]+"
_WAREKI = re.compile(
    rf"^\s*(?P<era>明治|大正|昭和|平成|令和|[MTSHRmtshr])\s*(?P<y>{_NUM})\s*[年.．/]\s*(?P<m>{_NUM})\s*[月.．/]"
    rf"\s*(?P<d>{_NUM})\s*日?\s*$"
)


def _small_int(s: str) -> int:
    """A small number in Arabic, full-width or kanji numerals (``元`` is 1); enough for dates."""
    if s == "元":
        return 1
    if s.isdigit():
        return int(s)  # int() understands full-width digits
    if all(ch in _DIGITS for ch in s):  # positional form: 二〇一九
        return int("".join(str(_DIGITS[ch]) for ch in s))
    total, current = 0, 0
    for ch in s:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        else:
            total += (current or 1) * _UNITS[ch]
            current = 0
    return total + current


def parse_wareki(text: str) -> date:
    """Parse a written era date: 「平成12年2月29日」「令和元年5月1日」「昭和二十二年五月三日」「H12.2.29」.

    Raises:
        InvalidDateError: not an era date, or a date that does not exist in its era.
    """
    m = _WAREKI.match(text)
    if m is None:
        raise InvalidDateError(f"not a Japanese era date: {text!r}")
    return era_date(m["era"], _small_int(m["y"]), _small_int(m["m"]), _small_int(m["d"]))
