"""A faster producer of exactly the tokens of :func:`egov_core.text.tsvector_literal`.

Import spends most of its CPU here (every character of every statute yields two tokens), so the
loop is tuned: one dict lookup per token, no per-token helper calls, escaping only when needed. The
literal may list tokens in another order than ``tsvector_literal``; PostgreSQL sorts lexemes on input,
so ``literal::tsvector`` is the same value (the integration tests check that on real statutes).
"""

from __future__ import annotations

from egov_core.text import MAX_POSITION, normalize
from egov_core.text.ngrams import _BREAK

__all__ = ["fast_tsvector_literal"]


def fast_tsvector_literal(text: str) -> str:
    """The same ``tsvector`` as ``tsvector_literal(text)`` once cast, computed about twice as fast."""
    t = normalize(text)[:MAX_POSITION]
    positions: dict[str, list[int]] = {}
    get = positions.get
    breaks = _BREAK
    prev = ""
    for i, ch in enumerate(t, 1):
        if ch in breaks:
            prev = ""
            continue
        found = get(ch)
        if found is None:
            positions[ch] = [i]
        else:
            found.append(i)
        if prev:
            bigram = prev + ch
            found = get(bigram)
            if found is None:
                positions[bigram] = [i - 1]
            else:
                found.append(i - 1)
        prev = ch
    parts = []
    for tok, ps in positions.items():
        if "'" in tok or "\\" in tok:
            tok = tok.replace("\\", "\\\\").replace("'", "''")
        parts.append(f"'{tok}':{ps[0]}" if len(ps) == 1 else f"'{tok}':{','.join(map(str, ps))}")
    return " ".join(parts)
