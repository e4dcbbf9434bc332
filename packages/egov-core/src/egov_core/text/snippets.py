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
from egov_core.text.normalize import normalize

__all__ = ["Snippet", "find_term_spans", "make_snippet", "normalize_with_offsets"]

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


@lru_cache(maxsize=256)
def _term_re(term: str) -> re.Pattern[str]:
    # A break character inside a term matches any break character: the index ignores which one it was.
    return re.compile("".join(_BREAK_CLASS if c in _BREAK else re.escape(c) for c in term))


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
    spans.sort()
    merged: list[tuple[int, int, str]] = []
    for s, e, t in spans:
        if merged and s < merged[-1][1]:
            ps, pe, pt = merged[-1]
            merged[-1] = (ps, max(pe, e), pt)
        else:
            merged.append((s, e, t))
    return merged


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


def _best_window(spans: Sequence[tuple[int, int, str]], width: int) -> int:
    """Normalised start of the window that shows the most distinct terms (earliest on ties)."""
    best, best_score = spans[0][0], -1
    for i, (s, _, _) in enumerate(spans[:100]):
        terms = {t for (s2, e2, t) in spans[i:] if e2 <= s + width}
        if len(terms) > best_score:
            best, best_score = s, len(terms)
    return best


def make_snippet(text: str, terms: Iterable[str], *, width: int = 120, lead: int = 20) -> Snippet:
    """A snippet of ``text`` around the matches of ``terms`` (normalised query terms).

    Args:
        text: the original text.
        terms: normalised terms to mark (:attr:`egov_core.text.query.ParsedQuery.positive_terms`).
        width: window length in normalised characters.
        lead: characters shown before the first match in the window.
    """
    norm, offsets = normalize_with_offsets(text)
    spans = find_term_spans(norm, terms)
    if spans:
        anchor = _best_window(spans, width - lead)
        n_start = max(0, anchor - lead)
    else:
        n_start = 0
    n_end = min(len(norm), n_start + width)
    o_start, o_end = offsets[n_start], offsets[n_end]
    window = text[o_start:o_end].replace("\r", " ").replace("\n", " ")
    highlights: list[tuple[int, int]] = []
    for s, e, _ in spans:
        if s >= n_start and e <= n_end:
            highlights.append((offsets[s] - o_start, offsets[e] - o_start))
    parts: list[str] = []
    cursor = 0
    for s, e in highlights:
        parts.append(html.escape(window[cursor:s], quote=False))
        parts.append("<em>" + html.escape(window[s:e], quote=False) + "</em>")
        cursor = e
    parts.append(html.escape(window[cursor:], quote=False))
    return Snippet(
        text=window,
        highlights=tuple(highlights),
        html="".join(parts),
        start=o_start,
        truncated_start=o_start > 0,
        truncated_end=o_end < len(text),
    )
