"""Resolve parsed citations to a law and an e-Gov provision path (``MainProvision-Article_709-Paragraph_1``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from egov_core.citations._memo import MemoDirectory
from egov_core.citations.directory import LawDirectory, LawEntry
from egov_core.citations.historical import amending_law_id, historical_resolution
from egov_core.citations.mentions import find_law_names
from egov_core.citations.model import (
    CitationContext,
    CitationParts,
    LawRef,
    Relative,
    Resolution,
    ResolutionStatus,
)
from egov_core.citations.names import BUILTIN_ABBREVIATIONS
from egov_core.citations.parser import iter_citations
from egov_core.errors import InvalidProvisionPathError
from egov_core.paths import canonical_path
from egov_core.text.normalize import normalize

__all__ = [
    "PAGE_LOOKBACK",
    "SUPPL_TOPS",
    "amending_law_id",
    "laws_named",
    "not_found",
    "resolve_citation",
    "resolve_parts",
]

_IROHA = "イロハニホヘトチリヌルヲワカヨタレソツネナラムウヰノオクヤマケフコエテアサキユメミシヱヒモセス"
_PATH_RE = re.compile(
    r"^(?P<top>MainProvision|SupplProvision(?:\[\d+\])?)"
    r"(?:-Article_(?P<art>[\d_]+))?(?:-Paragraph_(?P<para>\d+))?(?:-Item_(?P<item>[\d_]+))?"
)
_ACT_SUFFIXES = ("施行令", "施行規則", "施行法")
#: Characters before a page's ``start`` read for context (the law a 同法 or a list member refers to).
PAGE_LOOKBACK = 5_000
#: The top of a path in the first 附則, spelled both ways (numbered and not).
SUPPL_TOPS = ("SupplProvision[1]", "SupplProvision")


@dataclass(frozen=True, slots=True)
class _Where:
    """A provision position: top (MainProvision / SupplProvision[k]), article, paragraph, item."""

    top: str = "MainProvision"
    article: str | None = None
    paragraph: int | None = None
    item: str | None = None

    @staticmethod
    def of(path: str | None) -> _Where:
        return _where_of(path or "")

    def path(self, subitems: tuple[str, ...] = ()) -> str:
        out = self.top
        if self.article:
            out += f"-Article_{self.article}"
        if self.paragraph is not None or (self.item and self.article):
            out += f"-Paragraph_{self.paragraph or 1}"
        if self.item:
            out += f"-Item_{self.item}"
            for level, sub in enumerate(subitems, start=1):
                out += f"-Subitem{level}_{_IROHA.index(sub) + 1}"
        return out


@lru_cache(maxsize=8192)  # a graph build reads the same few thousand paths hundreds of thousands of times
def _where_of(path: str) -> _Where:
    if path:
        try:  # shorthands users type (Article_709) become canonical (MainProvision-Article_709)
            path = canonical_path(path)
        except InvalidProvisionPathError:
            return _Where()
    m = _PATH_RE.match(path)
    if not m:
        return _Where()
    para = m.group("para")
    return _Where(m.group("top"), m.group("art"), int(para) if para else None, m.group("item"))


def not_found(parts: CitationParts, reason: str, note: str, law: LawEntry | None = None) -> Resolution:
    """A NOT_FOUND resolution of ``parts``: ``reason`` is the machine-readable cause, ``note`` says it in words."""
    return Resolution(
        ResolutionStatus.NOT_FOUND,
        parts,
        law_id=law.law_id if law else None,
        title=law.title if law else None,
        reason=reason,
        note=note,
    )


async def _law_by_name(name: str, directory: LawDirectory) -> list[LawEntry]:
    """Laws ``name`` may mean: exact title first, then a built-in short name, then aliases, then title prefix."""
    exact = await directory.find_by_title(name)
    if exact:
        return exact
    builtin = BUILTIN_ABBREVIATIONS.get(normalize(name))
    if builtin and (hits := await directory.find_by_title(builtin)):
        return hits
    found: dict[str, LawEntry] = {e.law_id: e for e in await directory.find_by_alias(name)}
    table = await directory.name_table()
    for title in table.titles_for(name):
        for e in await directory.find_by_title(title):
            found.setdefault(e.law_id, e)
    if found:
        return list(found.values())
    # A title that continues with a parenthesised note (「…法（昭和…）」) is still that law. Any other
    # continuation names a different law: 「手形法」 is not 「手形法第八十七条及び…休日を定める政令」.
    prefix = [
        e
        for e in await directory.find_by_title_prefix(name, limit=10)
        if e.title[len(name) : len(name) + 1] in ("（", "(")
    ]
    return prefix if len(prefix) == 1 else []


async def _act_of(context: CitationContext, directory: LawDirectory) -> LawEntry | None:
    if context.act_law_id:
        return await directory.get_law(context.act_law_id)
    if not context.law_id:
        return None
    own = await directory.get_law(context.law_id)
    if own is None:
        return None
    for suffix in _ACT_SUFFIXES:
        if own.title.endswith(suffix):
            hits = await directory.find_by_title(own.title[: -len(suffix)])
            if len(hits) == 1:
                return hits[0]
    return own


async def _position(
    parts: CitationParts,
    law_id: str,
    context: CitationContext | None,
    previous: Resolution | None,
    directory: LawDirectory,
) -> _Where | str:
    """Where the citation points inside the law, or a not-found reason."""
    ctx = _Where.of(context.path if context and context.law_id == law_id else None)
    # 同項 / 同条 after a range (「第一項から第三項までに規定する…同項各号」) is the range's last provision.
    prev_path = (previous.range_end_path or previous.path) if previous and previous.law_id == law_id else None
    prev = _Where.of(prev_path)
    top = SUPPL_TOPS[0] if parts.suppl else "MainProvision"
    unnamed = parts.law_ref is LawRef.THIS and not parts.law_name
    if unnamed and parts.article is not None and not parts.suppl and ctx.top not in ("MainProvision", *SUPPL_TOPS):
        # 「第二条」 in an amendment's 附則 (SupplProvision[k], k > 1) is an article of the amending law, which
        # this law's text does not hold (「この法律」 there is the amending law).
        return "amending_law"
    if parts.suppl and ctx.top.startswith("SupplProvision[") and unnamed:
        # 「附則第三条」 unnamed inside an amendment's 附則 (SupplProvision[k]) is that 附則's own article.
        top = ctx.top
    article = parts.article
    if parts.article_rel is not None:
        base = prev if parts.article_rel is Relative.SAME and prev.article else ctx
        if not base.article:
            return "no_context"
        top, article = base.top, base.article
        if parts.article_rel in (Relative.PREVIOUS, Relative.NEXT):
            step = -1 if parts.article_rel is Relative.PREVIOUS else 1
            # 前二条: two articles back (the count belongs to the deepest relative level written).
            steps = parts.rel_count if parts.paragraph_rel is None and parts.item_rel is None else 1
            for _ in range(steps):
                sib = await directory.sibling_path(law_id, _Where(top, article).path(), step)
                if sib is None:
                    return "no_such_provision"
                article = _Where.of(sib).article
    paragraph = parts.paragraph
    # 第二号 / 前号 / 次号 alone: an item of the context paragraph.
    alone_item = article is None and paragraph is None and (parts.item or parts.item_rel is not None)
    if parts.paragraph_rel is not None or alone_item:
        # 同号 alone is an item of the paragraph cited just before (「前条第一号…同号の情報」), like 同項.
        same = parts.paragraph_rel is Relative.SAME or (parts.paragraph_rel is None and parts.item_rel is Relative.SAME)
        base = prev if same and prev.paragraph else ctx
        if article is None:
            if not base.article and not base.paragraph:
                return "no_context"
            top, article = base.top, base.article
        if parts.paragraph_rel in (Relative.PREVIOUS, Relative.NEXT):
            if base.paragraph is None:
                return "no_context"
            paragraph = base.paragraph + (-parts.rel_count if parts.paragraph_rel is Relative.PREVIOUS else 1)
            if paragraph < 1:
                return "no_such_provision"
        elif parts.paragraph_rel in (Relative.SAME, Relative.THIS) or parts.paragraph_rel is None:
            paragraph = base.paragraph
        # 前各項: the article as a whole.
    elif article is None and paragraph is not None and parts.law_ref is LawRef.THIS and not parts.law_name:
        article, top = ctx.article, ctx.top if ctx.article else top  # 第三項 alone: in the context article
    item = parts.item
    if parts.item_rel is Relative.PREVIOUS or parts.item_rel is Relative.NEXT:
        if not ctx.item or not ctx.item.isdigit():
            return "no_context"
        item = str(int(ctx.item) + (-parts.rel_count if parts.item_rel is Relative.PREVIOUS else 1))
    elif parts.item_rel in (Relative.SAME, Relative.THIS):
        item = (prev if parts.item_rel is Relative.SAME else ctx).item
    return _Where(top, article, paragraph, item)


async def _law_of(
    parts: CitationParts, directory: LawDirectory, context: CitationContext | None, previous: Resolution | None
) -> LawEntry | Resolution:
    # A name taken from the text (同法 after 「借地借家法の趣旨に照らし」, a bare 第十条 near one named law)
    # counts like a written one, except that a bare head in a statute means the context law.
    by_name = parts.law_ref is LawRef.NAME or (
        parts.law_from_text and (parts.law_ref is LawRef.SAME or not (context and context.law_id))
    )
    if by_name and parts.law_name:
        laws = await _law_by_name(parts.law_name, directory)
        if parts.old_law:
            known = f"（現行の{laws[0].title}とは別の法令）" if laws else ""
            return not_found(parts, "old_law", f"旧法: 旧{parts.law_name}{known}は収録されていません")
        if not laws:
            return not_found(parts, "unknown_law", f"法令「{parts.law_name}」は収録されていません")
        if len(laws) > 1:
            return Resolution(
                ResolutionStatus.AMBIGUOUS,
                parts,
                reason="ambiguous_law",
                note=f"「{parts.law_name}」に該当する法令が複数あります",
                candidates=tuple((e.law_id, e.title) for e in laws),
            )
        return laws[0]
    if parts.old_law:
        return not_found(parts, "old_law", "旧法: 改正前の法令は収録されていません")
    law_id: str | None = None
    # 同法 / 同条 / 同項 mean the citation just before, even one that did not resolve (「民事調停法第十九条の
    # 規定は、同条に規定する期間内に」: 同条 is not an article of the law being read).
    same_as_previous = parts.law_ref is LawRef.SAME or (
        parts.law_ref is LawRef.THIS
        and not parts.law_name
        and (
            parts.article_rel is Relative.SAME
            or (parts.article is None and parts.paragraph_rel is Relative.SAME)
            or (parts.article is None and parts.paragraph is None and parts.item_rel is Relative.SAME)
        )
    )
    if same_as_previous and previous is not None:
        if previous.law_id is None:  # 同法 after a law the store lacks is that law, still not stored
            reason = previous.reason if previous.reason in ("unknown_law", "old_law", "ambiguous_law") else "no_context"
            return not_found(parts, reason, "参照先（同法）の法令は収録されていません")
        law_id = previous.law_id
    elif parts.law_ref is LawRef.SAME:
        law_id = context.law_id if context else None
    elif parts.law_ref is LawRef.ACT:
        act = await _act_of(context, directory) if context else None
        law_id = act.law_id if act else None
    else:  # 本法 / nothing: the context law; in free text without one, the law cited just before
        law_id = context.law_id if context and context.law_id else (previous.law_id if previous else None)
    law = await directory.get_law(law_id) if law_id else None
    if law is None:
        return not_found(parts, "no_context", "参照先の法令を決められません（文脈がありません）")
    return law


async def resolve_parts(
    parts: CitationParts,
    *,
    directory: LawDirectory,
    context: CitationContext | None = None,
    previous: Resolution | None = None,
) -> Resolution:
    """Resolve parsed citation parts.

    Args:
        parts: what the citation says.
        directory: where laws and provisions are looked up.
        context: the law / provision the citation is read from (for 本法, 前条, 第三項 alone, 法第N条).
        previous: the resolution of the citation just before in the same text (for 同法, 同条, lists).

    Returns:
        The resolution (never raises for an unresolvable citation).
    """
    law = await _law_of(parts, directory, context, previous)
    if isinstance(law, Resolution):
        return law
    where = await _position(parts, law.law_id, context, previous, directory)
    if isinstance(where, str):
        return not_found(parts, where, "参照先の条項を決められません", law)
    if parts.historical:
        path = where.path(parts.subitems) if where.article or where.paragraph or where.item else None
        return await historical_resolution(parts, law, path, directory)
    if where.article is None and where.paragraph is None and where.item is None and not parts.suppl:
        return Resolution(ResolutionStatus.RESOLVED, parts, law_id=law.law_id, title=law.title)
    tops = SUPPL_TOPS if where.top in SUPPL_TOPS else (where.top,)
    candidates = [_Where(t, where.article, where.paragraph, where.item).path(parts.subitems) for t in tops]
    end_candidates: list[str] = []
    if parts.range_end is not None:
        end = await _position(parts.range_end, law.law_id, context, previous, directory)
        if isinstance(end, _Where):
            end_candidates = [_Where(t, end.article, end.paragraph, end.item).path() for t in tops]
    # Ancestors too: a citation of an older text (民法634条2項, before the 2017 reform) still lands on
    # the article it names, with a note, instead of failing outright.
    ancestors = [a for c in candidates for a in _ancestors(c)]
    found = await directory.get_provisions(law.law_id, candidates + ancestors + end_candidates)
    hit = next((found[c] for c in candidates if c in found), None)
    partial = None
    if hit is None:
        partial = next((found[a] for a in ancestors if a in found and "-Article_" in a), None)
        if partial is None:
            return not_found(parts, "no_such_provision", f"{law.title}に{candidates[0]}はありません", law)
        hit = partial
    return Resolution(
        ResolutionStatus.RESOLVED,
        parts,
        law_id=law.law_id,
        title=law.title,
        path=hit.path,
        range_end_path=next((c for c in end_candidates if c in found), None),
        caption=hit.caption,
        text=hit.text,
        reason="partial" if partial else None,
        note=f"{candidates[0]}は現行の{law.title}にありません（{hit.path}まで解決）" if partial else None,
    )


def _ancestors(path: str) -> list[str]:
    """``A-B-C`` → ``[A-B, A]``: the enclosing provisions, nearest first."""
    segments = path.split("-")
    return ["-".join(segments[:i]) for i in range(len(segments) - 1, 1, -1)]


async def resolve_citation(q: str, *, directory: LawDirectory, context: CitationContext | None = None) -> Resolution:
    """Resolve the first citation in ``q`` (``民法第七百九条第一項``, ``労基法20条``, ``前条``), or a bare law name.

    Returns:
        The resolution; status ``not_found`` with reason ``no_citation`` when ``q`` holds neither a
        citation nor a known law name (never raises for an unresolvable citation).
    """
    table = await directory.name_table()
    first = next(iter_citations(q, names=table), None)
    if first is not None:
        return await resolve_parts(first.parts, directory=directory, context=context)
    name = normalize(q.strip())
    if name and (name in table or await directory.find_by_title(name)):
        return await resolve_parts(CitationParts(law_name=name, law_ref=LawRef.NAME), directory=directory)
    return not_found(CitationParts(), "no_citation", "条文の引用も法令名も見つかりません")


async def laws_named(text: str, directory: LawDirectory, *, max_per_name: int = 2) -> list[LawEntry]:
    """The stored laws ``text`` names (「借地借家法の…」「薬機法上の…」), in order of first mention.

    A name is looked up as a citation's law name is (title, built-in short name, alias); a name that
    may mean more than ``max_per_name`` laws says too little to count.
    """
    found: dict[str, LawEntry] = {}
    memo = MemoDirectory(directory)
    for mention in find_law_names(text, names=await directory.name_table()):
        entries = await _law_by_name(mention.name, memo)
        if len(entries) <= max_per_name:
            for e in entries:
                found.setdefault(e.law_id, e)
    return list(found.values())
