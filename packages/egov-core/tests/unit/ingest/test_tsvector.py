"""The compiled search tokens are byte for byte the pure-Python ones, on real statutes and at the edges."""

from __future__ import annotations

import struct

import pytest

from egov_core.ingest import iter_law_sources
from egov_core.ingest._tsvector import COMPILED, tsvector_binary, tsvector_binary_py
from egov_core.ingest.units import search_units
from egov_core.parsing import parse_law
from egov_core.sample import sample_laws_zip
from egov_core.text import MAX_POSITION, tsvector_literal

needs_extension = pytest.mark.skipif(not COMPILED, reason="the C extension was not built (no compiler)")


def _decode(data: bytes) -> dict[str, list[int]]:
    """Read a binary tsvector back (the layout tsvectorrecv reads), checking its order as PostgreSQL does."""
    (count,) = struct.unpack_from(">i", data)
    offset, lexemes = 4, {}
    for _ in range(count):
        end = data.index(b"\x00", offset)
        lexeme = data[offset:end].decode()
        (npos,) = struct.unpack_from(">H", data, end + 1)
        lexemes[lexeme] = list(struct.unpack_from(f">{npos}H", data, end + 3))
        offset = end + 3 + 2 * npos
    assert offset == len(data)
    assert list(lexemes) == sorted(lexemes, key=str.encode)
    return lexemes


def _literal_lexemes(text: str) -> dict[str, list[int]]:
    """The lexemes of the shared text literal, as PostgreSQL keeps them (at most 256 positions each)."""
    out = {}
    for part in tsvector_literal(text).split(" ") if tsvector_literal(text) else []:
        token, _, positions = part.rpartition(":")
        lexeme = token[1:-1].replace("''", "'").replace("\\\\", "\\")
        out[lexeme] = [int(p) for p in positions.split(",")][:256]
    return out


EDGES = [
    "",
    "、。「」",
    "民法第七百九条",
    "a\\b'c\\\\",  # backslash stays in a token; the quote is a break character
    "𠮷野家の𠮷と🍣",  # beyond the BMP: four UTF-8 bytes
    "條號國會　ＡＢＣ１２３ｶﾀｶﾅ",  # old-style kanji folded, NFKC widths, lower-cased
    "İstanbul ß Σ",  # lower() that changes lengths
    "法" * 700,  # more than 256 positions of one lexeme
    "あい" * (MAX_POSITION // 2 + 100),  # sliced at 16,383 characters
]


@pytest.mark.parametrize("text", EDGES)
def test_python_tokens_are_the_shared_literal(text: str) -> None:
    assert _decode(tsvector_binary_py(text)) == _literal_lexemes(text)


@needs_extension
@pytest.mark.parametrize("text", EDGES)
def test_compiled_tokens_equal_python_at_the_edges(text: str) -> None:
    assert tsvector_binary(text) == tsvector_binary_py(text)


#: 民法 (its long articles repeat characters past 256 positions), the Constitution and two shorter acts.
REAL_LAWS = {"129AC0000000089", "321CONSTITUTION", "403AC0000000090", "419AC0000000128"}


@needs_extension
def test_compiled_tokens_equal_python_on_real_laws() -> None:
    units = 0
    for item in iter_law_sources([sample_laws_zip()]):
        if item.law_id not in REAL_LAWS:
            continue
        law = parse_law(item.read(), source=item.name, law_id=item.law_id, law_revision_id=item.law_revision_id)
        for unit in search_units(law):
            assert tsvector_binary(unit.text) == tsvector_binary_py(unit.text), (item.name, unit.path)
            units += 1
    assert units > 500
