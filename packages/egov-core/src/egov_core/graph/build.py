"""The edges of one provision and of one revision, from the resolver read in context.

Each provision's own text is read with its own path as the context, so 前条 / 前項 / 同項 / 次号 and a bare
第三条 resolve where they stand, and 同法 / 同条 follow the reference before them in the same provision.
The work per provision is bounded: at most :data:`MAX_PROVISION_CHARS` characters are read and at most
:data:`MAX_EDGES_PER_PROVISION` edges kept, so a pathological text costs a bounded number of lookups.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from egov_core.citations import CitationContext, LawDirectory, Resolution, ResolutionStatus, iter_resolved
from egov_core.citations._memo import MemoDirectory
from egov_core.citations.defined import DefinedLaw, find_law_definitions
from egov_core.citations.divisions import resolve_division_refs
from egov_core.citations.resolver import PAGE_LOOKBACK
from egov_core.graph.delegation import find_delegations, implementing_titles
from egov_core.graph.lookups import GraphLookups
from egov_core.graph.model import CitationEdge, EdgeKind

__all__ = ["MAX_EDGES_PER_PROVISION", "MAX_PROVISION_CHARS", "provision_edges", "revision_edges"]

#: Characters of one provision's text read for references (a 別表 can be far longer; its head is read).
MAX_PROVISION_CHARS = 20_000
#: Edges kept per provision (the longest provisions of the corpus hold a few hundred references).
MAX_EDGES_PER_PROVISION = 500


async def provision_edges(
    text: str,
    *,
    law_id: str,
    law_title: str,
    path: str,
    directory: LawDirectory,
    preceding: str = "",
    defined: Mapping[str, DefinedLaw] | None = None,
) -> list[CitationEdge]:
    """Every reference in the text of the provision at ``path`` of ``law_id``, as edges in text order.

    Citations come from the citation resolver (context: this law and provision), references to 編・章・節 from
    :mod:`egov_core.citations.divisions` (the target a division's path, ``MainProvision-Chapter_3``; none are
    read in the 目次); delegations (「政令で定める」…) point at the law's 施行令 / 施行規則 when the directory holds
    it. ``preceding`` is text read only for context (an item's paragraph: 「同法」 in a 号 means the law its 柱書
    named); ``defined`` the law names the text around defines (新法, 旧法: they are read as that law).
    """
    text = text[:MAX_PROVISION_CHARS]
    preceding = preceding[-PAGE_LOOKBACK:]
    found: list[tuple[int, CitationEdge]] = []
    context = CitationContext(law_id=law_id, path=path)
    offset = len(preceding)
    shared = directory.resolutions if isinstance(directory, GraphLookups) else None
    pairs = iter_resolved(
        preceding + text,
        directory,
        context,
        start=offset,
        max_chars=offset + MAX_PROVISION_CHARS,
        shared=shared,
        defined=defined,
    )
    async for match, res in pairs:
        if len(found) >= MAX_EDGES_PER_PROVISION:
            break
        found.append((match.start - offset, _cites(path, match.text, res)))
    if not path.startswith("TOC") and any(c in text for c in "編章節款目"):
        async for ref, res in resolve_division_refs(text, directory, context, defined=defined):
            if len(found) >= MAX_EDGES_PER_PROVISION:
                break
            found.append((ref.start, _cites(path, ref.text, res)))
    orders: dict[str, str | None] = {}
    for d in find_delegations(text):
        if len(found) >= MAX_EDGES_PER_PROVISION:
            break
        if d.order not in orders:
            orders[d.order] = await _implementing_law(law_title, d.order, directory)
        target = orders[d.order]
        found.append(
            (
                d.start,
                CitationEdge(
                    path=path,
                    kind=EdgeKind.DELEGATES,
                    raw=d.raw,
                    status=ResolutionStatus.RESOLVED.value if target else ResolutionStatus.NOT_FOUND.value,
                    target_law_id=target,
                    reason=None if target else "order_not_stored",
                ),
            )
        )
    found.sort(key=lambda pair: pair[0])
    return [edge for _, edge in found]


def _cites(path: str, raw: str, res: Resolution) -> CitationEdge:
    claims = res.status in (ResolutionStatus.RESOLVED, ResolutionStatus.HISTORICAL) and res.law_id is not None
    return CitationEdge(
        path=path,
        kind=EdgeKind.CITES,
        raw=raw,
        status=res.status.value,
        target_law_id=res.law_id,
        target_path=res.path if claims else None,
        target_end_path=res.range_end_path if claims else None,
        reason=res.reason,
    )


async def _implementing_law(law_title: str, order: str, directory: LawDirectory) -> str | None:
    for title in implementing_titles(law_title, order):
        hits = await directory.find_by_title(title)
        if len(hits) == 1:
            return hits[0].law_id
    return None


async def revision_edges(
    provisions: Iterable[tuple[str, str]], *, law_id: str, law_title: str, directory: LawDirectory
) -> list[CitationEdge]:
    """The edges of every ``(path, text)`` provision of one revision, in document order.

    One memo in front of ``directory`` serves the whole revision (a law citing itself a thousand times
    loads its own provisions once); a :class:`GraphLookups` is used as it is, since it already remembers
    for the whole build.
    """
    if not isinstance(directory, GraphLookups):
        directory = MemoDirectory(directory)
    edges: list[CitationEdge] = []
    texts: dict[str, str] = {}
    # Law names defined in the text (「…改正後の行政手続法（以下「新法」という。）」), per 附則 / main provision: an
    # amendment's 附則 defines its own 新法, which means nothing in the next one.
    defined: dict[str, dict[str, DefinedLaw]] = {}
    names = await directory.name_table()
    for path, text in provisions:
        texts[path] = text
        if not text:
            continue
        scope = defined.setdefault(path.split("-", 1)[0], {})
        if "」という" in text:
            scope.update((d.alias, d) for d in find_law_definitions(text, names=names))
        preceding = "".join(texts.get(a, "") for a in _item_ancestors(path))
        edges.extend(
            await provision_edges(
                text,
                law_id=law_id,
                law_title=law_title,
                path=path,
                directory=directory,
                preceding=preceding,
                defined=scope or None,
            )
        )
    return edges


def _item_ancestors(path: str) -> list[str]:
    """For a 号 or its イロハ, the enclosing paragraph and items, outermost first; nothing for other provisions."""
    segments = path.split("-")
    first = next((i for i, s in enumerate(segments) if s.startswith(("Item_", "Subitem"))), None)
    if first is None:
        return []
    return ["-".join(segments[:i]) for i in range(first, len(segments))]
