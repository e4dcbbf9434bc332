"""User search queries → ``tsquery`` literals over the uni+bigram tokens of :mod:`egov_core.text.ngrams`.

Syntax: terms separated by spaces are ANDed; ``"quoted phrase"`` (or 「…」) is one term, spaces
included; ``OR`` (upper case) or ``|`` between terms makes an alternative; a leading ``-`` excludes a
term. Every term is normalised like the indexed text (NFKC, 旧字, lower case) and becomes a phrase over
its n-grams: 1 character → its unigram, 2 → its bigram, longer → consecutive bigrams
(``'ab' <-> 'bc' <-> 'cd'``). Punctuation and spaces inside a term produce no token but keep their
position (as in the index), so ``故意、過失`` is ``'故意' <3> '過失'``: still exact.

The result is a tsquery *literal* (cast with ``CAST(:q AS tsquery)``), never text for ``to_tsquery``,
so no parser can re-interpret the user's characters.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass

from egov_core.errors import InvalidQueryError
from egov_core.text.ngrams import _BREAK
from egov_core.text.normalize import normalize

__all__ = [
    "MAX_QUERY_LENGTH",
    "MAX_TERMS",
    "ParsedQuery",
    "QueryTerm",
    "parse_query",
    "term_index_tsquery",
    "term_tokens",
    "term_tsquery",
]

#: Default limit on the raw query length (characters); the API passes its own setting.
MAX_QUERY_LENGTH = 200
#: Terms (positive and excluded) in one query.
MAX_TERMS = 16

_TOKEN_RE = re.compile(r'(?P<neg>-)?(?:"(?P<q>[^"]*)"?|「(?P<k>[^」]*)」?|(?P<w>[^\s"「|]+))|(?P<bar>\|)')


def _quote(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def term_tsquery(term: str) -> str | None:
    """The tsquery phrase of one already-normalised term, or None when it holds no token (only punctuation)."""
    tokens = _term_tokens(term)
    if not tokens:
        return None
    out = _quote(tokens[0][1])
    for (prev, _), (pos, tok) in itertools.pairwise(tokens):
        distance = pos - prev
        out += f" {'<->' if distance == 1 else f'<{distance}>'} {_quote(tok)}"
    return out


def term_index_tsquery(term: str) -> str | None:
    """The n-grams of one already-normalised term ANDed without positions, or None when it holds no token.

    What the GIN index answers exactly, without reading a row's tokens to check positions; it matches
    every unit :func:`term_tsquery` matches, and the rare unit holding the n-grams apart as well.
    """
    tokens = _term_tokens(term)
    return " & ".join(_quote(t) for t in dict.fromkeys(tok for _, tok in tokens)) if tokens else None


def term_tokens(term: str) -> tuple[str, ...]:
    """The distinct n-grams one already-normalised term is searched by, in order (what its index tsquery ANDs)."""
    return tuple(dict.fromkeys(tok for _, tok in _term_tokens(term)))


def _term_tokens(term: str) -> list[tuple[int, str]]:
    """(offset, token) of the n-grams a term is searched by, in order."""
    tokens: list[tuple[int, str]] = []
    n = len(term)
    for i, ch in enumerate(term):
        if ch in _BREAK:
            continue
        nxt_ok = i + 1 < n and term[i + 1] not in _BREAK
        prev_ok = i > 0 and term[i - 1] not in _BREAK
        if nxt_ok:
            tokens.append((i, term[i : i + 2]))
        elif not prev_ok:
            tokens.append((i, ch))  # a run of one character: its unigram
    return tokens


@dataclass(frozen=True, slots=True)
class QueryTerm:
    """One term of a query: its normalised text, whether it was quoted, and its tsquery phrase."""

    text: str
    quoted: bool
    tsquery: str
    tokens: tuple[str, ...] = ()

    @property
    def index_tsquery(self) -> str:
        """The term's tokens ANDed without positions: what the GIN index answers exactly, with no recheck."""
        return " & ".join(_quote(t) for t in dict.fromkeys(self.tokens))


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """A parsed query: AND of OR-groups, minus exclusions.

    Attributes:
        groups: each group is a tuple of alternatives (``a OR b``); all groups must match.
        excluded: terms that must not match.
    """

    groups: tuple[tuple[QueryTerm, ...], ...]
    excluded: tuple[QueryTerm, ...] = ()

    @property
    def tsquery(self) -> str:
        """The whole query as a tsquery literal."""
        parts = ["(" + " | ".join(f"({t.tsquery})" for t in g) + ")" for g in self.groups]
        parts += [f"!({t.tsquery})" for t in self.excluded]
        return " & ".join(parts)

    @property
    def index_tsquery(self) -> str:
        """A relaxation of :attr:`tsquery` that the GIN index answers without reading any row's tokens:
        phrases become ANDs of their n-grams and exclusions are dropped. Its matches are a superset of
        the query's; :attr:`index_exact` says when they are the same."""
        return " & ".join("(" + " | ".join(f"({t.index_tsquery})" for t in g) + ")" for g in self.groups)

    @property
    def index_exact(self) -> bool:
        """True when :attr:`index_tsquery` matches exactly what :attr:`tsquery` matches (no phrase, no exclusion)."""
        return not self.excluded and all(len(t.tokens) == 1 for g in self.groups for t in g)

    @property
    def and_tokens(self) -> tuple[str, ...]:
        """The n-grams :attr:`index_tsquery` ANDs when it is a plain AND (no group has alternatives), else ()."""
        if any(len(g) != 1 for g in self.groups):
            return ()
        return tuple(dict.fromkeys(tok for g in self.groups for tok in g[0].tokens))

    @property
    def lone_term(self) -> str | None:
        """The query's one term when it is that term alone (one group, no alternative, nothing excluded) and
        holds no space or punctuation: then its phrase's matches are its occurrences, each a cover of
        ``ts_rank_cd`` with no gap, which a search can count in the text (egov_core.store.keyword)."""
        if self.excluded or len(self.groups) != 1 or len(self.groups[0]) != 1:
            return None
        term = self.groups[0][0].text
        return None if any(ch in _BREAK for ch in term) else term

    @property
    def positive_terms(self) -> tuple[str, ...]:
        """Normalised text of every term that can match (for highlighting), longest first."""
        terms = {t.text for g in self.groups for t in g}
        return tuple(sorted(terms, key=lambda t: (-len(t), t)))


def _tokens(query: str) -> list[tuple[str, bool, bool] | None]:
    """(text, quoted, negated) per term; None marks an OR."""
    out: list[tuple[str, bool, bool] | None] = []
    for m in _TOKEN_RE.finditer(query):
        if m.group("bar"):
            out.append(None)
            continue
        quoted = m.group("q") is not None or m.group("k") is not None
        raw = m.group("q") if m.group("q") is not None else m.group("k") if m.group("k") is not None else m.group("w")
        if not quoted and raw == "OR" and not m.group("neg"):
            out.append(None)
            continue
        out.append((raw, quoted, bool(m.group("neg"))))
    return out


def parse_query(query: str, *, max_length: int = MAX_QUERY_LENGTH) -> ParsedQuery:
    """Parse a user query.

    Args:
        query: what the user typed (``債権 "損害賠償" -保証 | 担保``).
        max_length: longest accepted query in characters.

    Returns:
        The parsed query; :attr:`ParsedQuery.tsquery` is its tsquery literal.

    Raises:
        InvalidQueryError: too long, empty, too many terms, or only exclusions.
    """
    if len(query) > max_length:
        raise InvalidQueryError(f"query is {len(query)} characters; at most {max_length} are allowed")
    # NFKC first (full-width spaces, quotes, ｜ and － become ASCII) but not lower-case: OR is upper case.
    folded = unicodedata.normalize("NFKC", query)
    groups: list[list[QueryTerm]] = []
    excluded: list[QueryTerm] = []
    join_next = False
    for tok in _tokens(folded):
        if tok is None:
            join_next = bool(groups)
            continue
        raw, quoted, negated = tok
        text = normalize(raw).strip()
        phrase = term_tsquery(text)
        if phrase is None:
            continue
        term = QueryTerm(text, quoted, phrase, tuple(tok for _, tok in _term_tokens(text)))
        if negated:
            excluded.append(term)
        elif join_next:
            groups[-1].append(term)
        else:
            groups.append([term])
        join_next = False
    if len(excluded) + sum(len(g) for g in groups) > MAX_TERMS:
        raise InvalidQueryError(f"at most {MAX_TERMS} terms are allowed")
    if not groups:
        raise InvalidQueryError("the query has no search term" + (" (only exclusions)" if excluded else ""))
    return ParsedQuery(tuple(tuple(g) for g in groups), tuple(excluded))
