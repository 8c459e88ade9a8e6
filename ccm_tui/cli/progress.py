"""One live progress line on stderr for long headless work (a batch create, a long list).

Shown only when stderr is a terminal that can move its cursor (not TERM=dumb): in CI, pipes
and files nothing is drawn and nothing of Rich is even imported. stdout is never written by
the progress display. The line is Rich's ``Progress`` (transient: it disappears when the work
ends, so what remains on the terminal is exactly what was printed without it). Lines printed
while it is shown go through :meth:`print`, which puts them above the progress line.
"""

from __future__ import annotations

import os
import sys
from typing import Any, TextIO

#: A list shows progress once this many pages have arrived and more are coming.
LIST_PAGES_BEFORE_PROGRESS = 3


def wants_progress(stream: TextIO | None) -> bool:
    if stream is None:
        return False
    try:
        if not stream.isatty():
            return False
    except (AttributeError, ValueError, OSError):
        return False
    return os.environ.get("TERM", "") != "dumb"


def _same_terminal(a: TextIO, b: TextIO) -> bool:
    try:
        if not (a.isatty() and b.isatty()):
            return False
        sa, sb = os.fstat(a.fileno()), os.fstat(b.fileno())
    except (AttributeError, ValueError, OSError):
        return False
    return (sa.st_dev, sa.st_ino, sa.st_rdev) == (sb.st_dev, sb.st_ino, sb.st_rdev)


class Quiet:
    """No display: every call is a no-op except :meth:`print`."""

    shown = False

    def __enter__(self) -> Quiet:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def advance(self, *, failed: bool = False) -> None:
        pass

    def add(self, count: int) -> None:
        pass

    def describe(self, text: str) -> None:
        pass

    def print(self, line: str, file: TextIO | None = None) -> None:
        print(line, file=file or sys.stdout)


def _columns(kind: str) -> list[Any]:
    from rich.progress import BarColumn, ProgressColumn, TextColumn
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task: Any) -> Text:
            speed = task.speed
            return Text("–/s" if speed is None else f"{speed:,.1f}/s")

    class Eta(ProgressColumn):
        def render(self, task: Any) -> Text:
            left = task.time_remaining
            if left is None:
                return Text("ETA –")
            minutes, seconds = divmod(int(left + 0.5), 60)
            hours, minutes = divmod(minutes, 60)
            return Text(f"ETA {hours}:{minutes:02d}:{seconds:02d}" if hours
                        else f"ETA {minutes}:{seconds:02d}")

    if kind == "batch":
        return [
            TextColumn("{task.description}"),
            BarColumn(bar_width=20),
            TextColumn("{task.completed:,.0f}/{task.total:,.0f}"),
            TextColumn("{task.fields[failed]:,} failed"),
            Rate(),
            Eta(),
        ]
    return [TextColumn("{task.description} {task.completed:,.0f}"),
            TextColumn("({task.fields[pages]:,} pages)"), Rate()]


class Live:
    """A Rich progress line on ``stream``; started at once (batch) or on demand (list)."""

    shown = False

    def __init__(self, stream: TextIO, description: str, *, total: int | None, kind: str,
                 start_after_pages: int = 0) -> None:
        from rich.console import Console
        from rich.progress import Progress

        self.stream = stream
        self.console = Console(file=stream)
        self.progress = Progress(*_columns(kind), console=self.console, transient=True,
                                 redirect_stdout=False, redirect_stderr=False,
                                 refresh_per_second=4)
        self.task = self.progress.add_task(description, total=total, failed=0, pages=0)
        self.start_after_pages = start_after_pages
        self.pages = 0

    def __enter__(self) -> Live:
        if not self.start_after_pages:
            self._show()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.shown:
            self.progress.stop()
            self.shown = False

    def _show(self) -> None:
        if not self.shown:
            self.shown = True
            self.progress.start()

    def advance(self, *, failed: bool = False) -> None:
        task = self.progress.tasks[0]
        self.progress.update(self.task, advance=1,
                             failed=task.fields["failed"] + (1 if failed else 0))

    def add(self, count: int) -> None:
        """One more page of ``count`` items arrived."""
        self.pages += 1
        self.progress.update(self.task, advance=count, pages=self.pages)
        if self.pages >= self.start_after_pages:
            self._show()

    def describe(self, text: str) -> None:
        self.progress.update(self.task, description=text)
        if self.shown:
            self.progress.refresh()

    def print(self, line: str, file: TextIO | None = None) -> None:
        file = file or sys.stdout
        if self.shown and (file is self.stream or _same_terminal(file, self.stream)):
            from rich.text import Text

            # Above the progress line, byte for byte (no markup, no highlighting, no wrap).
            self.console.print(Text(line), soft_wrap=True, highlight=False, markup=False)
        else:
            print(line, file=file)


def batch_progress(total: int, description: str = "Creating accounts",
                   stream: TextIO | None = None) -> Live | Quiet:
    stream = sys.stderr if stream is None else stream
    if not wants_progress(stream):
        return Quiet()
    return Live(stream, description, total=total, kind="batch")


def list_progress(description: str = "Loading accounts…",
                  stream: TextIO | None = None) -> Live | Quiet:
    stream = sys.stderr if stream is None else stream
    if not wants_progress(stream):
        return Quiet()
    return Live(stream, description, total=None, kind="list",
                start_after_pages=LIST_PAGES_BEFORE_PROGRESS)
