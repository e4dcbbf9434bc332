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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from egov_core.errors import ImportFailedError

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
    """

    name: str
    path: Path | None
    data: bytes | None
    size: int
    law_id: str | None = None
    law_revision_id: str | None = None

    def read(self) -> bytes:
        """The document's bytes."""
        if self.data is not None:
            return self.data
        assert self.path is not None
        return self.path.read_bytes()


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


def _iter_zip(path: Path, *, laws: bool) -> Iterator[SourceItem]:
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise ImportFailedError(f"{path}: not a readable ZIP archive: {error}") from error
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
            # Read one member at a time: the archive is streamed, never extracted.
            yield SourceItem(
                name=f"{path}!{info.filename}",
                path=None,
                data=archive.read(info),
                size=info.file_size,
                law_id=law_id,
                law_revision_id=rev_id,
            )


def _file_item(path: Path, *, laws: bool) -> SourceItem:
    law_id, rev_id = _hints(path.parts) if laws else (None, None)
    return SourceItem(
        name=str(path), path=path, data=None, size=path.stat().st_size, law_id=law_id, law_revision_id=rev_id
    )


def _iter(paths: Iterable[Path | str], *, laws: bool) -> Iterator[SourceItem]:
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
                yield _file_item(file, laws=laws)
        elif path.suffix.lower() == ".zip":
            yield from _iter_zip(path, laws=laws)
        else:
            yield _file_item(path, laws=laws)


def measure_sources(paths: Iterable[Path | str], *, laws: bool = True) -> tuple[int, int]:
    """(number of documents, total bytes) under ``paths`` without reading them (for progress and ETA)."""
    count = size = 0
    for raw in paths:
        path = Path(raw)
        if path.suffix.lower() == ".zip" and path.is_file():
            with zipfile.ZipFile(path) as archive:
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
            for item in _iter([path], laws=laws):
                count += 1
                size += item.size
    return count, size


def iter_law_sources(paths: Iterable[Path | str]) -> Iterator[SourceItem]:
    """Every law document (XML, or v2 JSON without an XML twin) under ``paths``, in a stable order.

    Raises:
        ImportFailedError: a path does not exist or a ZIP cannot be opened.
    """
    return _iter(paths, laws=True)


def iter_case_sources(paths: Iterable[Path | str]) -> Iterator[SourceItem]:
    """Every court-decision JSON record under ``paths`` (directories, ZIPs, single files).

    Raises:
        ImportFailedError: a path does not exist or a ZIP cannot be opened.
    """
    return _iter(paths, laws=False)
