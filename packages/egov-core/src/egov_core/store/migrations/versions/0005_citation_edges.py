"""The statute citation graph (引用・委任), computed per revision after each law import.

``citation_edges`` holds one row per reference found in a revision's text: the source provision, the
reference as written, its kind (``cites``: a provision or law is referred to; ``delegates``: 政令 / 省令 /
府令で定める, pointing at the implementing 施行令 / 施行規則 when stored) and what it resolved to (target law
and provision, or a reason it did not). Rows go with their revision (ON DELETE CASCADE), so the graph is
versioned like the text. ``law_revisions.citation_count`` is NULL until a revision's graph is built: every
law import run builds the missing ones (egov_core.ingest.graph.build_citation_graph), so a store imported
before this migration catches up on its next import.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DDL = [
    """
    CREATE TABLE citation_edges (
        revision_id bigint NOT NULL REFERENCES law_revisions (id) ON DELETE CASCADE,
        seq integer NOT NULL,
        path text NOT NULL,
        kind text NOT NULL,
        raw text NOT NULL,
        status text NOT NULL,
        target_law_id text,
        target_path text,
        target_end_path text,
        reason text,
        PRIMARY KEY (revision_id, seq)
    )
    """,
    "CREATE INDEX ix_citation_edges_target ON citation_edges (target_law_id, target_path)",
    "CREATE INDEX ix_citation_edges_source ON citation_edges (revision_id, path)",
    "ALTER TABLE law_revisions ADD COLUMN citation_count integer",
]


def upgrade() -> None:
    """Create ``citation_edges`` and ``law_revisions.citation_count``."""
    for statement in _DDL:
        op.execute(statement)


def downgrade() -> None:
    """Drop them."""
    op.execute("ALTER TABLE law_revisions DROP COLUMN IF EXISTS citation_count")
    op.execute("DROP TABLE IF EXISTS citation_edges")
