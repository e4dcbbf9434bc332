"""pgvector chunks table keyed by model.

One table for every model: each row names its ``model_id`` (registered with its dimension in
``vector_models``), and every HNSW index is partial on one model and source kind, over
``embedding::vector(<dim>)`` — so vectors of two models are never compared. The per-model indexes are
created by :func:`egov_vector.db.ensure_index` once the model is known (it is a setting, not a schema fact).

Revision ID: v0001
Revises:
"""

from alembic import op

revision = "v0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``vector_models`` and ``vector_chunks``."""
    op.execute("CREATE EXTENSION IF NOT EXISTS vector")
    op.execute(
        """
        CREATE TABLE vector_models (
            model_id text PRIMARY KEY,
            dimension integer NOT NULL CHECK (dimension > 0),
            created_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    op.execute(
        """
        CREATE TABLE vector_chunks (
            id bigserial PRIMARY KEY,
            model_id text NOT NULL REFERENCES vector_models (model_id) ON DELETE CASCADE,
            source_kind text NOT NULL CHECK (source_kind IN ('law', 'case')),
            law_id text,
            revision_id bigint REFERENCES law_revisions (id) ON DELETE CASCADE,
            lawsuit_id text REFERENCES cases (lawsuit_id) ON DELETE CASCADE,
            unit_path text NOT NULL,
            path text NOT NULL,
            part integer NOT NULL DEFAULT 0,
            in_suppl boolean NOT NULL DEFAULT false,
            title text,
            caption text,
            content_hash text NOT NULL,
            text text NOT NULL,
            body_start integer NOT NULL DEFAULT 0,
            embedding vector NOT NULL,
            embedded_at timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT vector_chunks_source_key CHECK (
                (source_kind = 'law' AND law_id IS NOT NULL AND revision_id IS NOT NULL AND lawsuit_id IS NULL)
                OR (source_kind = 'case' AND lawsuit_id IS NOT NULL AND revision_id IS NULL)
            )
        )
        """
    )
    op.execute(
        "CREATE UNIQUE INDEX vector_chunks_law_key ON vector_chunks (model_id, revision_id, path, part)"
        " WHERE source_kind = 'law'"
    )
    op.execute(
        "CREATE UNIQUE INDEX vector_chunks_case_key ON vector_chunks (model_id, lawsuit_id, path, part)"
        " WHERE source_kind = 'case'"
    )
    op.execute("CREATE INDEX vector_chunks_hash ON vector_chunks (model_id, content_hash)")
    op.execute("CREATE INDEX vector_chunks_law ON vector_chunks (model_id, law_id)")
    op.execute("CREATE INDEX vector_chunks_revision ON vector_chunks (revision_id)")
    op.execute("CREATE INDEX vector_chunks_lawsuit ON vector_chunks (lawsuit_id)")


def downgrade() -> None:
    """Drop both tables (and with them every per-model index)."""
    op.execute("DROP TABLE IF EXISTS vector_chunks")
    op.execute("DROP TABLE IF EXISTS vector_models")
