"""Chunking (pure): laws per Article / Paragraph, court decisions per 判示事項 / 裁判要旨 / 全文 window."""

from egov_vector.chunking.cases import chunk_case
from egov_vector.chunking.laws import chunk_law, unit_path_of
from egov_vector.chunking.model import Chunk, ProvisionLike, SourceKind, chunk_hash, split_text

__all__ = [
    "Chunk",
    "ProvisionLike",
    "SourceKind",
    "chunk_case",
    "chunk_hash",
    "chunk_law",
    "split_text",
    "unit_path_of",
]
