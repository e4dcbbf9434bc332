"""Boolean keyword statements over ``search_units``: a page, the window it was ranked in, and its count.

Reading a row's tsvector (decompressing it) is what costs, so every statement asks the GIN index a question
it answers exactly without reading tokens (n-grams ANDed, no positions) and reads tokens for a bounded window
only. For a search of the current units with no other filter, the window is taken from the first band (see
:mod:`egov_core.store.bands`) when the band holds enough candidates, and the count comes from the n-gram
frequency table instead of a visit to every candidate's row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from egov_core.store._driver import fetch
from egov_core.store.search import _SUPPL_WEIGHT, _TYPE_WEIGHT, _UNIT_COLUMNS, UnitRow, conjunction
from egov_core.store.tables import BAND_PRIOR, PRIOR_LENGTH_MASK

__all__ = ["KeywordWindow", "band_count", "keyword_units", "occurrences_sql"]


@dataclass(frozen=True, slots=True)
class KeywordWindow:
    """A page of a two-stage keyword statement and what its count is built from.

    Attributes:
        candidates: rows the index question matched (counted up to the scan cap, or from n-gram frequencies).
        window_n / window_ok: rows read for verification / those that verified.
        rows: the page.
        complete: ``candidates`` is the number of every row the index question matches (not cut by the
            scan cap, not estimated).
    """

    candidates: int
    window_n: int
    window_ok: int
    rows: tuple[Any, ...]
    complete: bool


#: Conditions of :func:`provision_conditions` no index answers: with only these, a keyword statement's plan is
#: the GIN index's whatever the terms.
_UNINDEXED = frozenset({"su.is_current", "su.in_suppl", "NOT su.in_suppl"})


def _index_choice(conditions: Sequence[str]) -> bool:
    """Whether ``conditions`` (on ``su``) leave the planner a choice of index (a law or revision filter)."""
    return any(c not in _UNINDEXED for c in conditions)


def _unit_record(r: Any) -> UnitRow:
    """:func:`_unit` of an asyncpg record, read by key: a wrapper giving the record attributes cost four times
    the row's construction (12 Python-level lookups a row, 20 rows a page: ~100 of a search's CPU-µs)."""
    return UnitRow(
        r["law_id"],
        r["law_title"],
        r["law_num"],
        r["law_type"],
        r["revision_id"],
        r["path"],
        r["seq"],
        r["in_suppl"],
        r["caption"],
        r["title"],
        r["text"],
        float(r["score"] or 0.0),
    )


async def keyword_units(
    conn: AsyncConnection,
    *,
    tsquery: str,
    index_tsquery: str,
    exact: bool,
    conditions: Sequence[str],
    window: int,
    limit: int,
    offset: int,
    scan_cap: int,
    exclusions: bool = True,
    and_tokens: Sequence[str] = (),
    term: str | None = None,
) -> KeywordWindow:
    """Boolean keyword search over ``search_units``, in two stages.

    1. the GIN index is asked ``index_tsquery`` (n-grams ANDed, no positions, no exclusions), which it
       answers without reading any row's tokens; the candidates (up to ``scan_cap``) are counted and
       ordered by the cheap stored ``prior`` (main provisions before 附則, constitution and acts before
       orders and rules, shorter units first);
    2. the best ``window`` candidates are read: ``tsquery``'s phrases and exclusions verified there
       (skipped when ``exact``) and ranked by ``ts_rank_cd`` times the prior's weights.

    ``exclusions``: whether ``tsquery`` excludes terms (``!``). Without exclusions a unit's ``ts_rank_cd`` is
    above zero exactly when the unit matches (a cover is a stretch of the unit satisfying the whole query,
    phrases included), so the window reads each unit's tokens once, for the rank, instead of a second
    time for ``@@``: reading them (TOAST, decompression) and ``@@``'s phrase check were most of a phrase
    search's CPU. With an exclusion a cover can satisfy ``a & !b`` in a unit that holds ``b`` elsewhere,
    so ``@@`` verifies.

    ``and_tokens``: the n-grams ``index_tsquery`` ANDs, when it is a plain AND (no alternatives). Then a search
    of every current unit takes the band path (:func:`_uses_band`): stage 1 reads the first band's candidates
    only, and the rest of the table only when the band holds fewer than ``window``; the count of a one-n-gram
    question is that n-gram's ``ndoc`` (exact), of a longer one the band's count scaled by its rarest
    n-gram's share in the band (an estimate, ``complete`` False). A plain AND of several whole n-grams (an
    exact question) keeps its counted total and so the first path.

    ``term``: the query's one term (normalised), when the query is that term alone with nothing excluded and
    the term holds no space or punctuation (:attr:`egov_core.text.query.ParsedQuery.lone_term`). Then the
    window reads each unit's text instead of its tokens (see :func:`_window`).
    """
    # Run on the driver connection (see egov_core.store._driver): SQLAlchemy's execution layer cost more
    # CPU than the statement's own round trip; asyncpg prepares it once per connection and filter set.
    band = _uses_band(conditions, exact, and_tokens)
    args: list[Any] = [tsquery, index_tsquery, window, limit, offset, scan_cap]
    if band:
        args.append(sorted(set(and_tokens)))
    if term is not None:
        args.append(term)
    sql = _statement(exact, exclusions, conditions, band=band, term=None if term is None else len(args))
    rows = await fetch(conn, sql, *args)
    head = rows[0]
    page = tuple(_unit_record(r) for r in rows if r["law_id"] is not None)
    window_n, window_ok = int(head["window_n"]), int(head["window_ok"])
    if not band:
        candidates = int(head["candidates"])
        return KeywordWindow(candidates, window_n, window_ok, page, candidates < scan_cap)
    band_n, rest_n = int(head["band_n"]), int(head["rest_n"])
    candidates, complete = band_count(band_n, rest_n, head["ndoc"], head["ndoc_band"], window, scan_cap, and_tokens)
    return KeywordWindow(candidates, window_n, window_ok, page, complete)


def _uses_band(conditions: Sequence[str], exact: bool, and_tokens: Sequence[str]) -> bool:
    """Whether a statement takes the band path: every current unit, a plain AND, and no counted total to lose."""
    return list(conditions) == ["su.is_current"] and bool(and_tokens) and (not exact or len(set(and_tokens)) == 1)


def band_count(
    band_n: int,
    rest_n: int,
    ndoc: int | None,
    ndoc_band: int | None,
    window: int,
    scan_cap: int,
    and_tokens: Sequence[str],
) -> tuple[int, bool]:
    """(candidates, complete) of a band statement from its counts and its rarest n-gram's frequencies."""
    if band_n < window:  # the rest of the table was read too (or instead), and counted as the first path counts
        return band_n + rest_n, band_n < scan_cap and rest_n < scan_cap
    if ndoc is None or not ndoc_band:  # no frequencies (a store whose table is being rebuilt): a lower bound
        return band_n, False
    if len(set(and_tokens)) == 1:
        return ndoc, True
    if ndoc == ndoc_band:  # the rarest n-gram is in no unit outside the band, so neither is any candidate
        return band_n, band_n < scan_cap
    return max(band_n, round(band_n * ndoc / ndoc_band)), False


def _statement(exact: bool, exclusions: bool, conditions: Sequence[str], *, band: bool, term: int | None) -> str:
    """The keyword statement: ``$1`` tsquery, ``$2`` index tsquery, ``$3`` window, ``$4``/``$5`` page, ``$6``
    scan cap, on the band path ``$7`` the n-grams whose frequencies scale the count, and ``$term`` the one
    term when the window is read by text."""
    if band:
        # The frequencies first: when even the band's count of the rarest n-gram is short of the window, the
        # band cannot fill it, and the band is skipped (a one-time filter) for one scan of the whole table, as
        # the first path does. Otherwise the band's partial index answers, and the rest of the table is asked
        # (behind a one-time filter on the band's count) only when the band's candidates fall short.
        stage1 = f"""
        df AS MATERIALIZED (
            SELECT ndoc, ndoc_band FROM search_token_df WHERE token = ANY($7::text[]) ORDER BY ndoc_band, ndoc LIMIT 1
        ),
        band AS MATERIALIZED (
            SELECT su.id, su.prior FROM search_units su
            WHERE coalesce((SELECT ndoc_band FROM df), 0) >= $3
              AND su.tokens @@ (SELECT $2::text::tsquery) AND su.is_current AND su.prior < {BAND_PRIOR}
            LIMIT $6
        ),
        rest AS MATERIALIZED (
            SELECT su.id, su.prior FROM search_units su
            WHERE (SELECT count(*) FROM band) < $3
              AND su.tokens @@ (SELECT $2::text::tsquery) AND su.is_current
              AND (su.prior >= {BAND_PRIOR} OR coalesce((SELECT ndoc_band FROM df), 0) < $3)
            LIMIT $6
        ),
        hits AS (SELECT * FROM band UNION ALL SELECT * FROM rest),"""
        counts = (
            "(SELECT count(*) FROM band) AS band_n, (SELECT count(*) FROM rest) AS rest_n, "
            "(SELECT ndoc FROM df) AS ndoc, (SELECT ndoc_band FROM df) AS ndoc_band,"
        )
        frequencies = ""
    else:
        # Where only the GIN index can answer (current revisions, 本則 / 附則), the index question reaches the
        # statement through an InitPlan, out of the planner's sight: PostgreSQL then keeps one generic plan per
        # connection instead of planning a phrase search anew each time (a phrase's own estimates made the
        # custom plan look cheaper, and planning was a quarter of its CPU). With a law or revision filter the
        # terms' frequency decides between the GIN and the law index, so the planner sees them.
        index_question = "$2::text::tsquery" if _index_choice(conditions) else "(SELECT $2::text::tsquery)"
        stage1 = f"""
        hits AS MATERIALIZED (
            SELECT su.id, su.prior
            FROM search_units su
            WHERE su.tokens @@ {index_question}{conjunction(conditions)}
            LIMIT $6
        ),"""
        counts = "(SELECT count(*) FROM hits) AS candidates,"
        frequencies = ""
    return f"""
        WITH {stage1}
        win AS MATERIALIZED ({_window(exact, exclusions, term)}
        ),
        page AS (
            SELECT w.id, w.prior_rank, w.score FROM win w WHERE w.ok
            ORDER BY w.score DESC, w.prior_rank LIMIT $4 OFFSET $5
        )
        SELECT {counts}
               (SELECT count(*) FROM win) AS window_n,
               (SELECT count(*) FROM win WHERE ok) AS window_ok,
               {_UNIT_COLUMNS}, p.score
        FROM (SELECT 1) one{frequencies}
        LEFT JOIN page p ON TRUE
        LEFT JOIN search_units su ON su.id = p.id
        LEFT JOIN laws l ON l.law_id = su.law_id
        ORDER BY p.score DESC, p.prior_rank
    """


#: Longest unit whose occurrences are counted in its text: past a few thousand characters, scanning the text
#: (and copying it, as ``replace`` does) costs more than decompressing its tokens and finding the term's
#: positions there, which do not grow with the text (1 character, 78 units holding 126,173 in all: 1.8 ms
#: against 1.2).
_TEXT_COUNT_CHARS = 2000


def occurrences_sql(term: str, tsquery: str) -> str:
    """SQL for how often a unit ``su`` (its ``text``, ``prior`` and ``tokens``) holds a lone term.

    ``term`` and ``tsquery`` are SQL expressions of the normalised term (no space or punctuation) and its
    phrase. Counted in the text when the unit is short and the text holds the term literally (``replace``
    counts non-overlapping occurrences, in bytes), else by the tokens: ``ts_rank_cd`` unnormalised is 0.1
    per cover, and a gapless term's covers are its occurrences. Zero exactly when the unit does not match.
    """
    in_text = (
        f"CASE WHEN su.prior & {PRIOR_LENGTH_MASK} <= {_TEXT_COUNT_CHARS} "
        f"THEN (octet_length(su.text) - octet_length(replace(su.text, {term}, ''))) / octet_length({term}) ELSE 0 END"
    )
    return f"coalesce(nullif({in_text}, 0), round(ts_rank_cd(su.tokens, {tsquery}, 0) * 10))"


def _window(exact: bool, exclusions: bool, term: int | None) -> str:
    """The window's rows: (id, prior_rank, ok, score) of the best ``$3`` candidates by prior.

    By tokens: ``ts_rank_cd`` (normalised by the log of the unit's token count) verifies and ranks.

    By text (a one-term query, ``term`` its parameter): reading a unit's tokens — decompressing them, most
    from TOAST — and ``ts_rank_cd``'s covers cost ~8 CPU-µs a unit, its text ~1. A one-term query's covers are
    its occurrences, each worth the same, so ``ts_rank_cd`` is 0.1 x occurrences / ln(1 + tokens); here the
    occurrences are counted in the text of a unit of up to :data:`_TEXT_COUNT_CHARS` characters (in bytes:
    UTF-8 needs no character count), and the length is the text's (``2 x characters`` for the uni+bigram
    count, read from ``prior``). The stored text holds the term wherever its normalised form does, except
    where normalisation changed those characters (old forms, full-width letters) or its phrase matched
    across punctuation; a unit with no literal occurrence is then verified and counted by its tokens
    (``ts_rank_cd`` unnormalised is 0.1 x occurrences of a term without a gap), so the window is exactly the
    matching units either way and the score one formula.
    """
    if term is not None:
        columns = f"su.prior, {occurrences_sql(f'${term}::text', '(SELECT $1::text::tsquery)')} AS n"
        verify, score = ("TRUE" if exact else "r.n > 0"), f"0.1 * r.n / ln(1 + 2 * (r.prior & {PRIOR_LENGTH_MASK}))"
    else:
        columns = "ts_rank_cd(su.tokens, (SELECT $1::text::tsquery), 1) AS rank"
        if exclusions and not exact:
            columns += ", su.tokens @@ (SELECT $1::text::tsquery) AS matched"
        verify = "TRUE" if exact else "r.matched" if exclusions else "r.rank > 0"
        score = "r.rank"
    return f"""
            SELECT r.id, r.prior_rank, {verify} AS ok, {score} * r.weight AS score
            FROM (
                SELECT w.id, w.prior_rank, {columns}, {_TYPE_WEIGHT} * {_SUPPL_WEIGHT} AS weight
                FROM (
                    SELECT h.id, row_number() OVER (ORDER BY h.prior, h.id) AS prior_rank
                    FROM (SELECT * FROM hits ORDER BY prior, id LIMIT $3) h
                ) w
                JOIN search_units su ON su.id = w.id
                OFFSET 0  -- not pulled up: the rank is computed once per unit, not once per use
            ) r"""
