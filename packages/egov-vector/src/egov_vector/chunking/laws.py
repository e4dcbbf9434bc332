"""Chunking a law revision: one chunk per Article, per Paragraph for long Articles (pure).

Retrieval units follow ``search_units`` (SCHEMA.md): an Article; a Paragraph directly under
MainProvision / SupplProvision (laws and 附則 without Articles); an Appdx* element (別表 … , truncated:
a table's first window says what it is about, the rest is mostly numbers); EnactStatement / Preamble.
Each chunk starts with context — the law title and the Article's title and caption — because an
Article's text rarely names its own subject (「前条の規定にかかわらず…」).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from egov_core.domain import APPENDIX_KINDS
from egov_vector.chunking.model import Chunk, ProvisionLike, chunk_hash, split_text

__all__ = ["chunk_law", "unit_path_of"]

# Never units and never part of one: structure, the table of contents, the containers themselves.
_NOT_UNITS = frozenset(
    {"TOC", "MainProvision", "SupplProvision", "Part", "Chapter", "Section", "Subsection", "Division"}
)
_APPENDIX = frozenset(APPENDIX_KINDS)


def _kind(p: ProvisionLike) -> str:
    return str(p.kind)


@dataclass
class _Unit:
    head: ProvisionLike
    members: list[ProvisionLike] = field(default_factory=list)


def _units(provisions: Iterable[ProvisionLike]) -> Iterator[_Unit]:
    current: _Unit | None = None
    for p in provisions:
        if current is not None and p.path.startswith(current.head.path + "-"):
            current.members.append(p)
            continue
        if current is not None:
            yield current
            current = None
        if _kind(p) not in _NOT_UNITS:
            current = _Unit(p, [p])
    if current is not None:
        yield current


def _line(p: ProvisionLike) -> str:
    text = " ".join(p.text.split())
    if _kind(p) in {"Article", *_APPENDIX}:
        return ""  # the heading goes into the context prefix
    label = (p.title or "").strip()
    return f"{label}　{text}" if label and text else label or text


def _body(members: Iterable[ProvisionLike]) -> str:
    return "\n".join(line for line in (_line(p) for p in members) if line)


def unit_path_of(path: str) -> str:
    """The retrieval unit containing ``path`` (``…-Article_32-Paragraph_1`` → ``…-Article_32``).

    The unit is the first Article, Paragraph or Appdx* segment of the path (paths carry no 編章節).
    """
    segments = path.split("-")
    for i, seg in enumerate(segments):
        name = seg.split("_", 1)[0].split("[", 1)[0]
        if name == "Article" or name == "Paragraph" or name in _APPENDIX or name in {"EnactStatement", "Preamble"}:
            return "-".join(segments[: i + 1])
    return path


def chunk_law(title: str, provisions: Iterable[ProvisionLike], *, max_chars: int = 800) -> list[Chunk]:
    """The chunks of one law revision.

    Args:
        title: the law's title, put in front of every chunk.
        provisions: the revision's provisions in document order (domain ``Provision`` objects or rows).
        max_chars: an Article whose text is longer is chunked per Paragraph; longer texts are windowed;
            appendices are cut to this length.

    Returns:
        Chunks in document order; ``(path, part)`` is unique among them.
    """
    chunks: list[Chunk] = []
    for unit in _units(provisions):
        head = unit.head
        kind = _kind(head)
        in_suppl = head.path.startswith("SupplProvision")
        label = " ".join(x for x in ((head.title or "").strip(), (head.caption or "").strip()) if x)
        if kind not in {"Article", *_APPENDIX}:
            label = (head.caption or "").strip()
        context = " ".join(x for x in (title, "附則" if in_suppl else "", label) if x)

        def emit(path: str, body: str, suffix: str = "", *, unit: _Unit = unit, context: str = context) -> None:
            prefix = f"{context}{suffix}\n"
            for part, piece in enumerate(split_text(body, max_chars)):
                text = prefix + piece
                chunks.append(
                    Chunk(
                        source_kind="law",
                        unit_path=unit.head.path,
                        path=path,
                        part=part,
                        text=text,
                        body_start=len(prefix),
                        content_hash=chunk_hash(text),
                        title=unit.head.title,
                        caption=unit.head.caption,
                        in_suppl=unit.head.path.startswith("SupplProvision"),
                    )
                )

        if kind in _APPENDIX:
            body = " ".join(" ".join(p.text.split()) for p in unit.members if p.text.strip())
            emit(head.path, body[:max_chars])
            continue
        body = _body(unit.members)
        paragraphs = [
            p for p in unit.members if _kind(p) == "Paragraph" and p.path.count("-") == head.path.count("-") + 1
        ]
        if kind != "Article" or len(body) <= max_chars or len(paragraphs) < 2:
            if body.strip():
                emit(head.path, body)
            continue
        for para in paragraphs:
            members = [p for p in unit.members if p.path == para.path or p.path.startswith(para.path + "-")]
            number = para.path.rsplit("Paragraph_", 1)[-1].split("[", 1)[0]
            emit(para.path, _body(members), f" 第{number}項")
    return chunks
