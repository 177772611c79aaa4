"""Completion of file paths in an Input: suggests the first entry of the typed folder whose
name starts with what was typed (→ accepts it, as Textual's suggestions do)."""

from __future__ import annotations

import os
from pathlib import Path

from textual.suggester import Suggester

from ptmx.safetext import visible

MAX_ENTRIES = 2000  # a huge folder is not listed in full for one suggestion


class PathSuggester(Suggester):
    """Suggest files and folders (folders end with '/')."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        return complete(value)


def complete(value: str) -> str | None:
    """``value`` completed with the first matching entry of its folder, or None."""
    if not value:
        return None
    head, _, stem = value.rpartition(os.sep)
    folder = Path(os.path.expanduser(head + os.sep if head or value.startswith(os.sep) else "."))
    try:
        with os.scandir(folder) as entries:
            names = []
            for i, entry in enumerate(entries):
                if i >= MAX_ENTRIES:
                    break
                # A name with control characters is never put in the box.
                if entry.name.startswith(stem) and visible(entry.name) == entry.name:
                    names.append(entry.name + (os.sep if entry.is_dir() else ""))
    except OSError:
        return None
    names = [n for n in sorted(names) if not n.startswith(".") or stem.startswith(".")]
    if not names or names[0] == stem:
        return None
    return (head + os.sep if head or value.startswith(os.sep) else "") + names[0]
