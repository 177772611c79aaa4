"""A rich progress display with one bar per table, for long imports."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from ptmx.render.output import console_for
from ptmx.safetext import visible


@contextmanager
def table_progress() -> Iterator[Callable[[str, int, int], None]]:
    """Yields ``update(table, done, total)``; each table gets its own bar on stderr.

    The display starts at the first update, so an input rejected up front prints only its error.
    """
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
