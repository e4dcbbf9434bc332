"""Keyword search reads a band of the best units first, and counts n-grams from a table of their frequencies.

Keyword search needs, for its window, the candidates with the best ``prior`` (Constitution and Acts' main
provisions, shortest first), and, for its total, how many there are. Both used to come from visiting every
candidate's row (up to 5,000): ~0.45 CPU-µs each, most of a 1- or 2-character search's PostgreSQL CPU.

- ``ix_search_units_tokens_band``: a partial GIN index over the current units of the first band
  (``is_current AND prior < BAND_PRIOR``: the Constitution, and Acts' main provisions under 200 characters;
  about a fifth of the units). The window is taken from the band when it holds enough candidates; the
  rest of the table is only read when it does not.
- ``search_token_df``: for every n-gram, how many current units hold it (``ndoc``) and how many of those are
  in the band (``ndoc_band``). A one-n-gram query's total is ``ndoc`` itself (exact); a longer query's is
  estimated from its band count scaled by its rarest n-gram's share in the band.

The table is kept by statement-level triggers on ``search_units`` (transition tables: one aggregate per
statement, however many rows a COPY or an ``is_current`` flip touches), writers serialised by one advisory
lock taken before any frequency row (writers share the commonest n-grams' rows anyway). While an import into an empty
store runs without the search index (store/bulk_load.py), the triggers do nothing and the table is rebuilt
with the index at the end.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from egov_core.store.bands import CREATE_BAND_INDEX, REBUILD_TOKEN_DF
from egov_core.store.tables import BAND_PRIOR

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The transaction-level advisory lock the triggers take before writing frequencies ("egovdf"; beyond the int4
#: range of the per-law locks' ``hashtext`` keys).
_DF_LOCK_KEY = 0x6567_6F76_6466

_FUNCTION = f"""
CREATE FUNCTION egov_token_df_delta() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed text;
BEGIN
    -- An import into an empty store runs without the search index and rebuilds this table after it.
    IF to_regclass('ix_search_units_tokens') IS NULL THEN
        RETURN NULL;
    END IF;
    -- One lock before any frequency row: a transaction writing twice (n-gram B, then A) and another writing A
    -- and B in between would otherwise each hold what the other waits for. Held to commit; writers that share
    -- n-grams (every unit holds the commonest) wait for each other on those rows anyway.
    PERFORM pg_advisory_xact_lock({_DF_LOCK_KEY});
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE search_token_df;
        RETURN NULL;
    END IF;
    changed := CASE TG_OP
        WHEN 'INSERT' THEN 'SELECT 1, prior, tokens FROM egov_df_new WHERE is_current'
        WHEN 'DELETE' THEN 'SELECT -1, prior, tokens FROM egov_df_old WHERE is_current'
        ELSE 'SELECT 1, prior, tokens FROM egov_df_new WHERE is_current '
             'UNION ALL SELECT -1, prior, tokens FROM egov_df_old WHERE is_current'
    END;
    EXECUTE format(
        'INSERT INTO search_token_df AS d (token, ndoc, ndoc_band) '
        'SELECT t.token, sum(r.sign), coalesce(sum(r.sign) FILTER (WHERE r.prior < {BAND_PRIOR}), 0) '
        'FROM (%s) AS r(sign, prior, tokens), unnest(tsvector_to_array(r.tokens)) AS t(token) '
        'GROUP BY t.token '
        'HAVING sum(r.sign) <> 0 OR coalesce(sum(r.sign) FILTER (WHERE r.prior < {BAND_PRIOR}), 0) <> 0 '
        'ORDER BY t.token '
        'ON CONFLICT (token) DO UPDATE SET ndoc = d.ndoc + EXCLUDED.ndoc, ndoc_band = d.ndoc_band + EXCLUDED.ndoc_band',
        changed);
    RETURN NULL;
END
$$
"""

_TRIGGERS = [
    "CREATE TRIGGER search_units_df_insert AFTER INSERT ON search_units "
    "REFERENCING NEW TABLE AS egov_df_new FOR EACH STATEMENT EXECUTE FUNCTION egov_token_df_delta()",
    "CREATE TRIGGER search_units_df_update AFTER UPDATE ON search_units "
    "REFERENCING OLD TABLE AS egov_df_old NEW TABLE AS egov_df_new FOR EACH STATEMENT "
    "EXECUTE FUNCTION egov_token_df_delta()",
    "CREATE TRIGGER search_units_df_delete AFTER DELETE ON search_units "
    "REFERENCING OLD TABLE AS egov_df_old FOR EACH STATEMENT EXECUTE FUNCTION egov_token_df_delta()",
    "CREATE TRIGGER search_units_df_truncate AFTER TRUNCATE ON search_units "
    "FOR EACH STATEMENT EXECUTE FUNCTION egov_token_df_delta()",
]


def upgrade() -> None:
    """Create the token frequency table, its triggers and the band's index, and fill the table."""
    op.execute("SET LOCAL maintenance_work_mem = '256MB'")
    op.execute(
        "CREATE TABLE search_token_df (token text PRIMARY KEY, ndoc integer NOT NULL, ndoc_band integer NOT NULL)"
    )
    op.execute(_FUNCTION)
    for statement in _TRIGGERS:
        op.execute(statement)
    op.execute(CREATE_BAND_INDEX)
    for statement in REBUILD_TOKEN_DF:
        op.execute(statement)
    op.execute("ANALYZE search_token_df")


def downgrade() -> None:
    """Drop them again."""
    op.execute("DROP INDEX IF EXISTS ix_search_units_tokens_band")
    for name in ("insert", "update", "delete", "truncate"):
        op.execute(f"DROP TRIGGER IF EXISTS search_units_df_{name} ON search_units")
    op.execute("DROP FUNCTION IF EXISTS egov_token_df_delta()")
    op.execute("DROP TABLE IF EXISTS search_token_df")
