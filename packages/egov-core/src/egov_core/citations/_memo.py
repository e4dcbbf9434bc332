"""A per-request memo in front of a :class:`LawDirectory`, so a long text with hundreds of citations
costs a few queries, not hundreds."""

from __future__ import annotations

from collections.abc import Sequence

from egov_core.citations.directory import LawDirectory, LawEntry, ProvisionInfo
from egov_core.citations.names import LawNameTable


class MemoDirectory:
    """Remembers every answer of ``inner`` for the lifetime of one request.

    Args:
        inner: the real directory.
        whole_law_after: after this many provision lookups in one law, the next lookup asks for every
            provision at once (a statute citing itself hundreds of times).
    """

    def __init__(self, inner: LawDirectory, *, whole_law_after: int = 8) -> None:
        self._inner = inner
        self._provisions: dict[tuple[str, str], ProvisionInfo | None] = {}
        self._complete: set[str] = set()
        self._lookups: dict[str, int] = {}
        self._whole_after = whole_law_after
        # Name lookups answered once per name: a text naming one unknown law a thousand times must not
        # scan every title a thousand times (find_by_title_prefix is a scan).
        self._by_title: dict[str, list[LawEntry]] = {}
        self._by_alias: dict[str, list[LawEntry]] = {}
        self._by_prefix: dict[tuple[str, int], list[LawEntry]] = {}
        self._laws: dict[str, LawEntry | None] = {}
        self._parents: dict[tuple[str, str], str | None] = {}

    async def name_table(self) -> LawNameTable:
        """See :meth:`LawDirectory.name_table`."""
        return await self._inner.name_table()

    async def find_by_title(self, title: str) -> list[LawEntry]:
        """See :meth:`LawDirectory.find_by_title`."""
        if title not in self._by_title:
            self._by_title[title] = await self._inner.find_by_title(title)
        return list(self._by_title[title])

    async def find_by_alias(self, name: str) -> list[LawEntry]:
        """See :meth:`LawDirectory.find_by_alias`."""
        if name not in self._by_alias:
            self._by_alias[name] = await self._inner.find_by_alias(name)
        return list(self._by_alias[name])

    async def find_by_title_prefix(self, prefix: str, *, limit: int = 10) -> list[LawEntry]:
        """See :meth:`LawDirectory.find_by_title_prefix`."""
        key = (prefix, limit)
        if key not in self._by_prefix:
            self._by_prefix[key] = await self._inner.find_by_title_prefix(prefix, limit=limit)
        return list(self._by_prefix[key])

    async def get_law(self, law_id: str) -> LawEntry | None:
        """See :meth:`LawDirectory.get_law`."""
        if law_id not in self._laws:
            self._laws[law_id] = await self._inner.get_law(law_id)
        return self._laws[law_id]

    async def all_provisions(self, law_id: str) -> dict[str, ProvisionInfo] | None:
        """Every provision of the law at once, when the inner directory can (SqlLawDirectory can)."""
        fetch = getattr(self._inner, "all_provisions", None)
        if fetch is None:
            return None
        whole: dict[str, ProvisionInfo] = await fetch(law_id)
        return whole

    async def get_provisions(self, law_id: str, paths: Sequence[str]) -> dict[str, ProvisionInfo]:
        """See :meth:`LawDirectory.get_provisions`."""
        self._lookups[law_id] = self._lookups.get(law_id, 0) + 1
        if law_id not in self._complete and self._lookups[law_id] > self._whole_after:
            whole = await self.all_provisions(law_id)
            if whole is not None:
                self._complete.add(law_id)
                for path, info in whole.items():
                    self._provisions[(law_id, path)] = info
        missing = [p for p in paths if (law_id, p) not in self._provisions and law_id not in self._complete]
        if missing:
            found = await self._inner.get_provisions(law_id, missing)
            for p in missing:
                self._provisions[(law_id, p)] = found.get(p)
        out: dict[str, ProvisionInfo] = {}
        for p in paths:
            known = self._provisions.get((law_id, p))
            if known is not None:
                out[p] = known
        return out

    async def provisions_before_amendment(
        self, law_id: str, amendment_law_id: str, paths: Sequence[str]
    ) -> tuple[str, dict[str, ProvisionInfo]] | None:
        """See :meth:`LawDirectory.provisions_before_amendment`."""
        return await self._inner.provisions_before_amendment(law_id, amendment_law_id, paths)

    async def sibling_path(self, law_id: str, path: str, step: int) -> str | None:
        """See :meth:`LawDirectory.sibling_path`."""
        return await self._inner.sibling_path(law_id, path, step)

    async def parent_path(self, law_id: str, path: str) -> str | None:
        """See :meth:`LawDirectory.parent_path`."""
        if (law_id, path) not in self._parents:
            self._parents[(law_id, path)] = await self._inner.parent_path(law_id, path)
        return self._parents[(law_id, path)]
