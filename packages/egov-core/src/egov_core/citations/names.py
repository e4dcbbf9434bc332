"""Law-name knowledge: the short names people write (労基法, 民訴法) and the titles they stand for.

Three sources, all static: a built-in table of the most common short names (below), the bundled
alias table derived from hanreidb (``data/law_aliases.tsv``, Apache-2.0) and the titles of every law
e-Gov lists (``data/law_titles.tsv``, CC0 index of e-Gov data; see ``data/NOTICE.md``).
Titles of the laws actually stored come from the database at runtime (:class:`LawDirectory`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType

from egov_core.text.normalize import normalize

__all__ = ["BUILTIN_ABBREVIATIONS", "LawNameTable", "bundled_aliases", "bundled_titles", "default_name_table"]

#: Short names used in court decisions, textbooks and questions, mapped to the e-Gov title. Compiled by
#: hand from the abbreviations the 判例集 and legal textbooks use (凡例 of 判例六法 style), checked against
#: e-Gov titles; they fill gaps in the hanreidb table (which lacks e.g. 憲法, 民執法, 薬機法).
BUILTIN_ABBREVIATIONS: Mapping[str, str] = MappingProxyType(
    {
        "憲法": "日本国憲法",
        "民訴法": "民事訴訟法",
        "民訴": "民事訴訟法",
        "民訴規則": "民事訴訟規則",
        "刑訴法": "刑事訴訟法",
        "刑訴": "刑事訴訟法",
        "刑訴規則": "刑事訴訟規則",
        "労基法": "労働基準法",
        "労契法": "労働契約法",
        "労組法": "労働組合法",
        "労災保険法": "労働者災害補償保険法",
        "個人情報保護法": "個人情報の保護に関する法律",
        "個情法": "個人情報の保護に関する法律",
        "薬機法": "医薬品、医療機器等の品質、有効性及び安全性の確保等に関する法律",
        "医薬品医療機器等法": "医薬品、医療機器等の品質、有効性及び安全性の確保等に関する法律",
        "薬事法": "医薬品、医療機器等の品質、有効性及び安全性の確保等に関する法律",
        "民執法": "民事執行法",
        "民保法": "民事保全法",
        "行訴法": "行政事件訴訟法",
        "行手法": "行政手続法",
        "行服法": "行政不服審査法",
        "国賠法": "国家賠償法",
        "独禁法": "私的独占の禁止及び公正取引の確保に関する法律",
        "金商法": "金融商品取引法",
        "金融商品取引法施行令": "金融商品取引法施行令",
        "自賠法": "自動車損害賠償保障法",
        "借地借家法": "借地借家法",
        "破産法": "破産法",
        "会社法": "会社法",
        "民法": "民法",
        "刑法": "刑法",
        "商法": "商法",
        "特許法": "特許法",
        "著作権法": "著作権法",
        "道交法": "道路交通法",
        "入管法": "出入国管理及び難民認定法",
        "番号法": "行政手続における特定の個人を識別するための番号の利用等に関する法律",
        "マイナンバー法": "行政手続における特定の個人を識別するための番号の利用等に関する法律",
        "派遣法": "労働者派遣事業の適正な運営の確保及び派遣労働者の保護等に関する法律",
        "労働者派遣法": "労働者派遣事業の適正な運営の確保及び派遣労働者の保護等に関する法律",
        "育介法": "育児休業、介護休業等育児又は家族介護を行う労働者の福祉に関する法律",
        "育児介護休業法": "育児休業、介護休業等育児又は家族介護を行う労働者の福祉に関する法律",
        "均等法": "雇用の分野における男女の均等な機会及び待遇の確保等に関する法律",
        "男女雇用機会均等法": "雇用の分野における男女の均等な機会及び待遇の確保等に関する法律",
        "廃掃法": "廃棄物の処理及び清掃に関する法律",
        "景表法": "不当景品類及び不当表示防止法",
        "特商法": "特定商取引に関する法律",
        "下請法": "下請代金支払遅延等防止法",
        "犯収法": "犯罪による収益の移転防止に関する法律",
        "情報公開法": "行政機関の保有する情報の公開に関する法律",
        "公選法": "公職選挙法",
        "地公法": "地方公務員法",
        "国公法": "国家公務員法",
        "地自法": "地方自治法",
        "建基法": "建築基準法",
        "区分所有法": "建物の区分所有等に関する法律",
        "消契法": "消費者契約法",
        "不競法": "不正競争防止法",
        "PL法": "製造物責任法",
        "宅建業法": "宅地建物取引業法",
        "銀行法": "銀行法",
        "手形法": "手形法",
        "小切手法": "小切手法",
        "身元保証法": "身元保証ニ関スル法律",
    }
)


@cache
def bundled_aliases() -> tuple[tuple[str, str], ...]:
    """(title, alias) pairs of the bundled hanreidb-derived table, read once."""
    raw = resources.files("egov_core.citations").joinpath("data/law_aliases.tsv").read_text(encoding="utf-8")
    pairs = []
    for line in raw.splitlines():
        title, _, alias = line.partition("\t")
        if title and alias:
            pairs.append((title, alias))
    return tuple(pairs)


@cache
def bundled_titles() -> tuple[tuple[str, str], ...]:
    """(law_id, title) of every law in the bundled e-Gov index, read once."""
    raw = resources.files("egov_core.citations").joinpath("data/law_titles.tsv").read_text(encoding="utf-8")
    rows = []
    for line in raw.splitlines():
        law_id, _, title = line.partition("\t")
        if law_id and title:
            rows.append((law_id, title))
    return tuple(rows)


class LawNameTable:
    """Normalised law name (title or alias) → the titles it may stand for.

    Args:
        pairs: (title, alias) pairs; every title also names itself.
    """

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        table: dict[str, list[str]] = {}
        for title, alias in pairs:
            for name in (title, alias):
                titles = table.setdefault(normalize(name), [])
                if title not in titles:
                    titles.append(title)
        self._table = table
        self._index()

    def _index(self) -> None:
        self.max_len = max((len(k) for k in self._table), default=0)
        by_last: dict[str, set[int]] = {}
        for k in self._table:
            if k:
                by_last.setdefault(k[-1], set()).add(len(k))
        self._lengths = {c: tuple(sorted(ls, reverse=True)) for c, ls in by_last.items()}
        # Keyed by the last two characters: 「…法」 alone has dozens of name lengths, 「民法」 a handful.
        by_pair: dict[str, set[int]] = {}
        for k in self._table:
            if len(k) >= 2:
                by_pair.setdefault(k[-2:], set()).add(len(k))
        self._pair_lengths = {p: tuple(sorted(ls, reverse=True)) for p, ls in by_pair.items()}
        self._single = frozenset(k for k in self._table if len(k) == 1)

    def lengths_ending_with(self, char: str) -> tuple[int, ...]:
        """Lengths of the known names ending with ``char``, longest first (for longest-match lookups)."""
        return self._lengths.get(char, ())

    def longest_ending_at(self, s: str, end: int, floor: int = 0) -> int:
        """Length of the longest known name that ends at ``s[end]`` and starts at or after ``floor`` (0 if none)."""
        if end - floor >= 2:
            for k in self._pair_lengths.get(s[end - 2 : end], ()):
                if k <= end - floor and s[end - k : end] in self._table:
                    return k
        return 1 if end > floor and s[end - 1] in self._single else 0

    def titles_for(self, name: str) -> list[str]:
        """Titles ``name`` may stand for (empty when unknown); ``name`` is normalised first."""
        return list(self._table.get(normalize(name), ()))

    def __contains__(self, normalized_name: object) -> bool:
        return normalized_name in self._table

    def names(self) -> frozenset[str]:
        """Every known (normalised) name."""
        return frozenset(self._table)

    def extended(self, pairs: Iterable[tuple[str, str]]) -> LawNameTable:
        """A new table with more (title, alias) pairs (e.g. titles and abbreviations from the store)."""
        merged = LawNameTable(())
        merged._table = {k: list(v) for k, v in self._table.items()}
        for title, alias in pairs:
            for name in (title, alias):
                titles = merged._table.setdefault(normalize(name), [])
                if title not in titles:
                    titles.append(title)
        merged._index()
        return merged


@cache
def default_name_table() -> LawNameTable:
    """Built-in short names, the bundled alias table and every listed law title (loaded once per process).

    Built-in entries come first, so for a name both know (薬事法) the built-in title is listed first.
    """
    titles = ((t, t) for _, t in bundled_titles())
    return LawNameTable([*((t, a) for a, t in BUILTIN_ABBREVIATIONS.items()), *bundled_aliases(), *titles])
