"""Import sources: directories, e-Gov bulk-download ZIPs and single files, enumerated lazily.

Layouts understood:

* a flat directory of ``<LawId>.xml`` (the 2020 bulk files),
* the revision layout ``<LawId>/<LawRevisionId>/<LawRevisionId>.xml`` (its ``.json`` twin, the v2
  ``law_full_text`` of the same revision, is skipped in favour of the XML),
* a ZIP of either (members are read one at a time, never extracted to disk),
* directories of court-decision JSON records (``<case>_<court>_<TrialType>_<lawsuit_id>.json``).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from egov_core.errors import ImportFailedError
from egov_core.ingest.limits import (
    DEFAULT_LIMITS,
    IngestLimits,
    SourceTooLargeError,
    read_file_limited,
    read_member_limited,
    zip_entry_count,
)

__all__ = ["SourceItem", "iter_case_sources", "iter_law_sources", "measure_sources"]

_LAW_ID = re.compile(r"^[0-9]{3}[0-9A-Za-z]+$")
_REVISION_ID = re.compile(r"^([0-9]{3}[0-9A-Za-z]+)_([0-9]{8})_([0-9A-Za-z]+)$")
_LAW_SUFFIXES = (".xml", ".json")


@dataclass(frozen=True, slots=True)
class SourceItem:
    """One document to import.

    Attributes:
        name: a label for reports (the file path, or ``archive.zip!member``).
        path: the file to read, when it is a file on disk (workers read it themselves).
        data: the bytes, when they come from an archive.
        size: size in bytes.
        law_id: the law id the layout implies (``<LawId>.xml`` / ``<LawId>/<RevId>/…``), if any.
        law_revision_id: the revision id the layout implies, if any.
        problem: why the document could not be read (an archive member past the limits), if so.
        limits: the import limits reading a file on disk obeys.
    """

    name: str
    path: Path | None
    data: bytes | None
    size: int
    law_id: str | None = None
    law_revision_id: str | None = None
    problem: str | None = None
    limits: IngestLimits = DEFAULT_LIMITS

    def read(self) -> bytes:
        """The document's bytes.

        Raises:
            OSError: the file cannot be read.
            SourceTooLargeError: the document is beyond the import limits.
        """
        if self.problem is not None:
            raise SourceTooLargeError(self.problem)
        if self.data is not None:
            return self.data
        assert self.path is not None
        return read_file_limited(self.path, self.limits)


def _hints(parts: tuple[str, ...]) -> tuple[str | None, str | None]:
    """(law_id, law_revision_id) implied by the path components of a law file."""
    stem = PurePosixPath(parts[-1]).stem
    match = _REVISION_ID.match(stem)
    if match:
        return match.group(1), stem
    if _LAW_ID.match(stem):
        return stem, None
    return None, None


def _prefer_xml(names: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Drop ``x.json`` when ``x.xml`` sits beside it (the same revision in two formats)."""
    xml = {(*p[:-1], PurePosixPath(p[-1]).stem) for p in names if p[-1].lower().endswith(".xml")}
    return [p for p in names if p[-1].lower().endswith(".xml") or (*p[:-1], PurePosixPath(p[-1]).stem) not in xml]


def _dir_files(root: Path, suffixes: tuple[str, ...]) -> list[Path]:
    files = [p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in suffixes and not p.name.startswith(".")]
    return sorted(files)


def _open_zip(path: Path, limits: IngestLimits) -> zipfile.ZipFile:
    try:
        # Counted from the end record before zipfile builds an object per entry (a bomb of tiny entries).
        entries = zip_entry_count(path)
        if entries > limits.max_entries:
            raise SourceTooLargeError(f"{path}: {entries:,} entries; at most {limits.max_entries:,} are read")
        return zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise ImportFailedError(f"{path}: not a readable ZIP archive: {error}") from error


def _iter_zip(path: Path, *, laws: bool, limits: IngestLimits) -> Iterator[SourceItem]:
    archive = _open_zip(path, limits)
    with archive:
        infos = {
            tuple(PurePosixPath(i.filename).parts): i
            for i in archive.infolist()
            if not i.is_dir() and i.filename.lower().endswith(_LAW_SUFFIXES if laws else (".json",))
        }
        keys = sorted(_prefer_xml(list(infos)) if laws else infos)
        for key in keys:
            info = infos[key]
            law_id, rev_id = _hints(key) if laws else (None, None)
            # Read one member at a time: the archive is streamed, never extracted, and a member past the
            # limits is abandoned mid-stream (reported as failed, the rest of the archive still read).
            name = f"{path}!{info.filename}"
            data: bytes | None = None
            problem: str | None = None
            try:
                data = read_member_limited(archive, info, limits, name)
            except SourceTooLargeError as error:
                problem = str(error)
            except (OSError, zipfile.BadZipFile, EOFError, zlib.error) as error:
                problem = f"{name}: unreadable member: {error}"
            yield SourceItem(
                name=name,
                path=None,
                data=data,
                size=info.file_size,
                law_id=law_id,
                law_revision_id=rev_id,
                problem=problem,
            )


def _file_item(path: Path, *, laws: bool, limits: IngestLimits) -> SourceItem:
    law_id, rev_id = _hints(path.parts) if laws else (None, None)
    size = path.stat().st_size
    return SourceItem(
        name=str(path),
        path=path,
        data=None,
        size=size,
        law_id=law_id,
        law_revision_id=rev_id,
        problem=f"{path}: {size:,} bytes; at most {limits.max_file_bytes:,}" if size > limits.max_file_bytes else None,
        limits=limits,
    )


def _iter(paths: Iterable[Path | str], *, laws: bool, limits: IngestLimits = DEFAULT_LIMITS) -> Iterator[SourceItem]:
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise ImportFailedError(f"{path}: no such file or directory")
        if path.is_dir():
            files = _dir_files(path, _LAW_SUFFIXES if laws else (".json",))
            if laws:
                by_parts = {p.parts: p for p in files}
                files = [by_parts[k] for k in sorted(_prefer_xml(list(by_parts)))]
            for file in files:
                yield _file_item(file, laws=laws, limits=limits)
        elif path.suffix.lower() == ".zip":
            yield from _iter_zip(path, laws=laws, limits=limits)
        else:
            yield _file_item(path, laws=laws, limits=limits)


def measure_sources(
    paths: Iterable[Path | str], *, laws: bool = True, limits: IngestLimits = DEFAULT_LIMITS
) -> tuple[int, int]:
    """(number of documents, total bytes) under ``paths`` without reading them (for progress and ETA)."""
    count = size = 0
    for raw in paths:
        path = Path(raw)
        if path.suffix.lower() == ".zip" and path.is_file():
            with _open_zip(path, limits) as archive:
                wanted = _LAW_SUFFIXES if laws else (".json",)
                infos = {
                    tuple(PurePosixPath(i.filename).parts): i
                    for i in archive.infolist()
                    if i.filename.lower().endswith(wanted)
                }
                keys = _prefer_xml(list(infos)) if laws else list(infos)
                count += len(keys)
                size += sum(infos[k].file_size for k in keys)
        else:
            for item in _iter([path], laws=laws, limits=limits):
                count += 1
                size += item.size
    return count, size


def iter_law_sources(paths: Iterable[Path | str], *, limits: IngestLimits = DEFAULT_LIMITS) -> Iterator[SourceItem]:
    """Every law document (XML, or v2 JSON without an XML twin) under ``paths``, in a stable order.

    A document past ``limits`` is still listed; reading it raises :class:`SourceTooLargeError`.

    Raises:
        ImportFailedError: a path does not exist, or a ZIP cannot be opened or holds too many entries.
    """
    return _iter(paths, laws=True, limits=limits)


def iter_case_sources(paths: Iterable[Path | str], *, limits: IngestLimits = DEFAULT_LIMITS) -> Iterator[SourceItem]:
    """Every court-decision JSON record under ``paths`` (directories, ZIPs, single files).

    Raises:
        ImportFailedError: a path does not exist, or a ZIP cannot be opened or holds too many entries.
    """
    return _iter(paths, laws=False, limits=limits)
