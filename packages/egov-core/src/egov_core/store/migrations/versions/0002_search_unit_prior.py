"""Search units carry their ranking prior and whether they belong to a current revision.

Keyword search visits every unit its terms match (to count them and to pick the window it ranks). It
used to join ``laws`` for "current revision" and compute the prior (main provision before 附則, acts
before orders, shorter first) from ``law_type`` and the stored token size on each of those rows; with
both stored on the row the visit is a filter and an integer sort (measured: about a third less
PostgreSQL CPU per search over the bench's query mix).

- ``prior``: generated from ``in_suppl``, ``law_type`` and the text length, so every writer gets it.
- ``is_current``: kept equal to ``revision_id = laws.current_revision_id`` by two triggers (new units
  read it from ``laws``; a law whose current revision changes re-flags its units), so no writer can
  forget it.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: 2**28: the text length takes the low 28 bits, the kind (0–7) the bits above (fits a signed int4).
_PRIOR = """
ALTER TABLE search_units ADD COLUMN prior integer GENERATED ALWAYS AS (
    (CASE WHEN in_suppl THEN 4 ELSE 0 END
     + CASE law_type WHEN 'Constitution' THEN 0 WHEN 'Act' THEN 1 WHEN 'CabinetOrder' THEN 2 ELSE 3 END)
    * 268435456 + least(length(text), 268435455)
) STORED
"""

_DDL = [
    _PRIOR,
    # Default true, then clear the few rows of older revisions: an UPDATE of every row would leave a
    # table and a GIN index twice their size (new row versions), which slows every search after it.
    "ALTER TABLE search_units ADD COLUMN is_current boolean NOT NULL DEFAULT true",
    """
    UPDATE search_units su SET is_current = false
    WHERE NOT EXISTS (SELECT 1 FROM laws l WHERE l.current_revision_id = su.revision_id)
    """,
    """
    CREATE FUNCTION egov_unit_is_current() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.is_current := EXISTS (SELECT 1 FROM laws WHERE current_revision_id = NEW.revision_id);
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER search_units_is_current BEFORE INSERT OR UPDATE OF revision_id ON search_units
    FOR EACH ROW EXECUTE FUNCTION egov_unit_is_current()
    """,
    """
    CREATE FUNCTION egov_law_current_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE search_units SET is_current = (revision_id = NEW.current_revision_id) IS TRUE
        WHERE law_id = NEW.law_id AND is_current IS DISTINCT FROM ((revision_id = NEW.current_revision_id) IS TRUE);
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER laws_current_revision_changed AFTER UPDATE OF current_revision_id ON laws
    FOR EACH ROW WHEN (OLD.current_revision_id IS DISTINCT FROM NEW.current_revision_id)
    EXECUTE FUNCTION egov_law_current_changed()
    """,
    """
    CREATE TRIGGER laws_current_revision_set AFTER INSERT ON laws
    FOR EACH ROW WHEN (NEW.current_revision_id IS NOT NULL) EXECUTE FUNCTION egov_law_current_changed()
    """,
]


def upgrade() -> None:
    """Add ``prior`` and ``is_current`` (backfilled) and the triggers that keep ``is_current`` true."""
    for statement in _DDL:
        op.execute(statement)


def downgrade() -> None:
    """Drop the triggers, their functions and both columns."""
    op.execute("DROP TRIGGER IF EXISTS laws_current_revision_changed ON laws")
    op.execute("DROP TRIGGER IF EXISTS laws_current_revision_set ON laws")
    op.execute("DROP TRIGGER IF EXISTS search_units_is_current ON search_units")
    op.execute("DROP FUNCTION IF EXISTS egov_law_current_changed()")
    op.execute("DROP FUNCTION IF EXISTS egov_unit_is_current()")
    op.execute("ALTER TABLE search_units DROP COLUMN IF EXISTS is_current")
    op.execute("ALTER TABLE search_units DROP COLUMN IF EXISTS prior")
