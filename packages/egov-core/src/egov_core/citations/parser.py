"""Find statute citations in free Japanese text (pure: no I/O), in time and memory linear in the text.

The text is normalised (NFKC, 舊字 folded: 條 → 条) for matching; offsets refer to the original text.
A citation is a *head* (条 / 項 / 号, absolute or relative, optionally under 附則) preceded by the law
it cites: a known name or alias (longest match), a name of the general shape 「…法」「…令」「…規則」,
同法 (the previous citation's law), 法 (the act a 施行令 implements) or nothing (the context law).
Lists (及び, 並びに, 、, ・, 又は) and ranges (から…まで, ―) continue the previous citation.

Linear, because a hostile text (「第一条」 × 33,333, 「一」 × 100,000) must cost no more than a friendly
one: a head never starts inside a numeral run (so a run is read at most twice), and every look back
from a head (the law name, an annotation, a law number) stops at the end of the previous citation and
at :data:`NAME_SCAN_CAP` characters, so the regions read backwards do not overlap.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import replace
from functools import lru_cache

from egov_core.citations.model import CitationMatch, CitationParts, LawRef, Relative
from egov_core.citations.names import LawNameTable, default_name_table
from egov_core.errors import InvalidNumeralError
from egov_core.numerals import kanji_to_int
from egov_core.text.normalize import normalize

__all__ = ["NAME_SCAN_CAP", "find_citations", "iter_citations"]

#: How far back from a head a law name is looked for (the longest e-Gov title has 148 characters).
NAME_SCAN_CAP = 160

_NUM = "[0-9〇一二三四五六七八九十百千]++"
# A 枝番 number must not run into a word (の一部, の一般): it ends before a non-kanji or a citation word.
_BRANCH = rf"(?:[のノ]{_NUM}(?![一-龥々])|[のノ]{_NUM}(?=[第条項号及並又若前同次中本附各等以規所]))*+"
_IROHA = "イロハニホヘトチリヌルヲワカヨタレソツネナラムウヰノオクヤマケフコエテアサキユメミシヱヒモセス"

_HEAD_RE = re.compile(
    rf"""
    (?<![0-9〇一二三四五六七八九十百千])  # never inside a numeral run: keeps the scan linear
    (?=附則|第|[0-9〇一二三四五六七八九十百千]|前|次|同|本)
    (?P<suppl>附則)?
    (?:(?:第\s?)?(?P<art>{_NUM})\s?条(?P<artbr>{_BRANCH})(?![約例件理文])
       |(?P<artrel>前条|次条|同条|本条)|前(?P<artn>{_NUM})条)?
    (?:(?:第\s?)?(?P<para>{_NUM})\s?項|(?P<pararel>前各項|前項|次項|同項|本項)|前(?P<paran>{_NUM})項)?
    (?:(?:第\s?)?(?P<item>{_NUM})\s?号(?P<itembr>{_BRANCH})(?![被様証])(?P<sub>[{_IROHA}](?![ァ-ヴー]))?
       |(?P<itemrel>前各号|前号|次号|同号|本号)(?P<relsub>[{_IROHA}](?![ァ-ヴー]))?|前(?P<itemn>{_NUM})号)?
    """,
    re.VERBOSE,
)
# Separators after which a bare head continues the previous citation's list, and range separators.
_LIST_SEP_RE = re.compile(r"(?:及び|並びに|又は|若しくは|及|並|、|,|・|\(|\s)\s?$")
_RANGE_SEP_RE = re.compile(r"^\s?(?:から|乃至|~|～|―|－|‐|-)\s?$")
_RANGE_END_RE = re.compile(r"\s?まで")
_LAW_NUMBER_BEFORE_RE = re.compile(r"(?:法律|政令|省令|府令|規則|令|告示|条例|勅令|年|\)|巻|集)$")
_ANNOTATION_AFTER_RE = re.compile(r"\s?\(([^()]{1,80})\)")

_KANJI = re.compile(r"[一-龥々〆ヵヶァ-ヺー]")
_CONNECTORS = ("に関する", "における", "との", "に係る", "による", "に基づく", "のための", "ニ関スル", "ニ於ケル", "ノ")
_LAW_SUFFIXES = ("法律", "法", "令", "規則", "省令", "府令", "条例", "規程", "条約", "協定", "憲法", "勅令")
# Longest law-name continuation looked at after a known name (施行規則, 施行令, 等の一部を改正する法律 …).
_MAX_CONTINUATION = 12
_NUMERAL_CHARS = "0-9〇一二三四五六七八九十百千"
# 「（平成二十九年法律第四十四号による改正前のもの）」: the text before that amendment is cited.
_BEFORE_AMENDMENT_RE = re.compile(
    rf"(?P<law>(?:明治|大正|昭和|平成|令和)(?:元|[{_NUMERAL_CHARS}]+)年(?:法律|政令)第?[{_NUMERAL_CHARS}]+号)?"
    r"(?:による|により)?(?:改正|廃止)(?:前|以前)"
)
_HISTORICAL_PREFIXES = ("改正前の", "改正前")
# How far before a head a law named without a provision still gives it its law (同法, bare 第三条).
_MENTION_WINDOW = 400
_SAME_LAW = ("同法", "同令", "同規則", "同省令", "同法律")
_REL = {
    "前条": Relative.PREVIOUS,
    "次条": Relative.NEXT,
    "同条": Relative.SAME,
    "本条": Relative.THIS,
    "前項": Relative.PREVIOUS,
    "次項": Relative.NEXT,
    "同項": Relative.SAME,
    "本項": Relative.THIS,
    "前各項": Relative.ALL_PREVIOUS,
    "前号": Relative.PREVIOUS,
    "次号": Relative.NEXT,
    "同号": Relative.SAME,
    "本号": Relative.THIS,
    "前各号": Relative.ALL_PREVIOUS,
}


@lru_cache(maxsize=4096)  # the same few numbers recur thousands of times in a long text
def _int(numeral: str) -> int:
    return kanji_to_int(numeral)


@lru_cache(maxsize=4096)
def _num(main: str, branches: str) -> str:
    parts = [main, *[p for p in re.split("[のノ]", branches) if p]]
    return "_".join(str(_int(p)) for p in parts)


def _offsets(text: str, norm: str) -> list[int]:
    """Normalised index → original index (plus one end entry)."""
    if len(norm) == len(text):
        return list(range(len(text) + 1))
    out: list[int] = []
    for i, ch in enumerate(text):
        out.extend([i] * len(normalize(ch)))
    # Per-character NFKC can differ from whole-string NFKC (combining marks): pad or trim to match.
    out = [*out, *[len(text)] * len(norm)][: len(norm)]
    out.append(len(text))
    return out


def _kanji_run_start(s: str, end: int, floor: int) -> int:
    """Start of the law-name-like run ending at ``end``: kanji/katakana, across に関する-style connectors.

    The run never starts before ``floor``; a run that reaches ``floor`` may be longer than it looks.
    """
    i = end
    while True:
        while i > floor and _KANJI.match(s[i - 1]):
            i -= 1
        for conn in _CONNECTORS:
            j = i - len(conn)
            if j > floor and s[j:i] == conn and _KANJI.match(s[j - 1]):
                i = j
                break
        else:
            return i


def _law_before(s: str, pos: int, names: LawNameTable, floor: int = 0) -> tuple[int, CitationParts] | None:
    """The law named right before ``pos`` (start offset and the law fields), if any.

    Nothing before ``floor`` (the end of the previous citation) nor more than :data:`NAME_SCAN_CAP`
    characters back is read.
    """
    floor = max(floor, pos - NAME_SCAN_CAP)
    end = pos - 1 if pos > floor and s[pos - 1] == " " else pos
    annotation = None
    if end > floor and s[end - 1] == ")":
        opening = s.rfind("(", max(floor, end - 82), end - 1)
        if opening > floor:
            annotation, end = s[opening + 1 : end - 1], opening
    for same in _SAME_LAW:
        if s.endswith(same, floor, end):
            return end - len(same), CitationParts(law_ref=LawRef.SAME, annotation=annotation)
    run_start = _kanji_run_start(s, end, floor)
    # A run cut off by the cap is longer than any law name: only a known name at its end can count.
    capped = run_start == floor and floor == pos - NAME_SCAN_CAP
    known = names.longest_ending_at(s, end, floor)
    # The longest known name wins over the run it ends: the table holds every listed law title, so what
    # stands before a known name is not part of it (直接民法, 当該民法, 刑法及民法, 改正前民法).
    name_start = end - known if known else run_start
    name = s[name_start:end]
    if not known:
        if capped:
            return None
        if name in ("法", "法律"):
            return name_start, CitationParts(law_ref=LawRef.ACT, annotation=annotation)
        if name == "本法":
            return name_start, CitationParts(law_ref=LawRef.THIS, annotation=annotation)
        if name == "旧法":
            return name_start, CitationParts(law_ref=LawRef.THIS, old_law=True, annotation=annotation)
        if len(name) < 2 or not name.endswith(_LAW_SUFFIXES):
            return None
    old = False
    if name.startswith("旧") and len(name) > 2:
        name, old = name[1:], True
    elif name_start > floor and s[name_start - 1] == "旧":
        name_start, old = name_start - 1, True
    historical = s.endswith(_HISTORICAL_PREFIXES, floor, name_start)
    return name_start, CitationParts(
        law_name=name, law_ref=LawRef.NAME, old_law=old, annotation=annotation, historical=historical
    )


def _head_parts(m: re.Match[str]) -> CitationParts | None:
    g = m.group
    if not (
        g("art")
        or g("artrel")
        or g("para")
        or g("pararel")
        or g("item")
        or g("itemrel")
        or g("paran")
        or g("itemn")
        or g("artn")
    ):
        return None
    if g("item") and not (g("art") or g("artrel") or g("para") or g("pararel")) and _positional_bare(m):
        return None  # 「別表第二七一〇・一九号の二」: a tariff number, not an item (statutes write 第十九号)
    try:
        if g("artn"):  # 前二条: the N articles before, as a range (前二条 in 第三条 is 第一条 and 第二条)
            n = _int(g("artn"))
            base = CitationParts(suppl=g("suppl") is not None, article_rel=Relative.PREVIOUS)
            return replace(base, rel_count=n, range_end=base) if n > 1 else base
        if g("paran") or g("itemn"):  # 前二項 / 前三号: the N provisions before, as a range
            n = _int(g("paran") or g("itemn"))
            base = CitationParts(
                suppl=g("suppl") is not None,
                article=_num(g("art"), g("artbr")) if g("art") else None,
                article_rel=_REL[g("artrel")] if g("artrel") else None,
                paragraph_rel=Relative.PREVIOUS if g("paran") else None,
                item_rel=None if g("paran") else Relative.PREVIOUS,
            )
            return replace(base, rel_count=n, range_end=base) if n > 1 else base
        return CitationParts(
            suppl=g("suppl") is not None,
            article=_num(g("art"), g("artbr")) if g("art") else None,
            article_rel=_REL[g("artrel")] if g("artrel") else None,
            paragraph=_int(g("para")) if g("para") else None,
            paragraph_rel=_REL[g("pararel")] if g("pararel") else None,
            item=_num(g("item"), g("itembr")) if g("item") else None,
            item_rel=_REL[g("itemrel")] if g("itemrel") else None,
            subitems=(g("sub") or g("relsub"),) if g("sub") or g("relsub") else (),
        )
    except InvalidNumeralError:
        return None


def _positional_bare(m: re.Match[str]) -> bool:
    """An item number written digit by digit in kanji (一九, 二〇) with no 第 before it."""
    item = m.group("item")
    return (
        len(item) >= 2
        and all(c in "〇一二三四五六七八九" for c in item)
        and not m.string[max(0, m.start("item") - 2) : m.start("item")].rstrip().endswith("第")
    )


def _level(p: CitationParts) -> int:
    if p.article or p.article_rel or (p.suppl and not p.paragraph and not p.item):
        return 0
    return 1 if (p.paragraph or p.paragraph_rel) else 2


def _inherit(head: CitationParts, prev: CitationParts) -> CitationParts:
    """A list continuation takes the law (and the article / paragraph above its own level) from ``prev``."""
    level = _level(head)
    return replace(
        head,
        law_name=prev.law_name,
        law_ref=prev.law_ref,
        old_law=prev.old_law,
        annotation=prev.annotation,
        historical=prev.historical,
        amended_by=prev.amended_by,
        law_from_text=prev.law_from_text,
        suppl=head.suppl or prev.suppl,
        article=prev.article if level >= 1 else head.article,
        article_rel=prev.article_rel if level >= 1 else head.article_rel,
        paragraph=prev.paragraph if level >= 2 else head.paragraph,
        paragraph_rel=prev.paragraph_rel if level >= 2 else head.paragraph_rel,
        continuation=True,
    )


def _continues(between: str, head: CitationParts) -> bool:
    """A bare head right after a list separator (及び第七百十条) continues the previous citation."""
    return len(between) <= 4 and bool(_LIST_SEP_RE.search(between)) and not (head.article_rel or head.paragraph_rel)


def _mentions_before(s: str, lo: int, hi: int, names: LawNameTable) -> Iterator[str]:
    """Known law names in ``s[lo:hi]`` written without a provision, nearest first (as find_law_names reads them)."""
    end = hi
    while end > lo:
        known = names.longest_ending_at(s, end, lo)
        law = _law_before(s, end, names, lo) if known and not _continues_as_law(s, end) else None
        if law is None:
            end -= 1
            continue
        start, parts = law
        if parts.law_ref is LawRef.NAME and parts.law_name and parts.law_name in names and not parts.old_law:
            yield parts.law_name
        end = start


def _continues_as_law(s: str, end: int) -> bool:
    """The name ending at ``end`` goes on into a longer law name (民法|施行法, 薬機法|施行規則)."""
    run = end
    while run < len(s) and run - end < _MAX_CONTINUATION and _KANJI.match(s[run]):
        run += 1
        if s[end:run].endswith(_LAW_SUFFIXES):
            return True
    return False


_AFTER_PARENTHESIS_RE = re.compile(r"\)\s?(?:若しくは|又は|及び|並びに|、|,)\s?$")
# Citations remembered as possible list anchors, and how far back a parenthetical is searched for its start.
_RECENT = 16
_PARENTHESIS_SCAN = 300


def _anchor_across_parenthesis(s: str, begin: int, recent: dict[int, CitationParts]) -> CitationParts | None:
    """The citation a list continues across a parenthetical: 「第十九条第一項（同条第七項…を含む。）若しくは第三項」.

    The head at ``begin`` follows 「）若しくは」; the citation that ends right before the matching 「（」 is the one
    it continues.
    """
    sep = _AFTER_PARENTHESIS_RE.search(s, max(0, begin - 8), begin)
    if sep is None:
        return None
    depth = 0
    i = sep.start()
    while i >= max(0, begin - _PARENTHESIS_SCAN):
        ch = s[i]
        if ch == ")":
            depth += 1
        elif ch == "(":
            depth -= 1
            if depth == 0:
                return recent.get(i) or recent.get(i - 1)
        i -= 1
    return None


def _law_from_text(s: str, begin: int, lo: int, names: LawNameTable, head: CitationParts) -> CitationParts:
    """同法 → the law named last before it; a bare head → the one law named nearby, if only one is."""
    mentions = _mentions_before(s, lo, begin, names)
    if head.law_ref is LawRef.SAME:
        last = next(mentions, None)
        return replace(head, law_name=last, law_from_text=True) if last else head
    named = set()
    for name in mentions:
        named.add(name)
        if len(named) > 1:
            return head
    return replace(head, law_name=named.pop(), law_from_text=True) if named else head


def iter_citations(
    text: str, *, names: LawNameTable | None = None, start: int = 0, lookback: int | None = None
) -> Iterator[CitationMatch]:
    """Every statute citation in ``text``, in order, one at a time, with offsets into ``text``.

    Work and memory are linear in ``len(text)`` (plus a constant per citation), so a caller that stops
    early (a cap on citations per response) pays only for what it read.

    Args:
        text: free Japanese text (a statute, a judgment, a question).
        names: law names to recognise (defaults to the built-in and bundled aliases; pass
            ``default_name_table().extended(...)`` to add the titles of the laws in the store).
        start: yield only citations starting at or after this offset of ``text`` (the text before it
            is still read, so lists, ranges and 同法 see what came before).
        lookback: read only this many characters before ``start`` (None: from the beginning), so a page
            deep into a long text costs the page, not everything before it.

    Yields:
        One :class:`CitationMatch` per citation; list members (民法第七百九条及び第七百十条) are separate
        matches whose parts carry the law (and article) they continue; a range is one match with
        ``parts.range_end`` set. A range is yielded once its end is known.
    """
    table = names or default_name_table()
    s = normalize(text)
    offsets = _offsets(text, s)
    pending: tuple[int, int, CitationParts] | None = None  # the last citation, until no range extends it
    recent: dict[int, CitationParts] = {}  # end offset → parts of the last few citations (list anchors)

    def emit(c: tuple[int, int, CitationParts]) -> CitationMatch | None:
        a, b, parts = c
        return (
            CitationMatch(text[offsets[a] : offsets[b]], offsets[a], offsets[b], parts) if offsets[a] >= start else None
        )

    scan_from = 0
    if lookback is not None and start - lookback > 0:
        scan_from = bisect_left(offsets, start - lookback)
    for m in _HEAD_RE.finditer(s, scan_from):
        head = _head_parts(m)
        if head is None:
            continue
        begin, end = m.start(), m.end()
        floor = pending[1] if pending else scan_from
        gap = begin - floor
        # Separators are short: a long gap is never a list or range separator (and is never sliced).
        between = s[floor:begin] if pending and gap <= 6 else None
        # 第五条から第七条まで, and 第十七条第一項から第三項まで: the end may name less than the start.
        if pending and between is not None and _RANGE_SEP_RE.match(between) and _level(head) >= _level(pending[2]):
            after = _RANGE_END_RE.match(s, end)
            end = after.end() if after else end
            pending = (pending[0], end, replace(pending[2], range_end=_inherit(head, pending[2])))
            continue
        if (
            head.item
            and not head.article
            and head.paragraph is None
            and _LAW_NUMBER_BEFORE_RE.search(s, max(floor, begin - 4), begin)
        ):
            continue  # 法律第九十六号, 平成10年(オ)第1081号: a law or case number, not an item
        law = _law_before(s, begin, table, floor)
        if law is not None:
            begin, law_parts = law
            head = replace(
                head,
                law_name=law_parts.law_name,
                law_ref=law_parts.law_ref,
                old_law=law_parts.old_law,
                annotation=law_parts.annotation,
                historical=law_parts.historical,
            )
        elif pending and between is not None and _continues(between, head):
            head = _inherit(head, pending[2])
        elif (anchor := _anchor_across_parenthesis(s, begin, recent)) is not None and _continues("、", head):
            head = _inherit(head, anchor)
        if head.annotation is None:
            note = _ANNOTATION_AFTER_RE.match(s, end)
            if note and not _HEAD_RE.fullmatch(note.group(1)):
                head = replace(head, annotation=note.group(1))
        if head.annotation and not head.continuation and (amended := _BEFORE_AMENDMENT_RE.search(head.annotation)):
            head = replace(head, historical=True, amended_by=amended.group("law"))
        if not head.law_name and head.law_ref in (LawRef.SAME, LawRef.THIS) and not head.continuation:
            head = _law_from_text(s, begin, max(floor, begin - _MENTION_WINDOW), table, head)
        if pending and (out := emit(pending)):
            yield out
        pending = (begin, end, head)
        recent[end] = head
        if len(recent) > _RECENT:
            del recent[next(iter(recent))]
    if pending and (out := emit(pending)):
        yield out


def find_citations(text: str, *, names: LawNameTable | None = None) -> list[CitationMatch]:
    """Every statute citation in ``text``, in order (see :func:`iter_citations`)."""
    return list(iter_citations(text, names=names))
