"""Initial schema: laws, revisions, provisions, search units, court decisions, import runs.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# pgvector is optional: PostgreSQL without it (e.g. a stock server) must still migrate.
_VECTOR = """
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') THEN
        CREATE EXTENSION IF NOT EXISTS vector;
    END IF;
END
$$;
"""

_DDL = [
    "CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL)",
    "INSERT INTO meta (key, value) VALUES ('data_version', '1')",
    """
    CREATE TABLE laws (
        law_id text PRIMARY KEY,
        law_num text,
        title text,
        title_kana text,
        abbrev text,
        law_type text,
        era text,
        year int,
        num text,
        promulgation_date date,
        category text,
        current_revision_id bigint,
        updated_at timestamptz
    )
    """,
    """
    CREATE TABLE law_revisions (
        id bigserial PRIMARY KEY,
        law_id text NOT NULL REFERENCES laws (law_id) ON DELETE CASCADE,
        law_revision_id text NOT NULL UNIQUE,
        enforcement_date date,
        amendment_law_id text,
        status text,
        title text,
        law_num text,
        checksum text NOT NULL,
        source_format text,
        source_name text,
        tree bytea,
        provision_count int,
        imported_at timestamptz,
        revision_id_synthesized boolean NOT NULL DEFAULT false,
        title_kana text,
        abbrev text,
        law_type text,
        era text,
        year int,
        num text,
        promulgation_date date,
        category text,
        amendment_promulgate_date date,
        repeal_type text,
        data_info text,
        lang text
    )
    """,
    """
    ALTER TABLE laws ADD CONSTRAINT laws_current_revision_id_fkey
        FOREIGN KEY (current_revision_id) REFERENCES law_revisions (id) ON DELETE SET NULL
    """,
    """
    CREATE TABLE provisions (
        id bigserial PRIMARY KEY,
        revision_id bigint NOT NULL REFERENCES law_revisions (id) ON DELETE CASCADE,
        path text NOT NULL,
        parent_path text,
        kind text NOT NULL,
        num text,
        title text,
        caption text,
        text text NOT NULL,
        position int NOT NULL,
        depth int NOT NULL,
        CONSTRAINT provisions_revision_id_path_key UNIQUE (revision_id, path)
    )
    """,
    """
    CREATE TABLE search_units (
        id bigserial PRIMARY KEY,
        revision_id bigint NOT NULL REFERENCES law_revisions (id) ON DELETE CASCADE,
        law_id text NOT NULL,
        law_type text,
        category text,
        path text NOT NULL,
        seq smallint NOT NULL,
        in_suppl boolean NOT NULL,
        caption text,
        title text,
        text text NOT NULL,
        tokens tsvector NOT NULL,
        CONSTRAINT search_units_revision_id_path_seq_key UNIQUE (revision_id, path, seq)
    )
    """,
    """
    CREATE TABLE cases (
        lawsuit_id text PRIMARY KEY,
        trial_type text,
        case_number text,
        case_name text,
        court_name text,
        date date,
        date_era text,
        date_year int,
        date_month int,
        date_day int,
        result_type text,
        result text,
        article_info text,
        original_court_name text,
        original_case_number text,
        original_date date,
        gist text,
        case_gist text,
        ref_law text,
        contents text,
        detail_page_link text,
        full_pdf_link text,
        extra jsonb,
        flags text[],
        checksum text NOT NULL,
        tokens tsvector,
        imported_at timestamptz,
        source_name text
    )
    """,
    """
    CREATE TABLE case_law_refs (
        lawsuit_id text NOT NULL REFERENCES cases (lawsuit_id) ON DELETE CASCADE,
        seq int NOT NULL,
        raw text NOT NULL,
        law_id text,
        path text,
        status text NOT NULL,
        note text,
        PRIMARY KEY (lawsuit_id, seq)
    )
    """,
    """
    CREATE TABLE import_runs (
        id bigserial PRIMARY KEY,
        kind text NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        status text NOT NULL,
        imported int NOT NULL DEFAULT 0,
        unchanged int NOT NULL DEFAULT 0,
        failed int NOT NULL DEFAULT 0,
        errors jsonb
    )
    """,
    # What the read API looks things up by.
    "CREATE INDEX ix_laws_title ON laws (title)",
    "CREATE INDEX ix_laws_law_type ON laws (law_type)",
    "CREATE INDEX ix_laws_category ON laws (category)",
    "CREATE INDEX ix_laws_era_year ON laws (era, year)",
    "CREATE INDEX ix_laws_promulgation_date ON laws (promulgation_date)",
    "CREATE INDEX ix_laws_current_revision_id ON laws (current_revision_id)",
    "CREATE INDEX ix_law_revisions_law_id_enforcement_date ON law_revisions (law_id, enforcement_date)",
    "CREATE INDEX ix_law_revisions_checksum ON law_revisions (checksum)",
    "CREATE INDEX ix_provisions_revision_id_position ON provisions (revision_id, position)",
    "CREATE INDEX ix_provisions_revision_id_kind_num ON provisions (revision_id, kind, num)",
    "CREATE INDEX ix_provisions_revision_id_parent_path ON provisions (revision_id, parent_path)",
    "CREATE INDEX ix_search_units_tokens ON search_units USING gin (tokens)",
    "CREATE INDEX ix_search_units_revision_id ON search_units (revision_id)",
    "CREATE INDEX ix_search_units_law_id ON search_units (law_id)",
    "CREATE INDEX ix_cases_date ON cases (date)",
    "CREATE INDEX ix_cases_court_name ON cases (court_name)",
    "CREATE INDEX ix_cases_trial_type ON cases (trial_type)",
    "CREATE INDEX ix_cases_tokens ON cases USING gin (tokens)",
    "CREATE INDEX ix_case_law_refs_law_id_path ON case_law_refs (law_id, path)",
    "CREATE INDEX ix_import_runs_started_at ON import_runs (started_at)",
]


def upgrade() -> None:
    """Create the whole schema (and the vector extension where the server has it)."""
    op.execute(_VECTOR)
    for statement in _DDL:
        op.execute(statement)


def downgrade() -> None:
    """Drop everything this migration created (the vector extension stays: others may use it)."""
    for table in ("case_law_refs", "cases", "search_units", "provisions", "import_runs", "meta"):
        op.execute(f"DROP TABLE IF EXISTS {table}")
    op.execute("ALTER TABLE IF EXISTS laws DROP CONSTRAINT IF EXISTS laws_current_revision_id_fkey")
    op.execute("DROP TABLE IF EXISTS law_revisions")
    op.execute("DROP TABLE IF EXISTS laws")
