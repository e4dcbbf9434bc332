"""The lookups of one graph build, shared by every revision it reads.

A build resolves hundreds of thousands of references, and most of them ask the same few questions again:
does 民法 have 第七百九条, which law is 「地方自治法」, what is the article before this one. Asking the store
each time (one connection, one query per question, one memo per revision) made the build three times
slower than the import it follows. Here each law's outline (paths, kinds, parents, positions; no text)
is read once per build and every question about it is answered from memory, and name lookups are
remembered for the whole build. The revision being read answers for its own law from its own outline,
so a historical revision's 前条 is the article before it in that revision, not in today's text.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.citations import CitationParts, LawDirectory, LawEntry, LawNameTable, ProvisionInfo, Resolution
from egov_core.store.errors import translate_errors
from egov_core.store.graph import OutlineRow, current_outline

__all__ = ["GraphLookups", "Outline"]


class Outline:
    """The provisions of one revision by path, with the order 前条 / 次項 walk in."""

    def __init__(self, rows: Sequence[OutlineRow]) -> None:
        self._kind: dict[str, str] = {}
        self._siblings: dict[tuple[str, str | None], list[str]] = {}
        self._index: dict[str, int] = {}
        for r in sorted(rows, key=lambda r: r.position):
            self._kind[r.path] = r.kind
            # Articles are siblings across 章/節 (under one Main/SupplProvision); anything else within its
            # parent: the order the store's sibling query uses.
            key = (r.kind, r.path.split("-", 1)[0]) if r.kind == "Article" else (r.kind, r.parent_path)
            group = self._siblings.setdefault(key, [])
            self._index[r.path] = len(group)
            group.append(r.path)
        self._parents = {r.path: r.parent_path for r in rows}

    def __len__(self) -> int:
        return len(self._kind)

    def find(self, paths: Sequence[str]) -> dict[str, ProvisionInfo]:
        """Those of ``paths`` in the revision (kind only: the graph needs no text)."""
        return {p: ProvisionInfo(p, self._kind[p], None, None, "") for p in paths if p in self._kind}

    def parent(self, path: str) -> str | None:
        """The provision enclosing ``path`` (an article's 章 / 節), or None."""
        return self._parents.get(path)

    def sibling(self, path: str, step: int) -> str | None:
        """The previous (``step < 0``) or next provision of the same kind, or None."""
        kind = self._kind.get(path)
        if kind is None:
            return None
        key = (kind, path.split("-", 1)[0]) if kind == "Article" else (kind, self._parents.get(path))
        group = self._siblings[key]
        i = self._index[path] + (-1 if step < 0 else 1)
        return group[i] if 0 <= i < len(group) else None


class GraphLookups:
    """A :class:`~egov_core.citations.LawDirectory` for one graph build: outlines in memory, names remembered.

    Args:
        engine: the store (outlines of cited laws are read from it).
        names: where law names are looked up (the store's :class:`~egov_core.citations.SqlLawDirectory`).
        max_laws: outlines kept at once (least recently used dropped first); the laws cited most (民法,
            地方自治法 …) stay in. 100: a default import (2 build processes) peaked at 540 MB with 400 (192 MB per
            build process, over the 500 MB an import may use) and at 452 MB with 100, in the same time
            (whole shared corpus, 50.6 against 53.3 s).
    """

    def __init__(self, engine: AsyncEngine, names: LawDirectory, *, max_laws: int = 100) -> None:
        self._engine = engine
        self._names = names
        self._max = max_laws
        self._outlines: OrderedDict[str, Outline] = OrderedDict()
        self._own: tuple[str, Outline] | None = None
        self._by_title: dict[str, list[LawEntry]] = {}
        self._by_alias: dict[str, list[LawEntry]] = {}
        self._by_prefix: dict[tuple[str, int], list[LawEntry]] = {}
        self._laws: dict[str, LawEntry | None] = {}
        self._before: dict[tuple[str, str, tuple[str, ...]], tuple[str, dict[str, ProvisionInfo]] | None] = {}
        #: Resolutions that depend on the citation alone (「民法第七百九条」), shared by every text of the build.
        self.resolutions: dict[CitationParts, Resolution] = {}

    def reading(self, law_id: str, outline: Outline) -> None:
        """The revision about to be read: its own law's provisions are looked up in ``outline``."""
        self._own = (law_id, outline)

    async def _outline(self, law_id: str) -> Outline:
        if self._own is not None and self._own[0] == law_id:
            return self._own[1]
        found = self._outlines.get(law_id)
        if found is not None:
            self._outlines.move_to_end(law_id)
            return found
        with translate_errors():
            async with self._engine.connect() as conn:
                outline = Outline(await current_outline(conn, law_id))
        self._outlines[law_id] = outline
        if len(self._outlines) > self._max:
            self._outlines.popitem(last=False)
        return outline

    async def name_table(self) -> LawNameTable:
        """See :meth:`LawDirectory.name_table`."""
        return await self._names.name_table()

    async def find_by_title(self, title: str) -> list[LawEntry]:
        """See :meth:`LawDirectory.find_by_title`."""
        if title not in self._by_title:
            self._by_title[title] = await self._names.find_by_title(title)
        return list(self._by_title[title])

    async def find_by_alias(self, name: str) -> list[LawEntry]:
        """See :meth:`LawDirectory.find_by_alias`."""
        if name not in self._by_alias:
            self._by_alias[name] = await self._names.find_by_alias(name)
        return list(self._by_alias[name])

    async def find_by_title_prefix(self, prefix: str, *, limit: int = 10) -> list[LawEntry]:
        """See :meth:`LawDirectory.find_by_title_prefix`."""
        key = (prefix, limit)
        if key not in self._by_prefix:
            self._by_prefix[key] = await self._names.find_by_title_prefix(prefix, limit=limit)
        return list(self._by_prefix[key])

    async def get_law(self, law_id: str) -> LawEntry | None:
        """See :meth:`LawDirectory.get_law`."""
        if law_id not in self._laws:
            self._laws[law_id] = await self._names.get_law(law_id)
        return self._laws[law_id]

    async def get_provisions(self, law_id: str, paths: Sequence[str]) -> dict[str, ProvisionInfo]:
        """Those of ``paths`` the law holds (in the revision being read, for its own law)."""
        return (await self._outline(law_id)).find(paths)

    async def sibling_path(self, law_id: str, path: str, step: int) -> str | None:
        """See :meth:`LawDirectory.sibling_path`."""
        return (await self._outline(law_id)).sibling(path, step)

    async def parent_path(self, law_id: str, path: str) -> str | None:
        """See :meth:`LawDirectory.parent_path` (in the revision being read, for its own law)."""
        return (await self._outline(law_id)).parent(path)

    async def provisions_before_amendment(
        self, law_id: str, amendment_law_id: str, paths: Sequence[str]
    ) -> tuple[str, dict[str, ProvisionInfo]] | None:
        """See :meth:`LawDirectory.provisions_before_amendment` (remembered for the build)."""
        key = (law_id, amendment_law_id, tuple(paths))
        if key not in self._before:
            self._before[key] = await self._names.provisions_before_amendment(law_id, amendment_law_id, paths)
        return self._before[key]
