"""Where the resolver looks laws and provisions up: a Protocol, and its implementation over the store.

The resolver only needs a handful of questions answered (which laws carry this title or abbreviation,
does this provision exist in the current revision), so it is written against :class:`LawDirectory`
and stays testable and storage-agnostic.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from egov_core.citations.names import LawNameTable, default_name_table
from egov_core.store import citations as repo
from egov_core.store.data_version import get_data_version
from egov_core.store.database import ReadSource
from egov_core.store.errors import translate_errors
from egov_core.text.normalize import normalize

__all__ = ["LawDirectory", "LawEntry", "ProvisionInfo", "SqlLawDirectory"]


@dataclass(frozen=True, slots=True)
class LawEntry:
    """A law the directory knows: its id, title and e-Gov abbreviation(s)."""

    law_id: str
    title: str
    abbrev: str | None = None
    law_type: str | None = None


@dataclass(frozen=True, slots=True)
class ProvisionInfo:
    """A provision of a law's current revision: path, kind, heading label, caption and own text."""

    path: str
    kind: str
    title: str | None
    caption: str | None
    text: str


class LawDirectory(Protocol):
    """What citation resolution needs to know about the stored laws."""

    async def name_table(self) -> LawNameTable:
        """Known law names for the parser: built-in and bundled aliases plus the stored titles/abbreviations."""
        ...

    async def find_by_title(self, title: str) -> list[LawEntry]:
        """Laws whose title is exactly ``title`` (after normalisation)."""
        ...

    async def find_by_alias(self, name: str) -> list[LawEntry]:
        """Laws whose e-Gov abbreviation (laws.abbrev) is ``name`` (after normalisation)."""
        ...

    async def find_by_title_prefix(self, prefix: str, *, limit: int = 10) -> list[LawEntry]:
        """Laws whose title starts with ``prefix`` (after normalisation), shortest titles first."""
        ...

    async def get_law(self, law_id: str) -> LawEntry | None:
        """The law with ``law_id``, or None."""
        ...

    async def get_provisions(self, law_id: str, paths: Sequence[str]) -> dict[str, ProvisionInfo]:
        """Those of ``paths`` that exist in the law's current revision."""
        ...

    async def sibling_path(self, law_id: str, path: str, step: int) -> str | None:
        """The previous (``step=-1``) or next (``step=1``) provision of the same kind (前条, 次項), or None."""
        ...

    async def parent_path(self, law_id: str, path: str) -> str | None:
        """The provision enclosing ``path`` in the law's current revision: for an article its 章 / 節 (e-Gov paths
        leave it out: ``MainProvision-Article_5`` sits in ``MainProvision-Chapter_2``); None when not stored."""
        ...

    async def provisions_before_amendment(
        self, law_id: str, amendment_law_id: str, paths: Sequence[str]
    ) -> tuple[str, dict[str, ProvisionInfo]] | None:
        """The revision in force before the amendment ``amendment_law_id`` (its law_revision_id) and those of
        ``paths`` it holds, or None when the store does not hold that revision."""
        ...


_ABBREV_SPLIT = re.compile(r"[,，、;；]")
# Some titles carry their law number in front (昭和二十二年法律第五十四号（私的独占の禁止…に関する法律）).
_NUMBERED_TITLE = re.compile(r"^.+?号（(.+)）$")


class SqlLawDirectory:
    """:class:`LawDirectory` over the store (repository :mod:`egov_core.store.citations`).

    The law-name index is loaded once and reloaded when ``meta.data_version`` changes (checked at most
    every ``check_interval_s`` seconds, so a lookup costs no extra query in the common case). Behind
    ``Database.reads`` a read replica serves it only once it has replayed the data_version the caches key
    with, so the index is never older than the responses it goes into.

    Args:
        engine: an async engine on the store, or a :class:`~egov_core.store.ReadSource` such as
            ``Database.reads``.
        check_interval_s: how often to look at ``data_version``.
    """

    def __init__(self, engine: ReadSource, *, check_interval_s: float = 2.0) -> None:
        self._engine = engine
        self._interval = check_interval_s
        self._checked_at = float("-inf")
        self._version: int | None = None
        self._laws: dict[str, LawEntry] = {}
        self._by_title: dict[str, list[LawEntry]] = {}
        self._by_abbrev: dict[str, list[LawEntry]] = {}
        self._names: LawNameTable | None = None

    async def refresh(self) -> None:
        """Reload the name index now."""
        with translate_errors():
            async with self._engine.connect() as conn:
                version = await get_data_version(conn)
                rows = await repo.law_names(conn)
        laws: dict[str, LawEntry] = {}
        by_title: dict[str, list[LawEntry]] = {}
        by_abbrev: dict[str, list[LawEntry]] = {}
        pairs: list[tuple[str, str]] = []
        for row in rows:
            entry = LawEntry(row.law_id, row.title, row.abbrev, row.law_type)
            laws[row.law_id] = entry
            by_title.setdefault(normalize(entry.title), []).append(entry)
            if numbered := _NUMBERED_TITLE.match(entry.title):
                by_title.setdefault(normalize(numbered.group(1)), []).append(entry)
                pairs.append((entry.title, numbered.group(1)))
            for a in _ABBREV_SPLIT.split(row.abbrev or ""):
                if a.strip():
                    by_abbrev.setdefault(normalize(a.strip()), []).append(entry)
                    pairs.append((entry.title, a.strip()))
            pairs.append((entry.title, entry.title))
        self._laws, self._by_title, self._by_abbrev = laws, by_title, by_abbrev
        self._names = default_name_table().extended(pairs)
        self._version = version
        self._checked_at = time.monotonic()

    async def _ensure(self) -> None:
        now = time.monotonic()
        if self._names is not None and now - self._checked_at < self._interval:
            return
        if self._names is not None:
            with translate_errors():
                async with self._engine.connect() as conn:
                    version = await get_data_version(conn)
            if version == self._version:
                self._checked_at = now
                return
        await self.refresh()

    async def name_table(self) -> LawNameTable:
        """See :meth:`LawDirectory.name_table`."""
        await self._ensure()
        assert self._names is not None
        return self._names

    async def find_by_title(self, title: str) -> list[LawEntry]:
        """See :meth:`LawDirectory.find_by_title`."""
        await self._ensure()
        return list(self._by_title.get(normalize(title), ()))

    async def find_by_alias(self, name: str) -> list[LawEntry]:
        """See :meth:`LawDirectory.find_by_alias`."""
        await self._ensure()
        return list(self._by_abbrev.get(normalize(name), ()))

    async def find_by_title_prefix(self, prefix: str, *, limit: int = 10) -> list[LawEntry]:
        """See :meth:`LawDirectory.find_by_title_prefix`."""
        await self._ensure()
        p = normalize(prefix)
        hits = sorted(
            (e for t, es in self._by_title.items() if t.startswith(p) for e in es), key=lambda e: len(e.title)
        )
        return hits[:limit]

    async def get_law(self, law_id: str) -> LawEntry | None:
        """See :meth:`LawDirectory.get_law`."""
        await self._ensure()
        return self._laws.get(law_id)

    async def get_provisions(self, law_id: str, paths: Sequence[str]) -> dict[str, ProvisionInfo]:
        """See :meth:`LawDirectory.get_provisions`."""
        if not paths:
            return {}
        return await self._provisions(law_id, paths)

    async def all_provisions(self, law_id: str) -> dict[str, ProvisionInfo]:
        """Every provision of the law's current revision (for texts that cite one law many times)."""
        return await self._provisions(law_id, None)

    async def _provisions(self, law_id: str, paths: Sequence[str] | None) -> dict[str, ProvisionInfo]:
        with translate_errors():
            async with self._engine.connect() as conn:
                rows = await repo.current_provisions(conn, law_id, paths)
        return {r.path: ProvisionInfo(r.path, r.kind, r.title, r.caption, r.text) for r in rows}

    async def provisions_before_amendment(
        self, law_id: str, amendment_law_id: str, paths: Sequence[str]
    ) -> tuple[str, dict[str, ProvisionInfo]] | None:
        """See :meth:`LawDirectory.provisions_before_amendment`."""
        with translate_errors():
            async with self._engine.connect() as conn:
                found = await repo.provisions_before_amendment(conn, law_id, amendment_law_id, paths)
        if found is None:
            return None
        revision_id, rows = found
        return revision_id, {r.path: ProvisionInfo(r.path, r.kind, r.title, r.caption, r.text) for r in rows}

    async def sibling_path(self, law_id: str, path: str, step: int) -> str | None:
        """See :meth:`LawDirectory.sibling_path`."""
        with translate_errors():
            async with self._engine.connect() as conn:
                return await repo.sibling_provision_path(conn, law_id, path, step)

    async def parent_path(self, law_id: str, path: str) -> str | None:
        """See :meth:`LawDirectory.parent_path`."""
        with translate_errors():
            async with self._engine.connect() as conn:
                return await repo.provision_parent_path(conn, law_id, path)
