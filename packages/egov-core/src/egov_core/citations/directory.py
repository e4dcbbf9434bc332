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

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.citations.names import LawNameTable, default_name_table
from egov_core.store.data_version import get_data_version
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
    """:class:`LawDirectory` over the SCHEMA.md tables (``laws``, ``provisions``, ``meta``).

    The law-name index is loaded once and reloaded when ``meta.data_version`` changes (checked at most
    every ``check_interval_s`` seconds, so a lookup costs no extra query in the common case).

    Args:
        engine: an async engine on the store.
        check_interval_s: how often to look at ``data_version``.
    """

    def __init__(self, engine: AsyncEngine, *, check_interval_s: float = 2.0) -> None:
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
        async with self._engine.connect() as conn:
            version = await get_data_version(conn)
            rows = (await conn.execute(text("SELECT law_id, title, abbrev, law_type FROM laws"))).all()
        laws: dict[str, LawEntry] = {}
        by_title: dict[str, list[LawEntry]] = {}
        by_abbrev: dict[str, list[LawEntry]] = {}
        pairs: list[tuple[str, str]] = []
        for law_id, title, abbrev, law_type in rows:
            entry = LawEntry(law_id, title or "", abbrev, law_type)
            laws[law_id] = entry
            by_title.setdefault(normalize(entry.title), []).append(entry)
            if numbered := _NUMBERED_TITLE.match(entry.title):
                by_title.setdefault(normalize(numbered.group(1)), []).append(entry)
                pairs.append((entry.title, numbered.group(1)))
            for a in _ABBREV_SPLIT.split(abbrev or ""):
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
        async with self._engine.connect() as conn:
            rows = await conn.execute(
                text(
                    "SELECT p.path, p.kind, p.title, p.caption, p.text FROM provisions p "
                    "JOIN laws l ON p.revision_id = l.current_revision_id "
                    "WHERE l.law_id = :law_id AND p.path = ANY(:paths)"
                ),
                {"law_id": law_id, "paths": list(paths)},
            )
            return {r.path: ProvisionInfo(r.path, r.kind, r.title, r.caption, r.text or "") for r in rows}

    async def all_provisions(self, law_id: str) -> dict[str, ProvisionInfo]:
        """Every provision of the law's current revision (for texts that cite one law many times)."""
        async with self._engine.connect() as conn:
            rows = await conn.execute(
                text(
                    "SELECT p.path, p.kind, p.title, p.caption, p.text FROM provisions p "
                    "JOIN laws l ON p.revision_id = l.current_revision_id WHERE l.law_id = :law_id"
                ),
                {"law_id": law_id},
            )
            return {r.path: ProvisionInfo(r.path, r.kind, r.title, r.caption, r.text or "") for r in rows}

    async def provisions_before_amendment(
        self, law_id: str, amendment_law_id: str, paths: Sequence[str]
    ) -> tuple[str, dict[str, ProvisionInfo]] | None:
        """See :meth:`LawDirectory.provisions_before_amendment`."""
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(
                    text(
                        "SELECT b.id, b.law_revision_id FROM law_revisions b, "
                        " (SELECT enforcement_date FROM law_revisions WHERE law_id = :law_id "
                        "  AND amendment_law_id = :amending ORDER BY enforcement_date LIMIT 1) a "
                        "WHERE b.law_id = :law_id AND b.enforcement_date < a.enforcement_date "
                        "ORDER BY b.enforcement_date DESC LIMIT 1"
                    ),
                    {"law_id": law_id, "amending": amendment_law_id},
                )
            ).first()
            if row is None:
                return None
            rows = await conn.execute(
                text(
                    "SELECT path, kind, title, caption, text FROM provisions "
                    "WHERE revision_id = :rev AND path = ANY(:paths)"
                ),
                {"rev": row[0], "paths": list(paths)},
            )
            found = {r.path: ProvisionInfo(r.path, r.kind, r.title, r.caption, r.text or "") for r in rows}
        return str(row[1]), found

    async def sibling_path(self, law_id: str, path: str, step: int) -> str | None:
        """See :meth:`LawDirectory.sibling_path`."""
        # Articles are siblings across 章/節 (their paths sit directly under Main/SupplProvision);
        # anything else is a sibling of the same parent.
        order = "DESC" if step < 0 else "ASC"
        cmp = "<" if step < 0 else ">"
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(
                    text(
                        "WITH me AS (SELECT p.revision_id, p.kind, p.parent_path, p.position FROM provisions p "
                        "  JOIN laws l ON p.revision_id = l.current_revision_id "
                        "  WHERE l.law_id = :law_id AND p.path = :path) "
                        "SELECT q.path FROM provisions q, me WHERE q.revision_id = me.revision_id "
                        "AND q.kind = me.kind AND ((me.kind = 'Article' AND split_part(q.path, '-', 1) = :top) "
                        "  OR (me.kind <> 'Article' AND q.parent_path IS NOT DISTINCT FROM me.parent_path)) "
                        f"AND q.position {cmp} me.position ORDER BY q.position {order} LIMIT 1"
                    ),
                    {"law_id": law_id, "path": path, "top": path.split("-", 1)[0]},
                )
            ).first()
        return None if row is None else str(row[0])
