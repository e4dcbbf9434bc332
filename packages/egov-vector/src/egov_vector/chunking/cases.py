"""Chunking a court decision: 判示事項, 裁判要旨 and windows of the 全文 (pure)."""

from __future__ import annotations

from egov_vector.chunking.model import Chunk, chunk_hash, split_text

__all__ = ["CASE_SECTIONS", "chunk_case"]

#: unit paths of case chunks: 判示事項, 裁判要旨, 全文.
CASE_SECTIONS = ("gist", "case_gist", "contents")


def chunk_case(
    *,
    case_name: str | None,
    court_name: str | None,
    date: str | None,
    case_number: str | None,
    gist: str | None,
    case_gist: str | None,
    contents: str | None,
    max_chars: int = 800,
    max_passages: int = 24,
) -> list[Chunk]:
    """The chunks of one decision, each prefixed with its case name, court, date and number.

    Args:
        case_name / court_name / date / case_number: the context prefix.
        gist: 判示事項 (one chunk, windowed if long).
        case_gist: 裁判要旨 (likewise).
        contents: 全文, windowed; only the first ``max_passages`` windows are kept (the reasons that
            matter for retrieval come early, and a judgment can run to hundreds of pages).
        max_chars: window size.

    Returns:
        Chunks with ``unit_path`` ``gist`` / ``case_gist`` / ``contents``.
    """
    context = " ".join(x.strip() for x in (case_name, court_name, date, case_number) if x and x.strip())
    chunks: list[Chunk] = []
    for section, body, label, limit in (
        ("gist", gist, "判示事項", None),
        ("case_gist", case_gist, "裁判要旨", None),
        ("contents", contents, "全文", max_passages),
    ):
        if not body or not body.strip():
            continue
        prefix = f"{context} {label}\n" if context else f"{label}\n"
        pieces = split_text(body.strip(), max_chars)
        for part, piece in enumerate(pieces[:limit] if limit is not None else pieces):
            text = prefix + piece
            chunks.append(
                Chunk(
                    source_kind="case",
                    unit_path=section,
                    path=section,
                    part=part,
                    text=text,
                    body_start=len(prefix),
                    content_hash=chunk_hash(text),
                    title=case_name,
                )
            )
    return chunks
