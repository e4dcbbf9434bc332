"""A search unit's uni+bigram tokens as PostgreSQL's *binary* ``tsvector``, compiled when possible.

Import used to spend about half of its Python CPU building the text literal of
:func:`egov_core.text.tsvector_literal` and PostgreSQL a third of its own parsing it back. Here the same
value is produced in the binary layout that ``COPY … (FORMAT binary)`` reads (``tsvectorrecv``): lexemes
already in PostgreSQL's order, so the server neither parses nor sorts them. The work is done by the C
extension ``_ctsvector`` (built by egov-core's wheel hook where a compiler exists) and otherwise by
:func:`tsvector_binary_py`, which gives the same bytes (a test compares both on real statutes).

Layout: int32 lexeme count; per lexeme in bytewise (code point) order its UTF-8 bytes, NUL, uint16
position count and the positions, ascending. PostgreSQL keeps at most 256 positions of a lexeme (its text
input drops the rest, its binary input refuses them), so only the first 256 are sent.
"""

from __future__ import annotations

import struct
from collections.abc import Callable

from egov_core.text.ngrams import _BREAK, MAX_POSITION
from egov_core.text.normalize import _VARIANTS, nfkc, normalize

__all__ = ["COMPILED", "tsvector_binary", "tsvector_binary_py"]

#: PostgreSQL's MAXNUMPOS: positions kept per lexeme.
MAX_POSITIONS = 256


def tsvector_binary_py(text: str) -> bytes:
    """The binary ``tsvector`` of ``text``'s uni+bigrams, equal to ``tsvector_literal(text)::tsvector``."""
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
    # str order is code point order, which is UTF-8 byte order with a prefix first: PostgreSQL's.
    parts = [struct.pack(">i", len(positions))]
    for lexeme in sorted(positions):
        ps = positions[lexeme][:MAX_POSITIONS]
        parts.append(lexeme.encode() + struct.pack(f">xH{len(ps)}H", len(ps), *ps))
    return b"".join(parts)


def _compiled() -> Callable[[str], bytes] | None:
    try:
        from egov_core.ingest import _ctsvector  # optional: built only where a compiler was
    except ImportError:
        return None
    # The extension reads the one definition of break characters and folds (normalize's translate table).
    _ctsvector.configure("".join(sorted(_BREAK)), dict(_VARIANTS))
    binary = _ctsvector.tsvector_binary

    def tsvector_binary_c(text: str) -> bytes:
        # normalize() is NFKC, then the folds, then lower(); the folds only touch characters lower() leaves
        # alone, so the extension applies them last, in the same pass as the tokens.
        return binary(nfkc(text).lower()[:MAX_POSITION])

    return tsvector_binary_c


_fast = _compiled()
#: Whether the C extension is in use (reported by ``egov ingest`` benchmarks).
COMPILED = _fast is not None
#: The binary ``tsvector`` of a unit's text: the compiled one when built, else :func:`tsvector_binary_py`.
tsvector_binary: Callable[[str], bytes] = _fast or tsvector_binary_py
