"""Shards of a law import: split one import across processes or Kubernetes Jobs, by law.

Every document of a law goes to the same shard (``crc32(law_id) mod count``), so the shards of one
import write disjoint laws and never wait on each other's per-law locks; a document whose law the
layout does not tell (a file not named ``<LawId>.xml``) is placed by its name. Any split is safe: two
importers writing the same law are serialised by that law's lock, and identical bytes are written once.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from egov_core.ingest.sources import SourceItem

__all__ = ["Shard", "parse_shard"]

_SHARD = re.compile(r"^\s*(\d{1,4})\s*/\s*(\d{1,4})\s*$")


@dataclass(frozen=True, slots=True)
class Shard:
    """Shard ``index`` (0-based) of ``count``."""

    index: int
    count: int

    def __post_init__(self) -> None:
        if not 0 <= self.index < self.count:
            raise ValueError(f"shard {self.index}/{self.count}: the index must be in 0..{self.count - 1}")

    def holds(self, item: SourceItem) -> bool:
        """Whether ``item`` belongs to this shard."""
        key = item.law_id or item.name
        return zlib.crc32(key.encode()) % self.count == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard:
    """``"i/n"`` (0 ≤ i < n ≤ 9999) as a :class:`Shard`.

    Raises:
        ValueError: ``text`` is not of that form.
    """
    match = _SHARD.match(text)
    if match is None:
        raise ValueError(f"shard {text!r}: expected INDEX/COUNT, e.g. 0/4")
    return Shard(int(match.group(1)), int(match.group(2)))
