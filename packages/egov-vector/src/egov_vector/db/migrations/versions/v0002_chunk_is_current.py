"""Vector chunks say whether they belong to their law's current revision.

Semantic search used to find "current" by joining ``laws`` inside the nearest-neighbour scan. The
planner cannot estimate that join (``l.current_revision_id = vc.revision_id``: it guessed 52 of
67,169 rows), so over the whole corpus it sorted every vector exactly instead of walking the HNSW
graph: 200 ms instead of 6 ms per query. A column it has statistics for keeps the index in play.

``is_current`` is kept equal to ``revision_id = laws.current_revision_id`` by triggers, as egov-core's
``search_units.is_current`` is: a new chunk reads it from ``laws``, and a law whose current revision
changes re-flags its chunks (of every model). Decision chunks are always current.

Revision ID: v0002
Revises: v0001
"""

from alembic import op

revision = "v0002"
down_revision = "v0001"
branch_labels = None
depends_on = None

_DDL = [
    # Default true, then clear the few rows of older revisions: updating every row would write a new
    # version of each into the table and into every HNSW graph.
    "ALTER TABLE vector_chunks ADD COLUMN is_current boolean NOT NULL DEFAULT true",
    """
    UPDATE vector_chunks vc SET is_current = false
    WHERE vc.source_kind = 'law'
      AND NOT EXISTS (SELECT 1 FROM laws l WHERE l.current_revision_id = vc.revision_id)
    """,
    """
    CREATE FUNCTION egov_vector_chunk_is_current() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.is_current := NEW.source_kind <> 'law'
            OR EXISTS (SELECT 1 FROM laws WHERE current_revision_id = NEW.revision_id);
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER vector_chunks_is_current BEFORE INSERT OR UPDATE OF revision_id ON vector_chunks
    FOR EACH ROW EXECUTE FUNCTION egov_vector_chunk_is_current()
    """,
    """
    CREATE FUNCTION egov_vector_law_current_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE vector_chunks SET is_current = (revision_id = NEW.current_revision_id) IS TRUE
        WHERE source_kind = 'law' AND law_id = NEW.law_id
          AND is_current IS DISTINCT FROM ((revision_id = NEW.current_revision_id) IS TRUE);
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER laws_current_revision_changed_vector AFTER UPDATE OF current_revision_id ON laws
    FOR EACH ROW WHEN (OLD.current_revision_id IS DISTINCT FROM NEW.current_revision_id)
    EXECUTE FUNCTION egov_vector_law_current_changed()
    """,
    "ANALYZE vector_chunks",
]


def upgrade() -> None:
    """Add ``is_current`` (backfilled) and the triggers that keep it true."""
    for statement in _DDL:
        op.execute(statement)


def downgrade() -> None:
    """Drop the triggers, their functions and the column."""
    op.execute("DROP TRIGGER IF EXISTS laws_current_revision_changed_vector ON laws")
    op.execute("DROP TRIGGER IF EXISTS vector_chunks_is_current ON vector_chunks")
    op.execute("DROP FUNCTION IF EXISTS egov_vector_law_current_changed()")
    op.execute("DROP FUNCTION IF EXISTS egov_vector_chunk_is_current()")
    op.execute("ALTER TABLE vector_chunks DROP COLUMN IF EXISTS is_current")
