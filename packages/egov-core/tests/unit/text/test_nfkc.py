"""The fast NFKC is ``unicodedata.normalize("NFKC", …)`` exactly: on real statutes, per character, at the edges."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from egov_core.ingest import iter_law_sources
from egov_core.ingest.units import search_units
from egov_core.parsing import parse_law
from egov_core.sample import sample_laws_zip
from egov_core.text.normalize import nfkc


def _reference(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def test_every_character_alone() -> None:
    """Each code point (surrogates aside) normalises as unicodedata does, the fast path's block included."""
    different = [
        c for c in map(chr, range(sys.maxunicode + 1)) if not 0xD800 <= ord(c) <= 0xDFFF and nfkc(c) != _reference(c)
    ]
    assert different == []


@pytest.mark.parametrize(
    "text",
    [
        "",
        "ascii only (1)",
        "第一条　この法律は、（中略）第２項及び第３項に定める。",
        "Ａ\u0301 and Ｅ\u0308\u0301",  # full-width letters then combining marks: composed as NFKC composes them
        "ｶﾞｷﾞ　ﾊﾟ",  # half-width kana with voiced marks, beside an ideographic space
        "（\u3099）",  # a combining voiced mark after a full-width parenthesis
        "①　㈱　ｱ　～　〜　−",  # other compatibility characters, outside the fast path's block
        "\uff5f\uff60\uff00\uff01\uff5e",  # the edges of the full-width block
        "\u3000" * 5 + "\uff10" * 5,
    ],
)
def test_edges(text: str) -> None:
    assert nfkc(text) == _reference(text)


def test_the_sample_laws_units() -> None:
    """Every search unit of the bundled sample normalises as before (these texts feed the search tokens)."""
    texts = [
        unit.text
        for source in iter_law_sources([sample_laws_zip()])
        for unit in search_units(parse_law(source.read(), source=source.name))
    ]
    assert len(texts) > 1000
    assert [nfkc(t) for t in texts] == [_reference(t) for t in texts]
