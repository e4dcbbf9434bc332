"""Snippets: offsets into the original (un-normalised) text, escaped <em> HTML."""

from __future__ import annotations

from egov_core.text import make_snippet, normalize_with_offsets

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
