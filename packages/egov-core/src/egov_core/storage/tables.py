"""SQLAlchemy Core table definitions: the storage contract of /work/team/SCHEMA.md.

The Alembic migrations in :mod:`egov_core.storage.migrations` create these tables; this module only
describes them so that queries can be written with SQLAlchemy Core. Keep both in step.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
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
    Column("current_revision_id", BigInteger, ForeignKey("law_revisions.id", ondelete="SET NULL")),
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

#: Keyword-search units (article-level), with uni+bigram tokens.
search_units = Table(
    "search_units",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("revision_id", BigInteger, ForeignKey("law_revisions.id", ondelete="CASCADE"), nullable=False),
    Column("law_id", Text, nullable=False),
    Column("law_type", Text),
    Column("category", Text),
    Column("path", Text, nullable=False),
    Column("seq", SmallInteger, nullable=False),
    Column("in_suppl", Boolean, nullable=False),
    Column("caption", Text),
    Column("title", Text),
    Column("text", Text, nullable=False),
    Column("tokens", TSVECTOR, nullable=False),
    UniqueConstraint("revision_id", "path", "seq"),
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
