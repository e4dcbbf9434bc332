"""Kanji numerals and article numbers (条番号) with 枝番 (branch numbers), both ways.

Statutes write numbers in kanji (第七百九条, 第千四十四条, 第十二条の二); people type them in every form
(``709``, ``７０９``, ``709の2``, ``709-2``). e-Gov addresses a 枝番 article as ``Article_12_2`` (Num
``12_2``), and that underscore form is what every function here produces and accepts as canonical.
"""

from __future__ import annotations

import re

from egov_core.errors import InvalidNumeralError
from egov_core.text.normalize import normalize

__all__ = [
    "NUMERAL_CHARS",
    "article_title",
    "int_to_kanji",
    "kanji_to_int",
    "number_label",
    "parse_article_number",
]

_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_DIGITS.update({str(d): d for d in range(10)})
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10**4, "億": 10**8, "兆": 10**12}

#: Characters that may form a numeral (after :func:`normalize`): used by the citation regexes too.
NUMERAL_CHARS = "0-9〇零一二三四五六七八九十百千万億兆"

#: Separators people put between an article number and its 枝番 (after NFKC): の, ノ, -, _, dashes.
_BRANCH_SEP = "のノ_\\-－‐―ー−"

_ARTICLE_RE = re.compile(
    rf"^第?(?P<main>[{NUMERAL_CHARS}]+)条?(?P<branches>(?:[{_BRANCH_SEP}][{NUMERAL_CHARS}]+)*)条?$"
)
_BRANCH_SPLIT_RE = re.compile(rf"[{_BRANCH_SEP}]")
_CANONICAL_RE = re.compile(r"^[1-9][0-9]*(?:_[1-9][0-9]*)*$")


def kanji_to_int(text: str) -> int:
    """The value of a kanji, Arabic, full-width or mixed numeral.

    Accepts 七百九, 千二百三, 二千十八, 〇, 零, 百, 十二, ``１２``, ``1万``, ``1万2345``, 二〇一八 (digit by digit)
    and 三億五千万.

    Args:
        text: the numeral alone (no 第 or counter).

    Returns:
        Its integer value.

    Raises:
        InvalidNumeralError: the text is empty or not a well-formed numeral (e.g. 十十, 百千, 二三十).
    """
    s = normalize(text.strip())
    if not s:
        raise InvalidNumeralError("empty numeral")
    total = 0
    section = 0  # value below the current big unit (万/億/兆)
    run: int | None = None  # a digit run not yet multiplied by a unit
    run_len = 0
    last_small = 10**4  # units inside a section must strictly decrease (千 > 百 > 十)
    last_big = 10**16
    for ch in s:
        if ch in _DIGITS:
            run = (run or 0) * 10 + _DIGITS[ch]
            run_len += 1
            continue
        if ch in _SMALL_UNITS:
            unit = _SMALL_UNITS[ch]
            if unit >= last_small or (run is not None and (run_len != 1 or run == 0)):
                raise InvalidNumeralError(f"not a numeral: {text!r}")
            section += (1 if run is None else run) * unit
            last_small = unit
        elif ch in _BIG_UNITS:
            unit = _BIG_UNITS[ch]
            value = section + (run or 0)
            if unit >= last_big or value >= 10**4 or (value == 0 and run is not None):
                raise InvalidNumeralError(f"not a numeral: {text!r}")
            total += (value or 1) * unit
            section, last_small, last_big = 0, 10**4, unit
        else:
            raise InvalidNumeralError(f"not a numeral: {text!r}")
        run, run_len = None, 0
    if run is not None and last_small < 10**4 and run >= last_small:
        # 十二三 / 千2345: a digit run after a unit must fit below that unit.
        raise InvalidNumeralError(f"not a numeral: {text!r}")
    return total + section + (run or 0)


_KANJI_DIGITS = "〇一二三四五六七八九"


def _under_10000(n: int) -> str:
    out = []
    for unit, mark in ((1000, "千"), (100, "百"), (10, "十")):
        d, n = divmod(n, unit)
        if d:
            # Statutes write 千, 百, 十 without a leading 一 (第千四十四条, 第百条).
            out.append(("" if d == 1 else _KANJI_DIGITS[d]) + mark)
    if n:
        out.append(_KANJI_DIGITS[n])
    return "".join(out)


def int_to_kanji(n: int) -> str:
    """The kanji numeral statutes use for ``n`` (709 → 七百九, 1044 → 千四十四, 10000 → 一万, 0 → 〇).

    Raises:
        InvalidNumeralError: ``n`` is negative or ≥ 10^16.
    """
    if n < 0 or n >= 10**16:
        raise InvalidNumeralError(f"cannot write {n} in kanji")
    if n == 0:
        return "〇"
    out = []
    for unit, mark in ((10**12, "兆"), (10**8, "億"), (10**4, "万")):
        d, n = divmod(n, unit)
        if d:
            # 一万, 一億: the big units keep their 一.
            out.append(("一" if d == 1 else _under_10000(d)) + mark)
    out.append(_under_10000(n))
    return "".join(out)


def parse_article_number(text: str) -> str:
    """The canonical e-Gov article number (``709``, ``709_2``, ``12_2_3``) of whatever form was typed.

    Accepts ``709``, ``七百九``, ``第七百九条``, ``709の2``, ``709-2``, ``709_2``, ``７０９``,
    ``第７０９条の２``, ``第十二条の二の三``, ``128条ノ5`` and 舊字 ``條``.

    Raises:
        InvalidNumeralError: it is not an article number (or a part is 0).
    """
    s = re.sub(r"\s+", "", normalize(text))
    m = _ARTICLE_RE.match(s)
    if not m:
        raise InvalidNumeralError(f"not an article number: {text!r}")
    parts = [m.group("main"), *[p for p in _BRANCH_SPLIT_RE.split(m.group("branches")) if p]]
    values = [kanji_to_int(p) for p in parts]
    if any(v <= 0 for v in values):
        raise InvalidNumeralError(f"article numbers start at 1: {text!r}")
    return "_".join(map(str, values))


def number_label(num: str, counter: str = "条", *, prefix: str = "第") -> str:
    """The Japanese label of a canonical number with 枝番: ``("12_2", "条")`` → 第十二条の二.

    Args:
        num: canonical number (``12``, ``12_2``, ``12_2_3``); e-Gov range nums (``1:3``) give 第一条から第三条まで.
        counter: 条, 項, 号 … (empty for item labels like 一の二).
        prefix: 第, or empty.

    Raises:
        InvalidNumeralError: ``num`` is not canonical.
    """
    if ":" in num:
        start, _, end = num.partition(":")
        return f"{number_label(start, counter, prefix=prefix)}から{number_label(end, counter, prefix=prefix)}まで"
    if not _CANONICAL_RE.match(num):
        raise InvalidNumeralError(f"not a canonical number: {num!r}")
    main, *branches = (int_to_kanji(int(p)) for p in num.split("_"))
    return prefix + main + counter + "".join("の" + b for b in branches)


def article_title(num: str) -> str:
    """The article heading for a canonical article number: ``12_2`` → 第十二条の二, ``709`` → 第七百九条.

    Raises:
        InvalidNumeralError: ``num`` is not canonical.
    """
    return number_label(num, "条")
