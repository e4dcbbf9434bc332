"""SQLAlchemy Core table definitions: the storage contract (see ARCHITECTURE.md).

The Alembic migrations in :mod:`egov_core.store.migrations` create these tables; this module only
describes them so that queries can be written with SQLAlchemy Core. Keep both in step.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Computed,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    SmallInteger,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TIMESTAMP, TSVECTOR

metadata = MetaData()

#: Key/value store: ``data_version`` (bumped by every published import), ``sync_cursor`` …
meta = Table(
    "meta",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)

#: One row per law; its descriptive columns mirror the law's current revision.
laws = Table(
    "laws",
    metadata,
    Column("law_id", Text, primary_key=True),
    Column("law_num", Text),
    Column("title", Text),
    Column("title_kana", Text),
    Column("abbrev", Text),
    Column("law_type", Text),
    Column("era", Text),
    Column("year", Integer),
    Column("num", Text),
    Column("promulgation_date", Date),
    Column("category", Text),
    # laws <-> law_revisions reference each other: the migration adds this key after both tables (use_alter).
    Column(
        "current_revision_id",
        BigInteger,
        ForeignKey("law_revisions.id", ondelete="SET NULL", use_alter=True, name="laws_current_revision_id_fkey"),
    ),
    Column("updated_at", TIMESTAMP(timezone=True)),
)

#: One row per stored revision (version of the text) of a law.
law_revisions = Table(
    "law_revisions",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("law_id", Text, ForeignKey("laws.law_id", ondelete="CASCADE"), nullable=False),
    Column("law_revision_id", Text, nullable=False, unique=True),
    Column("enforcement_date", Date),
    Column("amendment_law_id", Text),
    Column("status", Text),
    Column("title", Text),
    Column("law_num", Text),
    Column("checksum", Text, nullable=False),
    Column("source_format", Text),
    Column("source_name", Text),
    #: orjson bytes of the lossless tree in e-Gov v2 ``law_full_text`` shape ({"tag","attr","children"}).
    Column("tree", LargeBinary),
    Column("provision_count", Integer),
    Column("imported_at", TIMESTAMP(timezone=True)),
    # Extra columns (beyond SCHEMA.md): the revision's own metadata, so laws.* can mirror the current one.
    Column("revision_id_synthesized", Boolean, nullable=False, server_default="false"),
    Column("title_kana", Text),
    Column("abbrev", Text),
    Column("law_type", Text),
    Column("era", Text),
    Column("year", Integer),
    Column("num", Text),
    Column("promulgation_date", Date),
    Column("category", Text),
    Column("amendment_promulgate_date", Date),
    Column("repeal_type", Text),
    Column("data_info", Text),
    Column("lang", Text),
    # Migration 0004: how many defined terms were extracted; NULL = not yet (imported before 0004).
    Column("definition_count", Integer),
    Column("citation_count", Integer),
    # Migration 0006: egov_core.ingest.version.PARSER_VERSION of the import that wrote the revision.
    Column("parser_version", Integer, nullable=False, server_default="1"),
)

#: Every addressable provision of every revision.
provisions = Table(
    "provisions",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("revision_id", BigInteger, ForeignKey("law_revisions.id", ondelete="CASCADE"), nullable=False),
    Column("path", Text, nullable=False),
    Column("parent_path", Text),
    Column("kind", Text, nullable=False),
    Column("num", Text),
    Column("title", Text),
    Column("caption", Text),
    Column("text", Text, nullable=False),
    Column("position", Integer, nullable=False),
    Column("depth", Integer, nullable=False),
    UniqueConstraint("revision_id", "path"),
)

#: ``search_units.prior`` holds the unit's text length (capped) in these low 28 bits, its rank class above.
PRIOR_LENGTH_MASK = (1 << 28) - 1
#: Keyword search's first band (migration 0008): current units with ``prior`` below this, i.e. the Constitution
#: and Acts' main provisions under 200 characters (about a fifth of the units, where a window by prior starts).
BAND_PRIOR = PRIOR_LENGTH_MASK + 1 + 200

#: Keyword-search units (article-level), with uni+bigram tokens. Columns in their physical order (migration
#: 0007): the fixed-width ones first, so keyword search reads ``prior`` and ``is_current`` at known offsets.
search_units = Table(
    "search_units",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("revision_id", BigInteger, ForeignKey("law_revisions.id", ondelete="CASCADE"), nullable=False),
    # Generated by the database (migration 0002): the keyword-search ranking prior.
    Column(
        "prior",
        Integer,
        Computed(
            "(CASE WHEN in_suppl THEN 4 ELSE 0 END + CASE law_type WHEN 'Constitution' THEN 0 WHEN 'Act' THEN 1 "
            f"WHEN 'CabinetOrder' THEN 2 ELSE 3 END) * {PRIOR_LENGTH_MASK + 1} + "
            f"least(length(text), {PRIOR_LENGTH_MASK})"
        ),
    ),
    Column("seq", SmallInteger, nullable=False),
    # Kept by triggers (migration 0002): revision_id = laws.current_revision_id.
    Column("is_current", Boolean, nullable=False, server_default="false"),
    Column("in_suppl", Boolean, nullable=False),
    Column("law_id", Text, nullable=False),
    Column("law_type", Text),
    Column("category", Text),
    Column("path", Text, nullable=False),
    Column("caption", Text),
    Column("title", Text),
    Column("tokens", TSVECTOR, nullable=False),
    Column("text", Text, nullable=False),
    UniqueConstraint("revision_id", "path", "seq"),
)

#: How many current search units hold each n-gram, and how many of those are in the first band (migration
#: 0008; kept by statement triggers on ``search_units``): a one-n-gram search's total, and the scale of others'.
search_token_df = Table(
    "search_token_df",
    metadata,
    Column("token", Text, primary_key=True),
    Column("ndoc", Integer, nullable=False),
    Column("ndoc_band", Integer, nullable=False),
)

#: Defined terms (定義語) of each revision (migration 0004), see :mod:`egov_core.definitions`.
definitions = Table(
    "definitions",
    metadata,
    Column("revision_id", BigInteger, ForeignKey("law_revisions.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("term", Text, nullable=False, index=True),
    Column("meaning", Text, nullable=False),
    Column("path", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("scope", Text, nullable=False),
    Column("scope_path", Text),
    Column("scope_note", Text),
    PrimaryKeyConstraint("revision_id", "seq"),
)

#: The statute citation graph: one row per reference in a revision's text (migration 0005), see
#: :mod:`egov_core.graph`.
citation_edges = Table(
    "citation_edges",
    metadata,
    Column("revision_id", BigInteger, ForeignKey("law_revisions.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("path", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("raw", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("target_law_id", Text),
    Column("target_path", Text),
    Column("target_end_path", Text),
    Column("reason", Text),
    PrimaryKeyConstraint("revision_id", "seq"),
    Index("ix_citation_edges_target", "target_law_id", "target_path"),
    Index("ix_citation_edges_source", "revision_id", "path"),
)

#: Court decisions.
cases = Table(
    "cases",
    metadata,
    Column("lawsuit_id", Text, primary_key=True),
    Column("trial_type", Text),
    Column("case_number", Text),
    Column("case_name", Text),
    Column("court_name", Text),
    Column("date", Date),
    Column("date_era", Text),
    Column("date_year", Integer),
    Column("date_month", Integer),
    Column("date_day", Integer),
    Column("result_type", Text),
    Column("result", Text),
    Column("article_info", Text),
    Column("original_court_name", Text),
    Column("original_case_number", Text),
    Column("original_date", Date),
    Column("gist", Text),
    Column("case_gist", Text),
    Column("ref_law", Text),
    Column("contents", Text),
    Column("detail_page_link", Text),
    Column("full_pdf_link", Text),
    Column("extra", JSONB),
    Column("flags", ARRAY(Text)),
    Column("checksum", Text, nullable=False),
    Column("tokens", TSVECTOR),
    Column("imported_at", TIMESTAMP(timezone=True)),
    Column("source_name", Text),
)

#: The parts of each decision's 参照法条, raw and resolved.
case_law_refs = Table(
    "case_law_refs",
    metadata,
    Column("lawsuit_id", Text, ForeignKey("cases.lawsuit_id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("raw", Text, nullable=False),
    Column("law_id", Text),
    Column("path", Text),
    Column("status", Text, nullable=False),
    Column("note", Text),
    PrimaryKeyConstraint("lawsuit_id", "seq"),
)

#: One row per import run (laws or cases).
import_runs = Table(
    "import_runs",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("kind", Text, nullable=False),
    Column("started_at", TIMESTAMP(timezone=True), nullable=False),
    Column("finished_at", TIMESTAMP(timezone=True)),
    Column("status", Text, nullable=False),
    Column("imported", Integer, nullable=False, server_default="0"),
    Column("unchanged", Integer, nullable=False, server_default="0"),
    Column("failed", Integer, nullable=False, server_default="0"),
    Column("errors", JSONB),
)

#: API keys (``egov keys``): the public id, a SHA-256 of the secret, an optional per-window quota.
api_keys = Table(
    "api_keys",
    metadata,
    Column("key_id", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("secret_sha256", LargeBinary, nullable=False),
    Column("quota", Integer),
    Column("created_at", TIMESTAMP(timezone=True), nullable=False),
    Column("revoked_at", TIMESTAMP(timezone=True)),
)

# Indexes (migration 0001), named as the migration names them; test_tables_match_migrations compares both.
Index("ix_laws_title", laws.c.title)
Index("ix_laws_law_type", laws.c.law_type)
Index("ix_laws_category", laws.c.category)
Index("ix_laws_era_year", laws.c.era, laws.c.year)
Index("ix_laws_promulgation_date", laws.c.promulgation_date)
Index("ix_laws_current_revision_id", laws.c.current_revision_id)
Index("ix_law_revisions_law_id_enforcement_date", law_revisions.c.law_id, law_revisions.c.enforcement_date)
Index("ix_law_revisions_checksum", law_revisions.c.checksum)
Index("ix_provisions_revision_id_position", provisions.c.revision_id, provisions.c.position)
Index("ix_provisions_revision_id_kind_num", provisions.c.revision_id, provisions.c.kind, provisions.c.num)
Index("ix_provisions_revision_id_parent_path", provisions.c.revision_id, provisions.c.parent_path)
Index("ix_search_units_tokens", search_units.c.tokens, postgresql_using="gin")
Index(
    "ix_search_units_tokens_band",
    search_units.c.tokens,
    postgresql_using="gin",
    postgresql_where=search_units.c.is_current & (search_units.c.prior < BAND_PRIOR),
)
Index("ix_search_units_revision_id", search_units.c.revision_id)
Index("ix_search_units_law_id", search_units.c.law_id)
Index("ix_cases_date", cases.c.date)
Index("ix_cases_court_name", cases.c.court_name)
Index("ix_cases_trial_type", cases.c.trial_type)
Index("ix_cases_tokens", cases.c.tokens, postgresql_using="gin")
Index("ix_case_law_refs_law_id_path", case_law_refs.c.law_id, case_law_refs.c.path)
Index("ix_import_runs_started_at", import_runs.c.started_at)
