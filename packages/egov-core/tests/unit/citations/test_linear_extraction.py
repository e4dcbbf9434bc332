"""Citation extraction costs work linear in the text, on the inputs that once made it quadratic.

Not timed: work is counted as the Python lines the citation package executes (a deterministic count),
and the output is checked against size bounds. Doubling a hostile input must double the work (within
a small constant), not quadruple it. Wall-clock and memory ratios are in ``python -m bench.citations``.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from egov_core.citations import NAME_SCAN_CAP, find_citations, iter_citations
from egov_core.citations.parser import _HEAD_RE

_PACKAGE = str(Path(find_citations.__code__.co_filename).parent)

# The attack inputs of the hardening review, and neighbours of them.
HOSTILE = {
    "article heads": "第一条",
    "known law, article": "民法第七百九条",
    "numeral run": "一",
    "unknown law shape": "何々法第一条",
    "long kanji run, then heads": "漢" * 300 + "法第一条",
    "law numbers": "法律第一号",
    "lists": "第一条及び",
    "annotations": "民法(明治二十九年法律第八十九号)第一条",
    "same law": "同法第二条",
}


def _lines_run(fn: Callable[[], object]) -> int:
    """How many lines of the citation package ``fn`` executes."""
    count = 0

    def local(frame: FrameType, event: str, arg: Any) -> Callable[..., Any] | None:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def tracer(frame: FrameType, event: str, arg: Any) -> Callable[..., Any] | None:
        return local if frame.f_code.co_filename.startswith(_PACKAGE) else None

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        fn()
    finally:
        sys.settrace(previous)
    return count


@pytest.mark.parametrize("unit", HOSTILE.values(), ids=HOSTILE.keys())
def test_work_doubles_when_the_input_doubles(unit: str) -> None:
    n = max(1, 1_200 // len(unit))
    small = _lines_run(lambda: find_citations(unit * n))
    large = _lines_run(lambda: find_citations(unit * 4 * n))
    assert small > 0
    # Linear: 4× the text, ~4× the lines (quadratic would be 16×).
    assert large <= 4.5 * small, (small, large)


@pytest.mark.parametrize("unit", HOSTILE.values(), ids=HOSTILE.keys())
def test_output_is_bounded_by_the_input(unit: str) -> None:
    text = unit * max(1, 20_000 // len(unit))
    found = find_citations(text)
    # Citations do not overlap, so their texts together are never longer than the input ...
    assert sum(len(m.text) for m in found) <= len(text)
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))
    # ... and no law name is longer than the look-back cap (once, every name ran back to offset 0).
    assert all(len(m.parts.law_name or "") <= NAME_SCAN_CAP for m in found)
    assert all(text[m.start : m.end] == m.text for m in found)


def test_hostile_inputs_still_parse_right() -> None:
    found = find_citations("民法第七百九条" * 3)
    assert [(m.text, m.parts.law_name, m.parts.article) for m in found] == [("民法第七百九条", "民法", "709")] * 3
    assert find_citations("一" * 5_000) == []
    assert [m.parts.article for m in find_citations("第一条" * 4)] == ["1"] * 4


def test_a_head_never_starts_inside_a_numeral_run() -> None:
    # The regex tries each position; inside a run of numerals it must give up at once, or each position
    # re-reads the rest of the run.
    assert _HEAD_RE.match("一一一条", 1) is None
    assert _HEAD_RE.match("第一一一", 2) is None
    assert [m.start() for m in _HEAD_RE.finditer("七百九条") if m.group()] == [0]


def test_iter_citations_is_lazy_and_starts_where_asked() -> None:
    text = "民法第七百九条及び第七百十条。同法第七百二十二条"
    every = find_citations(text)
    later = list(iter_citations(text, start=every[1].start))
    assert later == every[1:]
    # The list member keeps the law it continues, though its page starts after the law name.
    assert later[0].parts.law_name == "民法"
    first = next(iter_citations("第一条" * 30_000))
    assert first.text == "第一条"


def test_a_run_longer_than_any_law_name_is_no_law_name() -> None:
    [m] = find_citations("漢" * (NAME_SCAN_CAP + 10) + "法第一条")
    assert m.parts.law_name is None
    assert m.text == "第一条"


def test_a_deep_page_costs_a_page_not_the_text_before_it() -> None:
    def page(text: str) -> Callable[[], object]:
        return lambda: list(itertools.islice(iter_citations(text, start=len(text) - 300, lookback=600), 50))

    small = _lines_run(page("第一条" * 1_000))
    large = _lines_run(page("第一条" * 8_000))
    assert large <= 1.2 * small, (small, large)
    # The window still gives context: a list member right after the cut keeps its law.
    text = "あ" * 900 + "民法第七百九条及び第七百十条"
    [member] = iter_citations(text, start=text.index("第七百十条"), lookback=20)
    assert (member.parts.law_name, member.parts.article) == ("民法", "710")
