"""``egov ingest`` with a bad file among good ones: reported once, exit 1 unless ``--keep-going``."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from egov_api_testsupport import (
    empty_database,
    restore_logging,  # noqa: F401 - autouse fixture
    shared_data_dir,
)
from typer.testing import CliRunner

from egov_api.cli import app

GOOD = "132AC1000000040"  # a small real law


@pytest.fixture
def db_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A migrated, empty database the command is pointed at (dropped afterwards)."""
    with empty_database() as url:
        monkeypatch.setenv("EGOV_DATABASE__URL", url)
        yield url


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    """A directory with one good e-Gov XML file and one that is not XML at all."""
    good = shared_data_dir() / "laws" / "xml" / f"{GOOD}.xml"
    if not good.is_file():
        pytest.skip(f"shared data not found at {good.parent} (set EGOV_SHARED_DATA)")
    shutil.copy(good, tmp_path / good.name)
    (tmp_path / "999AC0000000999.xml").write_bytes(b"<Law><broken")
    return tmp_path


def _failure_reports(output: str) -> list[str]:
    # Progress lines name the last file done ("last …xml") without reporting anything about it.
    return [line for line in output.splitlines() if "999AC0000000999.xml" in line and "last " not in line]


def test_failed_file_reported_once_and_exit_1(db_url: str, sources: Path) -> None:
    result = CliRunner().invoke(app, ["ingest", "--workers", "1", str(sources)])
    assert result.exit_code == 1, result.output
    [report] = _failure_reports(result.output)
    assert report.startswith("failed ")
    assert "not well-formed" in report
    assert "laws: 1 imported, 0 unchanged, 1 failed" in result.output


def test_keep_going_exits_0(db_url: str, sources: Path) -> None:
    result = CliRunner().invoke(app, ["ingest", "--workers", "1", "--keep-going", str(sources)])
    assert result.exit_code == 0, result.output
    assert len(_failure_reports(result.output)) == 1, result.output


def test_all_good_exits_0(db_url: str, sources: Path) -> None:
    (sources / "999AC0000000999.xml").unlink()
    result = CliRunner().invoke(app, ["ingest", "--workers", "1", str(sources)])
    assert result.exit_code == 0, result.output
