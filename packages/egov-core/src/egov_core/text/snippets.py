"""Snippets with the matched terms marked, as offsets into the ORIGINAL text and as escaped ``<em>`` HTML.

Matching runs on the normalised text (the same normalisation as the index), and every position is
mapped back to the original characters, so a full-width ``１２`` in a statute is highlighted where it
stands even though the query said ``12``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from egov_core.text.ngrams import _BREAK
from egov_core.text.normalize import _VARIANTS, normalize

__all__ = ["UNRENDERED", "Snippet", "find_term_spans", "make_snippet", "normalize_with_offsets", "warm_up"]

_BREAK_CLASS = "[" + "".join(re.escape(c) for c in sorted(_BREAK)) + "]"


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """The normalised text and, per normalised character, the index of the original character it came from.

    The list has one extra entry (``len(text)``) so that an end offset maps too.
    """
    norm = normalize(text)
    if len(norm) == len(text):
        return norm, list(range(len(text) + 1))
    offsets: list[int] = []
    for i, ch in enumerate(text):
        offsets.extend([i] * len(normalize(ch)))
    # Per-character NFKC can differ from whole-string NFKC (combining marks): pad or trim to match.
    offsets = [*offsets, *[len(text)] * len(norm)][: len(norm)]
    offsets.append(len(text))
    return norm, offsets


def _reverse_map() -> dict[str, set[str]]:
    """Normalised character → the original characters that normalise to it (full-width, upper case, 旧字 …)."""
    ranges = [(0x20, 0x7F), (0x3000, 0x30FF), (0xF900, 0xFAFF), (0xFF00, 0xFFEF)]
    chars = {chr(c) for lo, hi in ranges for c in range(lo, hi)}
    chars |= {chr(c) for c in _VARIANTS}
    out: dict[str, set[str]] = {}
    for ch in chars:
        n = normalize(ch)
        if len(n) == 1 and n != ch:
            out.setdefault(n, set()).add(ch)
    return out


_REVERSE = _reverse_map()


@lru_cache(maxsize=1)
def _uncovered() -> frozenset[str]:
    """Characters the direct match cannot see through: those that normalise to several characters (㍻ →
    平成) or to one that :data:`_REVERSE` does not list (① → 1). Only a text holding one of them needs the
    (slow, per-character) normalisation with an offset map. Built once, on first use (~0.3 s); a set,
    because ``isdisjoint`` scans a text in C far faster than a regex class of ~2,000 characters."""
    chars = set()
    for c in (*range(0x80, 0xD800), *range(0xE000, 0x10000), *range(0x2F800, 0x2FA20)):
        ch = chr(c)
        n = normalize(ch)
        if n != ch and not (len(n) == 1 and ch in _REVERSE.get(n, ())):
            chars.add(ch)
    return frozenset(chars)


def warm_up() -> None:
    """Build the tables :func:`make_snippet` builds lazily (~0.3 s), so no request pays for them."""
    _uncovered()


_BREAK_ALL = _BREAK | {c for n, cs in _REVERSE.items() if n in _BREAK for c in cs}
_BREAK_ANY = "[" + "".join(re.escape(c) for c in sorted(_BREAK_ALL)) + "]"


@lru_cache(maxsize=512)
def _term_re(term: str) -> re.Pattern[str]:
    """A pattern matching ``term`` (normalised) in NORMALISED text; a break character matches any break."""
    return re.compile("".join(_BREAK_CLASS if c in _BREAK else re.escape(c) for c in term))


@lru_cache(maxsize=512)
def _original_re(term: str) -> re.Pattern[str]:
    """A pattern matching ``term`` (normalised) directly in ORIGINAL text: each character also matches the
    characters that normalise to it (１ for 1, 條 for 条, Ａ for a), so no offset map is needed."""
    parts = []
    for c in term:
        if c in _BREAK:
            parts.append(_BREAK_ANY)
        elif c in _REVERSE:
            parts.append("[" + "".join(re.escape(x) for x in sorted({c, *_REVERSE[c]})) + "]")
        else:
            parts.append(re.escape(c))
    return re.compile("".join(parts))


def _merge(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    spans.sort()
    merged: list[tuple[int, int, str]] = []
    for s, e, t in spans:
        if merged and s < merged[-1][1]:
            ps, pe, pt = merged[-1]
            merged[-1] = (ps, max(pe, e), pt)
        else:
            merged.append((s, e, t))
    return merged


def find_term_spans(norm: str, terms: Iterable[str], *, limit: int = 500) -> list[tuple[int, int, str]]:
    """(start, end, term) of every occurrence of each term in the normalised text, in order, overlaps merged."""
    spans: list[tuple[int, int, str]] = []
    for term in terms:
        if not term:
            continue
        for m in _term_re(term).finditer(norm):
            spans.append((m.start(), m.end(), term))
            if len(spans) >= limit:
                break
    return _merge(spans)


def _original_spans(text: str, terms: Iterable[str], limit: int = 500) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    for term in terms:
        if not term:
            continue
        for m in _original_re(term).finditer(text):
            spans.append((m.start(), m.end(), term))
            if len(spans) >= limit:
                break
    return _merge(spans)


@dataclass(frozen=True, slots=True)
class Snippet:
    """A window of a text with the matched terms marked.

    Attributes:
        text: the window, in the original characters (line breaks shown as spaces).
        highlights: (start, end) of each match as character offsets (Python str indices, i.e. code
            points) into :attr:`text`.
        html: :attr:`text` HTML-escaped, with each match wrapped in ``<em>…</em>``.
        start: offset of the window in the whole text.
        truncated_start: text was cut before the window.
        truncated_end: text was cut after the window.
    """

    text: str
    highlights: tuple[tuple[int, int], ...]
    html: str
    start: int
    truncated_start: bool
    truncated_end: bool


#: The snippet of a hit whose snippet was not built (searches called with ``snippets=False`` leave the
#: text in the hit's ``source_text`` instead, so a caller that keeps a few of many hits renders only those).
UNRENDERED = Snippet("", (), "", 0, False, False)


def _best_window(spans: Sequence[tuple[int, int, str]], width: int) -> int:
    """Normalised start of the window that shows the most distinct terms (earliest on ties).

    Spans are sorted by start; a sliding window keeps it linear (a 1-character term can match hundreds
    of times in a long unit, and a quadratic scan of those showed up in search latency). The number of
    distinct terms in the window is kept as counts change: recounting it per span cost terms × spans, most
    of /api/2/keyword's time for 16 common one-character terms and 1,000 sentences.
    """
    if len({t for _, _, t in spans}) == 1 or spans[-1][1] - spans[0][0] <= width:
        return spans[0][0]  # one term, or every match in one window: the earliest window shows them all
    best, best_score = spans[0][0], -1
    counts: dict[str, int] = {}
    distinct = 0
    j = 0
    for i, (s, _, _) in enumerate(spans):
        # spans[i:j] are the spans that start at or after s and end within the window
        j = max(j, i)
        while j < len(spans) and spans[j][1] <= s + width:
            t = spans[j][2]
            counts[t] = counts.get(t, 0) + 1
            distinct += counts[t] == 1
            j += 1
        if distinct > best_score:
            best, best_score = s, distinct
        if i < j:
            t = spans[i][2]
            counts[t] -= 1
            distinct -= counts[t] == 0
    return best


def make_snippet(text: str, terms: Iterable[str], *, width: int = 120, lead: int = 20) -> Snippet:
    """A snippet of ``text`` around the matches of ``terms`` (normalised query terms).

    Terms are matched directly in the original text through per-character equivalence classes (fast:
    no normalisation of long units); only when that finds nothing is the text normalised with an
    offset map (for the rare compatibility characters that expand, like ㍻).

    Args:
        text: the original text.
        terms: normalised terms to mark (:attr:`egov_core.text.query.ParsedQuery.positive_terms`).
        width: window length in characters.
        lead: characters shown before the first match in the window.
    """
    terms = tuple(terms)
    if len(terms) == 1 and terms[0]:
        one = _one_term_snippet(text, terms[0], width, lead)
        if one is not None:
            return one
    spans = _original_spans(text, terms)
    # Nothing found directly is the common case for semantic hits (the query is a sentence); normalising
    # the whole unit only helps when it holds a character the direct match cannot see through.
    if not spans and terms and not _uncovered().isdisjoint(text):
        norm, offsets = normalize_with_offsets(text)
        spans = [(offsets[s], offsets[e], t) for s, e, t in find_term_spans(norm, terms)]
    start = max(0, _best_window(spans, width - lead) - lead) if spans else 0
    end = min(len(text), start + width)
    return _render(text, start, end, tuple((s - start, e - start) for s, e, _ in spans if s >= start and e <= end))


def _one_term_snippet(text: str, term: str, width: int, lead: int) -> Snippet | None:
    """:func:`make_snippet` of one term matched directly in ``text`` (None: no direct match).

    With one term the window starts ``lead`` before its first match (:func:`_best_window`'s answer), so only
    that match and those inside the window are looked for: a keyword search's usual query is one term, and a
    1-character one (税) matches hundreds of times in a long unit, every one of which the general path finds,
    sorts and filters. The term's pattern has one character class per character, so the matches inside the
    window are the same whether the scan starts at the text's start or at the first match.
    """
    pattern = _original_re(term)
    first = pattern.search(text)
    if first is None:
        return None
    start = max(0, first.start() - lead)
    end = min(len(text), start + width)
    matches = pattern.finditer(text, first.start(), end)
    if start:
        highlights = tuple([(m.start() - start, m.end() - start) for m in matches])
    else:
        highlights = tuple([m.span() for m in matches])
    return _render(text, start, end, highlights)


def _render(text: str, start: int, end: int, highlights: tuple[tuple[int, int], ...]) -> Snippet:
    """The snippet of ``text[start:end]`` with ``highlights`` (offsets into the window) marked."""
    window = text[start:end].replace("\r", " ").replace("\n", " ")
    parts: list[str] = []
    cursor = 0
    if "&" in window or "<" in window or ">" in window:
        for s, e in highlights:
            parts += (_escape(window[cursor:s]), "<em>", _escape(window[s:e]), "</em>")
            cursor = e
        parts.append(_escape(window[cursor:]))
    else:  # statute text seldom holds a character to escape: one scan of the window, not an escape per piece
        for s, e in highlights:
            parts += (window[cursor:s], "<em>", window[s:e], "</em>")
            cursor = e
        parts.append(window[cursor:])
    return Snippet(window, highlights, "".join(parts), start, start > 0, end < len(text))


def _escape(s: str) -> str:
    return html.escape(s, quote=False)
