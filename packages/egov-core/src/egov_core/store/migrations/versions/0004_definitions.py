"""Defined terms (定義語) of each revision, extracted at import time.

``definitions`` holds one row per defined term of a revision (the term, what it means, the provision that
defines it, how, and the scope it applies to); rows go with their revision (ON DELETE CASCADE), so they are
versioned exactly like the text. ``law_revisions.definition_count`` is NULL for a revision imported before
this migration: the next import run extracts those (egov_core.ingest.definitions.backfill_definitions).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DDL = [
    """
    CREATE TABLE definitions (
        revision_id bigint NOT NULL REFERENCES law_revisions (id) ON DELETE CASCADE,
        seq integer NOT NULL,
        term text NOT NULL,
        meaning text NOT NULL,
        path text NOT NULL,
        kind text NOT NULL,
        scope text NOT NULL,
        scope_path text,
        scope_note text,
        PRIMARY KEY (revision_id, seq)
    )
    """,
    "CREATE INDEX ix_definitions_term ON definitions (term)",
    "ALTER TABLE law_revisions ADD COLUMN definition_count integer",
]


def upgrade() -> None:
    """Create ``definitions`` and ``law_revisions.definition_count``."""
    for statement in _DDL:
        op.execute(statement)


def downgrade() -> None:
    """Drop them."""
    op.execute("ALTER TABLE law_revisions DROP COLUMN IF EXISTS definition_count")
    op.execute("DROP TABLE IF EXISTS definitions")
