"""Progress on stderr: one bar per table for long imports, one transient line for other steps."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING

from ptmx.render.output import console_for
from ptmx.safetext import visible

if TYPE_CHECKING:  # rich is imported only when a progress line is drawn: quick commands skip it
    from rich.progress import Progress, TaskID


@contextmanager
def table_progress() -> Iterator[Callable[[str, int, int], None]]:
    """Yields ``update(table, done, total)``; each table gets its own bar on stderr.

    The display starts at the first update, so an input rejected up front prints only its error.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    tasks: dict[str, TaskID] = {}
    with ExitStack() as stack:
        progress: Progress | None = None

        def update(table: str, done: int, total: int) -> None:
            nonlocal progress
            if progress is None:
                progress = stack.enter_context(Progress(
                    # Table names come from the imported database: never markup.
                    TextColumn("{task.description:<32}", markup=False), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console_for(stderr=True),
                ))
            if table not in tasks:
                tasks[table] = progress.add_task(visible(table, newlines=False),
                                                 total=max(total, 1))
            progress.update(tasks[table], completed=done if total else 1, total=max(total, 1))

        yield update


def progress_shown(fmt: str | None = None) -> bool:
    """Whether a progress line may be drawn: only when stderr is a terminal, and not while
    machine-readable output goes to a pipe or file (a script is reading, nobody is watching)."""
    import sys

    if not _isatty(sys.stderr):
        return False
    return not (fmt in {"json", "jsonl", "csv"} and not _isatty(sys.stdout))


def _isatty(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (OSError, ValueError):
        return False


def _no_progress(step: str, done: int, total: int) -> None:
    """The callback when nothing is shown."""


@contextmanager
def step_progress(title: str, *, shown: bool | None = None) -> Iterator[Callable[[str, int, int], None]]:
    """Yields ``update(step, done, total)`` drawing ONE transient line on stderr:
    ``title: step  done/total  elapsed``, gone when the work ends.

    Drawn only where :func:`progress_shown` (``shown`` overrides); otherwise the callback does
    nothing. The line starts at the first update, so quick work that never reports draws nothing.
    Step labels may come from outside (table names, file names, model ids): shown escaped.
    """
    if shown is None:
        shown = progress_shown()
    if not shown:
        yield _no_progress
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with ExitStack() as stack:
        progress: Progress | None = None
        task: TaskID | None = None

        def update(step: str, done: int, total: int) -> None:
            nonlocal progress, task
            if progress is None:
                progress = stack.enter_context(Progress(
                    TextColumn("{task.description}", markup=False), BarColumn(bar_width=20),
                    MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console_for(stderr=True), transient=True,
                ))
                task = progress.add_task("", total=max(total, 1))
            assert task is not None
            label = f"{title}: {visible(step, newlines=False)[:60]}"
            progress.update(task, description=label, completed=min(done, max(total, 1)),
                            total=max(total, 1))

        yield update
