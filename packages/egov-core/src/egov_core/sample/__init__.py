"""The bundled sample corpus: 30 real laws and 26 court decisions (see SOURCES.md for attribution)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["sample_cases_dir", "sample_laws_zip"]


def sample_laws_zip() -> Path:
    """Path of the ZIP of sample laws (e-Gov 法令標準XML, ``<LawId>/<file>.xml``)."""
    return Path(str(files(__name__).joinpath("laws.zip")))


def sample_cases_dir() -> Path:
    """Directory of the sample court decisions (JSON records, japanese-law-analysis/data_set format)."""
    return Path(str(files(__name__).joinpath("cases")))
