"""Progress and summaries on the command line: a progress bar on a terminal, plain log lines otherwise."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

err = Console(stderr=True)

#: progress(done, total, bytes_done, label)
ProgressFn = Callable[[int, int, int, str], None]


@contextmanager
def import_progress(title: str, total: int) -> Iterator[Callable[[Any], None]]:
    """A callback for egov_core's import progress events (``ImportProgress``) with a known total."""
    with progress_reporter(title) as update:

        def on_event(event: Any) -> None:
            update(event.done, total, event.bytes_done, event.name)
            if event.status == "failed":
                err.print(f"[red]failed[/red] {event.name}: {event.reason}")

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
            err.print(f"{title}: {done}/{total or '?'} files, {nbytes / elapsed / 1e6:.1f} MB/s, last {label}")

    yield log_line
