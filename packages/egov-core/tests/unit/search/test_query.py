"""Query parsing into tsquery literals over uni+bigram tokens."""

from __future__ import annotations

import pytest

from egov_core.errors import InvalidQueryError
from egov_core.text import parse_query, term_index_tsquery, term_tsquery


@pytest.mark.parametrize(
    ("term", "tsquery"),
    [
        ("税", "'税'"),
        ("債権", "'債権'"),
        ("解雇", "'解雇'"),
        ("個人情報", "'個人' <-> '人情' <-> '情報'"),
        ("故意又は過失", "'故意' <-> '意又' <-> '又は' <-> 'は過' <-> '過失'"),
        ("故意、過失", "'故意' <3> '過失'"),  # punctuation keeps its position, as in the index
        ("a、b", "'a' <2> 'b'"),
        ("o'r", "'o' <2> 'r'"),
        ("、", None),
    ],
)
def test_term_tsquery(term: str, tsquery: str | None) -> None:
    assert term_tsquery(term) == tsquery


@pytest.mark.parametrize(
    ("term", "tsquery"),
    [
        ("税", "'税'"),
        ("個人情報", "'個人' & '人情' & '情報'"),
        ("故意、過失", "'故意' & '過失'"),
        ("ああああ", "'ああ'"),  # each n-gram once
        ("、", None),
    ],
)
def test_term_index_tsquery(term: str, tsquery: str | None) -> None:
    assert term_index_tsquery(term) == tsquery


def test_quoting_of_special_characters() -> None:
    assert term_tsquery("a\\b") == "'a\\\\' <-> '\\\\b'"
    assert term_tsquery("&|") == "'&|'"


def test_and_or_exclusion_phrase() -> None:
    q = parse_query('債権 "損害 賠償" OR 解雇 -保証')
    assert q.tsquery == "(('債権')) & (('損害' <3> '賠償') | ('解雇')) & !('保証')"
    assert q.positive_terms == ("損害 賠償", "債権", "解雇")
    assert [t.quoted for g in q.groups for t in g] == [False, True, False]


def test_bar_and_kagi_quotes_and_width() -> None:
    q = parse_query("労働｜雇用　「期間の定め」")
    assert q.tsquery == "(('労働') | ('雇用')) & (('期間' <-> '間の' <-> 'の定' <-> '定め'))"
    # Full-width digits and letters are folded like the index (NFKC, lower case).
    assert parse_query("７０９ ＡＢ").positive_terms == ("709", "ab")


def test_lowercase_or_is_a_term() -> None:
    q = parse_query("a or b")
    assert len(q.groups) == 3


@pytest.mark.parametrize("query", ["", "   ", "、。", "-保証", "-a -b", "OR", "|"])
def test_rejects_empty_or_only_exclusions(query: str) -> None:
    with pytest.raises(InvalidQueryError):
        parse_query(query)


def test_rejects_too_long_and_too_many_terms() -> None:
    with pytest.raises(InvalidQueryError):
        parse_query("債" * 201)
    assert parse_query("債" * 30, max_length=30).groups
    with pytest.raises(InvalidQueryError):
        parse_query(" ".join(["税"] * 17))


def test_index_query_is_a_relaxation_without_positions_or_exclusions() -> None:
    q = parse_query('故意又は過失 "損害 賠償" OR 税 -保証')
    assert q.index_tsquery == ("(('故意' & '意又' & '又は' & 'は過' & '過失')) & (('損害' & '賠償') | ('税'))")
    assert not q.index_exact
    short = parse_query("債権 解雇 OR 税")
    assert short.index_exact
    assert short.index_tsquery == short.tsquery.replace(" <-> ", " & ")
    assert parse_query("ああ").groups[0][0].index_tsquery == "'ああ'"
    assert parse_query("あああ").groups[0][0].index_tsquery == "'ああ'"  # repeated bigram only once
