"""How a query is read: keywords or a sentence, and a sentence's content words.

Boolean keyword search ANDs phrase terms, which is right for keywords and matches nothing for a
question. A question is cut into content words instead (kanji / katakana runs, and the overlapping
3-character pieces of long runs, since 「届出書提出外国会社」 is written in pieces in the statute).
"""

from __future__ import annotations

import re

from egov_core.errors import InvalidQueryError
from egov_core.text import normalize
from egov_core.text.query import MAX_QUERY_LENGTH, MAX_TERMS, parse_query

__all__ = ["content_terms", "is_sentence", "keyword_query_for", "ranked_terms", "snippet_terms"]

# Content words of a Japanese sentence are runs of kanji or katakana; particles and endings are hiragana.
_RUN = re.compile(r"[\u4e00-\u9fff々〆ヵヶ]{2,}|[\u30a1-\u30fcー]{2,}|[a-z0-9]{3,}")
_MAX_CONTENT_TERMS = 48
# Runs that occur in nearly every provision and would only dilute an OR query.
_STOP = frozenset(
    {"場合", "規定", "当該", "以下", "同条", "同項", "同号", "次条", "前条", "前項", "各号", "教", "正", "定"}
)
_SYNTAX = re.compile(r'["「」|]|\bOR\b|^-')


def content_terms(query: str) -> list[str]:
    """Content words of ``query`` (normalised), then 3-character pieces of runs longer than 4, first-seen order."""
    runs = [r.removeprefix("第").removesuffix("第") for r in _RUN.findall(normalize(query))]
    words: list[str] = [r for r in runs if len(r) >= 2]
    for r in runs:
        if len(r) > 4:
            words.extend(r[i : i + 3] for i in range(len(r) - 2))
    return list(dict.fromkeys(words))[:_MAX_CONTENT_TERMS]


def is_sentence(query: str) -> bool:
    """True when ``query`` reads as a sentence, not keywords.

    Keywords: Boolean syntax (quotes, ``OR``, ``|``, a leading ``-``), at most 12 characters, or at most
    six space-separated words of at most 12 characters each.
    """
    stripped = query.strip()
    tokens = stripped.split()
    return not (
        _SYNTAX.search(stripped) or len(stripped) <= 12 or (len(tokens) <= 6 and all(len(t) <= 12 for t in tokens))
    )


def keyword_query_for(query: str) -> str:
    """The Boolean keyword query for ``query``.

    A query written as keywords is used as it is. A sentence
    (「借地借家法に基づき家賃の増額を請求できるのはどのような場合か」) would be one phrase that matches
    nothing, so it becomes an ``OR`` of its content words (kanji and katakana runs), longest first.
    """
    stripped = query.strip()
    if not is_sentence(stripped):
        return stripped
    words: list[str] = []
    for w in _RUN.findall(normalize(stripped)):
        w = w.removeprefix("第").removesuffix("第")
        if len(w) >= 2 and w not in _STOP and w not in words:
            words.append(w)
    words.sort(key=len, reverse=True)
    return " OR ".join(words[:MAX_TERMS]) if words else stripped


def ranked_terms(query: str) -> list[str]:
    """The words a ranked search weighs: the content words, or for a query without any (「税」, a word in
    hiragana) its keyword terms; none when it holds no searchable character."""
    words = content_terms(query)
    if words:
        return words
    try:
        return list(parse_query(query, max_length=max(MAX_QUERY_LENGTH, len(query))).positive_terms)
    except InvalidQueryError:
        return []


def snippet_terms(query: str) -> tuple[str, ...]:
    """Normalised terms of ``query`` to mark in snippets: its content words when it is a sentence, else
    its keyword terms; none when it does not parse."""
    if is_sentence(query):
        return tuple(content_terms(query))
    try:
        return parse_query(query, max_length=max(MAX_QUERY_LENGTH, len(query))).positive_terms
    except InvalidQueryError:
        return ()
