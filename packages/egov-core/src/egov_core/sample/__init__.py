"""The bundled sample corpus: 31 real laws (33 revisions) and 26 court decisions (see SOURCES.md for attribution)."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

__all__ = ["SampleCounts", "sample_cases_dir", "sample_counts", "sample_laws_zip"]


@dataclass(frozen=True, slots=True)
class SampleCounts:
    """What the sample corpus holds.

    Attributes:
        laws: distinct laws (law ids).
        revisions: law revisions (XML files; one law has three).
        cases: court decisions.
    """

    laws: int
    revisions: int
    cases: int

    def describe(self) -> str:
        """``31 laws (33 revisions), 26 court decisions``."""
        return f"{self.laws} laws ({self.revisions} revisions), {self.cases} court decisions"


def sample_laws_zip() -> Path:
    """Path of the ZIP of sample laws (e-Gov 法令標準XML, ``<LawId>/<file>.xml``)."""
    return Path(str(files(__name__).joinpath("laws.zip")))


def sample_counts() -> SampleCounts:
    """Count the sample corpus from its files (so messages and docs can be checked against it)."""
    with zipfile.ZipFile(sample_laws_zip()) as z:
        xml = [n for n in z.namelist() if n.endswith(".xml")]
    cases = [p for p in sample_cases_dir().iterdir() if p.suffix == ".json"]
    return SampleCounts(laws=len({n.split("/", 1)[0] for n in xml}), revisions=len(xml), cases=len(cases))


def sample_cases_dir() -> Path:
    """Directory of the sample court decisions (JSON records, japanese-law-analysis/data_set format)."""
    return Path(str(files(__name__).joinpath("cases")))
