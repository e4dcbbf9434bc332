"""Character uni+bigram tokens stored as a PostgreSQL ``tsvector`` (``simple`` configuration).

Every character position ``i`` (1-based) of the normalised text carries the unigram ``t[i]`` and the
bigram ``t[i]t[i+1]``. A query term of length 1 is the unigram, of length 2 the bigram, and longer terms
a phrase of consecutive bigrams (``ab <-> bc <-> cd``): exactly substring matching, on stock PostgreSQL
with GIN and no extension. Whitespace and punctuation produce no token but keep their position, so a
phrase never matches across them.
"""

from __future__ import annotations

from egov_core.text.normalize import normalize

#: PostgreSQL clamps tsvector positions to 16383: texts longer than this must be split by the caller.
MAX_POSITION = 16383

# Characters that never start or end a token. Japanese statutes use 、。「」（）・ and full-width
# spaces heavily; after NFKC most of them are ASCII punctuation.
_BREAK = frozenset(" \t\r\n\u3000、。，．,.「」『』（）()［］[]｛｝{}〔〕・：:；;！!？?\"'`")


def _quote(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(text: str, *, normalized: bool = False) -> str:
    """The ``tsvector`` literal (``'ab':1,5 'b':2 …``) of ``text``'s uni+bigrams with positions.

    Args:
        text: the text to index (at most :data:`MAX_POSITION` characters are indexed).
        normalized: pass True when ``text`` is already :func:`normalize`-d.

    Returns:
        A string to cast with ``::tsvector`` (not ``to_tsvector``: the tokens are final).
    """
    t = text if normalized else normalize(text)
    t = t[:MAX_POSITION]
    positions: dict[str, list[int]] = {}
    n = len(t)
    for i, ch in enumerate(t):
        if ch in _BREAK:
            continue
        pos = i + 1
        positions.setdefault(ch, []).append(pos)
        if i + 1 < n and t[i + 1] not in _BREAK:
            positions.setdefault(t[i : i + 2], []).append(pos)
    return " ".join(f"{_quote(tok)}:{','.join(map(str, ps))}" for tok, ps in positions.items())
