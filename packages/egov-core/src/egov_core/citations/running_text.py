"""Citations in running text, one after another: 同法 / 同条 read against the citation before, and the law
names the text defines (新法, 旧法) read as the laws they stand for."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping
from dataclasses import replace

from egov_core.citations._memo import MemoDirectory
from egov_core.citations.defined import DefinedLaw, written_law_name
from egov_core.citations.directory import LawDirectory
from egov_core.citations.model import CitationContext, CitationMatch, CitationParts, LawRef, Resolution
from egov_core.citations.parser import iter_citations
from egov_core.citations.resolver import PAGE_LOOKBACK, SUPPL_TOPS, not_found, resolve_parts
from egov_core.errors import InvalidQueryError

__all__ = ["extract_and_resolve", "iter_resolved", "resolve_defined"]


async def iter_resolved(
    text: str,
    directory: LawDirectory,
    context: CitationContext | None = None,
    *,
    start: int = 0,
    max_chars: int = 100_000,
    shared: dict[CitationParts, Resolution] | None = None,
    defined: Mapping[str, DefinedLaw] | None = None,
) -> AsyncGenerator[tuple[CitationMatch, Resolution], None]:
    """Every citation in ``text`` from offset ``start`` on, with its resolution, one at a time.

    同法 / 同条 refer to the citation before. When ``start`` > 0, the :data:`PAGE_LOOKBACK` characters
    before it are parsed but not resolved, and the last citation there that names its law is resolved
    once, so 同法 right after ``start`` still finds it. The cost of stopping after k citations is linear
    in the characters read plus k resolutions.

    ``shared`` remembers, across calls, the resolutions that depend on nothing but the citation itself
    (「民法第七百九条」: a named law and absolute numbers, read the same in any context); a caller resolving
    many texts against one unchanging directory (the graph build) passes the same dict to every call.

    ``defined`` maps the law names the surrounding text defines (新法, 旧法, 新令: see
    :func:`~egov_core.citations.defined.find_law_definitions`) to what they stand for.

    Raises:
        InvalidQueryError: ``text`` is longer than ``max_chars``.
    """
    if len(text) > max_chars:
        raise InvalidQueryError(f"text is {len(text)} characters; at most {max_chars} are accepted")
    table = await directory.name_table()
    previous: Resolution | None = None
    memo = MemoDirectory(directory)
    last_named: CitationParts | None = None
    # Citations from PAGE_LOOKBACK before ``start`` on; those before ``start`` only give context.
    for m in iter_citations(text, names=table, start=max(0, start - PAGE_LOOKBACK), lookback=0):
        if m.start < start:
            if m.parts.law_ref is LawRef.NAME:
                last_named = m.parts
            continue
        if last_named is not None:
            # Kept even when the law is not stored: a 同法 after it means that law, not the context law.
            previous, last_named = await resolve_parts(last_named, directory=memo, context=context), None
        definition = defined.get(written_law_name(m.parts) or "") if defined else None
        cached = shared.get(m.parts) if shared is not None and definition is None else None
        if definition is not None:
            res = await resolve_defined(m.parts, definition, directory=memo, context=context, previous=previous)
        elif cached is not None:
            res = cached
        else:
            res = await resolve_parts(m.parts, directory=memo, context=context, previous=previous)
            own = context is not None and res.law_id == context.law_id
            if shared is not None and not own and _context_free(m.parts):
                shared[m.parts] = res
        yield m, res
        previous = res


async def resolve_defined(
    parts: CitationParts,
    definition: DefinedLaw,
    *,
    directory: LawDirectory,
    context: CitationContext | None,
    previous: Resolution | None = None,
) -> Resolution:
    """``parts`` written with a law name the text defines (新法第三条, 旧法第五条), read as the law it stands for.

    In an amendment's 附則 (``SupplProvision[k]``) 「この法律」 is the amending law, which the store does not hold
    here; a name the store no longer knows, defined as 「改正後の…」 / 「改正前の…」, is the law whose 附則 this is when
    the two are laws of one kind (石油税法 since renamed 石油石炭税法); and a 旧法 in a law's own 附則 or text (the
    main provision, ``SupplProvision[1]``) that names this law is a former law of that name (the 明治 民事訴訟法 in
    the 平成 code's 附則), not this law's own earlier text.
    """
    law = definition.parts
    top = (context.path or "").split("-", 1)[0] if context else ""
    own_text = top in ("", "MainProvision", *SUPPL_TOPS)
    if law.law_ref is LawRef.THIS and not own_text:
        return not_found(parts, "amending_law", "「この法律」は改正法を指します（収録されていません）")
    read = replace(
        parts,
        law_name=law.law_name,
        law_ref=law.law_ref,
        old_law=law.old_law,
        historical=parts.historical or law.historical,
        amended_by=parts.amended_by or law.amended_by,
        law_from_text=False,
    )
    res = await resolve_parts(read, directory=directory, context=context, previous=previous)
    own = await directory.get_law(context.law_id) if context and context.law_id else None
    if res.reason == "unknown_law" and definition.amended and not own_text and own and _one_kind(law, own.title):
        res = await resolve_parts(replace(read, law_name=own.title), directory=directory, context=context)
    if read.historical and own_text and own is not None and res.law_id == own.law_id:
        return not_found(read, "old_law", f"旧法: {parts.law_name or '旧法'}は現行の{own.title}とは別の法令です")
    return res


_KINDS_OF_LAW = ("施行規則", "施行令", "規則", "令", "法律", "法")


def _one_kind(law: CitationParts, title: str) -> bool:
    """Whether the name and the title are of one kind of law (both 施行令, both 法 …)."""
    name = law.law_name or ""
    kind = next((k for k in _KINDS_OF_LAW if name.endswith(k)), None)
    return kind is not None and title.endswith(kind)


def _context_free(parts: CitationParts) -> bool:
    """Whether ``parts`` resolve the same wherever they are read: a named law, absolute numbers only."""
    ends = (parts,) if parts.range_end is None else (parts, parts.range_end)
    return (
        parts.law_ref is LawRef.NAME
        and not parts.historical
        and all(
            p.article is not None and p.article_rel is None and p.paragraph_rel is None and p.item_rel is None
            for p in ends
        )
    )


async def extract_and_resolve(
    text: str,
    directory: LawDirectory,
    context: CitationContext | None = None,
    *,
    max_chars: int = 100_000,
) -> list[tuple[CitationMatch, Resolution]]:
    """Every citation in ``text`` with its resolution (see :func:`iter_resolved`).

    Raises:
        InvalidQueryError: ``text`` is longer than ``max_chars``.
    """
    return [pair async for pair in iter_resolved(text, directory, context, max_chars=max_chars)]
