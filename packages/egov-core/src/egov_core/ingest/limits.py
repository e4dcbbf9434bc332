"""Import limits, checked while reading — before memory is spent.

A file is read at most ``max_file_bytes + 1`` bytes deep; a ZIP member is streamed and abandoned as
soon as it passes ``max_entry_bytes`` or ``max_ratio`` times its compressed size (a 1 MB archive once
held a 1 GiB member and the import reached 2.18 GB RSS); an archive's entry count is read from its end
record before :mod:`zipfile` builds an object per entry. The largest e-Gov 法令XML is a few MB, so the
defaults leave room of an order of magnitude and more.
"""

from __future__ import annotations

import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from egov_core.errors import ImportFailedError

__all__ = ["DEFAULT_LIMITS", "IngestLimits", "SourceTooLargeError", "read_file_limited", "read_member_limited"]

_CHUNK = 1 << 20
#: A member this small may compress as well as it likes (zeros, repeated tags): the ratio applies above it.
_RATIO_SLACK = 1 << 20


class SourceTooLargeError(ImportFailedError):
    """A document or archive is beyond an import limit (the document is skipped and reported)."""

    code = "import-source-too-large"


@dataclass(frozen=True, slots=True)
class IngestLimits:
    """Bounds on what one import reads (``EGOV_INGEST__*``).

    Attributes:
        max_file_bytes: largest document read from disk.
        max_entry_bytes: largest ZIP member (uncompressed).
        max_ratio: largest uncompressed / compressed size of a ZIP member above 1 MiB.
        max_entries: most entries one ZIP may hold.
    """

    max_file_bytes: int = 64 * 1024 * 1024
    max_entry_bytes: int = 64 * 1024 * 1024
    max_ratio: float = 100.0
    max_entries: int = 200_000


DEFAULT_LIMITS = IngestLimits()


def read_file_limited(path: Path, limits: IngestLimits) -> bytes:
    """``path``'s bytes, or :class:`SourceTooLargeError` once more than ``max_file_bytes`` have been read."""
    with path.open("rb") as f:
        data = f.read(limits.max_file_bytes + 1)
    if len(data) > limits.max_file_bytes:
        raise SourceTooLargeError(f"{path}: larger than {limits.max_file_bytes:,} bytes")
    return data


def read_member_limited(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: IngestLimits, name: str) -> bytes:
    """One ZIP member's bytes, streamed; abandoned as soon as it passes the size or ratio limit.

    The sizes in the archive's headers are the archive's claims: they are checked first (cheap) and the
    count of bytes actually inflated is checked again while reading.
    """
    cap = min(limits.max_entry_bytes, max(_RATIO_SLACK, int(info.compress_size * limits.max_ratio)))
    if info.file_size > cap:
        raise SourceTooLargeError(_too_large(name, info, limits))
    parts: list[bytes] = []
    seen = 0
    with archive.open(info) as member:
        while chunk := member.read(_CHUNK):
            seen += len(chunk)
            if seen > cap:
                raise SourceTooLargeError(_too_large(name, info, limits))
            parts.append(chunk)
    return b"".join(parts)


def _too_large(name: str, info: zipfile.ZipInfo, limits: IngestLimits) -> str:
    return (
        f"{name}: inflates past the limits ({limits.max_entry_bytes:,} bytes, or {limits.max_ratio:g}× its "
        f"{info.compress_size:,} compressed bytes)"
    )


def zip_entry_count(path: Path) -> int:
    """The entry count an archive's end-of-central-directory record declares (ZIP64 included); -1 when absent."""
    with path.open("rb") as f:
        return _entry_count(f)


def _entry_count(f: BinaryIO) -> int:
    f.seek(0, 2)
    size = f.tell()
    tail_len = min(size, 22 + 65_535)  # the record is 22 bytes plus a comment of up to 64 KiB
    f.seek(size - tail_len)
    tail = f.read(tail_len)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0:
        return -1
    (entries,) = struct.unpack("<H", tail[at + 10 : at + 12])
    if entries != 0xFFFF:
        return int(entries)
    locator = tail.rfind(b"PK\x06\x07", 0, at)
    if locator < 0:
        return -1
    (offset,) = struct.unpack("<Q", tail[locator + 8 : locator + 16])
    f.seek(offset)
    record = f.read(56)
    if record[:4] != b"PK\x06\x06":
        return -1
    (entries64,) = struct.unpack("<Q", record[32:40])
    return int(entries64)
