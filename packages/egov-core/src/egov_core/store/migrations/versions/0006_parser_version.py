"""``law_revisions.parser_version``: which parser produced a stored revision's rows.

An import skips bytes it has already stored; with the parser version beside the checksum, bytes stored
by an older parser count as changed and are parsed again, so parser fixes reach existing stores
(``egov_core.ingest.version.PARSER_VERSION``). Revisions stored before this migration were produced by
the parser of version 1.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ``parser_version``: 1 for every stored revision, and for a row written without one (the import
    always sets it; a row written otherwise, like a test's, is simply parsed again by the next import)."""
    op.execute("ALTER TABLE law_revisions ADD COLUMN parser_version integer NOT NULL DEFAULT 1")


def downgrade() -> None:
    """Drop it."""
    op.execute("ALTER TABLE law_revisions DROP COLUMN IF EXISTS parser_version")
