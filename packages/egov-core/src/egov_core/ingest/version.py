"""The version of what the import derives from a document's bytes.

An import skips a document whose bytes are already stored. That is right only while the same bytes
would produce the same rows: a fix to the parser, the rendered text, the search units, the tokens or
the definition extraction changes the rows without changing the bytes. So "unchanged" means the same
checksum *and* the same :data:`PARSER_VERSION`; revisions stored by an older version are parsed and
written again by the next import (``egov ingest``, ``egov sync``), one law revision at a time, each
published atomically as usual.
"""

from __future__ import annotations

import hashlib

__all__ = ["PARSER_VERSION", "checksum_of"]

#: Bump (by one) with every change to parsing, rendering, search units, tokens or definitions that
#: changes what is stored for the same bytes. Stored as ``law_revisions.parser_version`` (migration
#: 0006: revisions stored before it count as version 1).
PARSER_VERSION = 1


def checksum_of(data: bytes) -> str:
    """sha256 hex of a document's bytes: with :data:`PARSER_VERSION`, the identity of a stored revision's
    source (the import and ``egov sync`` both decide "unchanged" by it)."""
    return hashlib.sha256(data).hexdigest()
