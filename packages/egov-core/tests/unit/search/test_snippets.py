"""Snippets: offsets into the original (un-normalised) text, escaped <em> HTML."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from egov_core.text import make_snippet, normalize_with_offsets
from egov_core.text.snippets import _best_window, _original_spans

CIVIL_709 = (
    "第七百九条　故意又は過失によって他人の権利又は法律上保護される利益を侵害した者は、"
    "これによって生じた損害を賠償する責任を負う。"
)


def _marked(snippet_text: str, highlights: tuple[tuple[int, int], ...]) -> list[str]:
    return [snippet_text[s:e] for s, e in highlights]


def test_highlights_point_at_the_terms() -> None:
    s = make_snippet(CIVIL_709, ["故意又は過失", "損害"])
    assert _marked(s.text, s.highlights) == ["故意又は過失", "損害"]
    assert s.html.count("<em>") == 2
    assert "<em>故意又は過失</em>" in s.html
    assert not s.truncated_start


def test_full_width_digits_are_highlighted_where_they_stand() -> None:
    text = "報酬は月額１２万円とし、１２月に支払う。"
    s = make_snippet(text, ["12"])  # the query term, normalised
    assert _marked(s.text, s.highlights) == ["１２", "１２"]


def test_length_changing_normalisation_keeps_offsets() -> None:
    text = "㍻元年の税の規定。税率は一律とする。"  # ㍻ → 平成 (one character becomes two)
    norm, offsets = normalize_with_offsets(text)
    assert norm.startswith("平成元年")
    assert len(offsets) == len(norm) + 1
    s = make_snippet(text, ["税"])
    assert _marked(s.text, s.highlights) == ["税", "税"]


def test_html_is_escaped() -> None:
    s = make_snippet("A<B>&C の税", ["税"])
    assert s.html == "A&lt;B&gt;&amp;C の<em>税</em>"


def test_old_style_kanji_in_text_match_new_style_terms() -> None:
    s = make_snippet("舊刑訴法第三百六十條", ["旧刑訴法"])
    assert _marked(s.text, s.highlights) == ["舊刑訴法"]


def test_window_moves_to_the_matches() -> None:
    text = "あ" * 500 + "解雇" + "い" * 500
    s = make_snippet(text, ["解雇"], width=60)
    assert s.truncated_start
    assert s.truncated_end
    assert _marked(s.text, s.highlights) == ["解雇"]
    assert text[s.start : s.start + len(s.text)] == s.text


def test_no_match_gives_the_start() -> None:
    s = make_snippet(CIVIL_709, ["存在しない"])
    assert s.highlights == ()
    assert s.text.startswith("第七百九条")


def _best_window_quadratic(spans: list[tuple[int, int, str]], width: int) -> int:
    """The obvious definition the linear scan must agree with."""
    best, best_score = spans[0][0], -1
    for i, (s, _, _) in enumerate(spans):
        terms = {t for (_, e2, t) in spans[i:] if e2 <= s + width}
        if len(terms) > best_score:
            best, best_score = s, len(terms)
    return best


def test_best_window_agrees_with_the_quadratic_definition() -> None:
    rng = random.Random(7)
    for _ in range(2000):
        text = "".join(rng.choice("甲乙丙丁戊、") for _ in range(rng.randint(1, 400)))
        terms = rng.sample(["甲", "乙丙", "丁戊甲", "丙"], rng.randint(1, 3))
        spans = _original_spans(text, terms)
        if spans:
            width = rng.randint(5, 500)  # past the text too: every match in one window
            assert _best_window(spans, width) == _best_window_quadratic(spans, width)


def test_snippet_of_a_long_unit_shows_the_window_with_most_terms() -> None:
    text = "税" * 2000 + "。所得と税と控除。" + "税" * 2000
    s = make_snippet(text, ["控除", "所得", "税"], width=40)
    assert "所得" in s.text
    assert "控除" in s.text


def test_expanding_compatibility_characters_are_still_found() -> None:
    s = make_snippet("この法律は、㍻三年から施行する。", ["平成三年"])
    assert _marked(s.text, s.highlights) == ["㍻三年"]


def test_circled_digits_are_found_through_normalisation() -> None:
    s = make_snippet("第①項の規定による。", ["第1項"])
    assert _marked(s.text, s.highlights) == ["第①項"]


def test_warm_up_builds_the_lazy_table_once() -> None:
    from egov_core.text.snippets import _uncovered, warm_up

    warm_up()
    assert _uncovered.cache_info().currsize == 1
    assert "㍻" in _uncovered()
    assert "　" not in _uncovered()  # the ideographic space is matched directly (reverse table)


def test_html_is_the_escaped_window_with_marks_whether_or_not_it_needs_escaping() -> None:
    import html

    rng = random.Random(11)
    alphabet = "税法第条の規定&<>項号 \n"
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 200)))
        s = make_snippet(text, ["税", "規定"])
        expected, cursor = [], 0
        for a, b in s.highlights:
            expected += [
                html.escape(s.text[cursor:a], quote=False),
                f"<em>{html.escape(s.text[a:b], quote=False)}</em>",
            ]
            cursor = b
        expected.append(html.escape(s.text[cursor:], quote=False))
        assert s.html == "".join(expected)


# Text made of characters that match the terms below directly (税, 規定), through the reverse table (條 for 条,
# full-width digits), line breaks, spaces and characters HTML escapes.
_SNIPPET_TEXT = st.text(alphabet="税法第条條の規定&<>１1項号 \n\r　", max_size=400)


@settings(max_examples=400, deadline=None)
@given(
    text=_SNIPPET_TEXT,
    term=st.sampled_from(["税", "規定", "条", "1", "税法第", "の 規", "&<"]),
    width=st.integers(1, 160),
    lead=st.integers(0, 40),
)
def test_one_term_snippet_is_the_general_snippet(text: str, term: str, width: int, lead: int) -> None:
    # An empty term matches nothing and makes the general path (every match found, the best window chosen)
    # answer the same query: the one-term path must give exactly its snippet.
    general = make_snippet(text, [term, ""], width=width, lead=lead)
    assert make_snippet(text, [term], width=width, lead=lead) == general
