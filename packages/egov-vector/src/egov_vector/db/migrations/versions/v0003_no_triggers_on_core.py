"""egov-vector keeps ``vector_chunks.is_current`` itself: no trigger on core's ``laws`` any more.

v0002 kept the flag by a trigger on egov-core's ``laws`` (and one on ``vector_chunks`` that read
``laws``). egov-vector owns only its own tables: the flag is now refreshed from core's read port after
every import (``egov.after_import``) and by ``egov embed``; a new chunk is current (the backfill embeds
current revisions only), which the column's default already says.

Revision ID: v0003
Revises: v0002
"""

from alembic import op

revision = "v0003"
down_revision = "v0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Drop both triggers and their functions."""
    op.execute("DROP TRIGGER IF EXISTS laws_current_revision_changed_vector ON laws")
    op.execute("DROP FUNCTION IF EXISTS egov_vector_law_current_changed()")
    op.execute("DROP TRIGGER IF EXISTS vector_chunks_is_current ON vector_chunks")
    op.execute("DROP FUNCTION IF EXISTS egov_vector_chunk_is_current()")


def downgrade() -> None:
    """Nothing to restore here: v0002's downgrade drops what it created, and these are gone already."""
