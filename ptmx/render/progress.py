"""A rich progress display with one bar per table, for long imports."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ptmx.render.output import console_for


@contextmanager
def table_progress() -> Iterator[Callable[[str, int, int], None]]:
    """Yields ``update(table, done, total)``; each table gets its own bar on stderr."""
    tasks: dict[str, int] = {}
    with Progress(
        TextColumn("{task.description:<32}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=console_for(stderr=True), transient=False,
    ) as progress:
        def update(table: str, done: int, total: int) -> None:
            if table not in tasks:
                tasks[table] = progress.add_task(table, total=max(total, 1))
            progress.update(tasks[table], completed=done if total else 1, total=max(total, 1))

        yield update
