"""Where a report goes: stdout, or the file named by ``--out`` (one-line error if it cannot be
written; "wrote FILE" on stderr once it is complete)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from ptmx.errors import UsageError


@contextlib.contextmanager
def output_to(path: Path | None) -> Iterator[TextIO]:
    """A text stream for ``path``, or stdout when it is None."""
    if path is None:
        yield sys.stdout
        return
    try:
        handle = path.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        raise UsageError(f"{path}: cannot write ({exc.strerror or exc})") from exc
    with handle:
        yield handle
    print(f"wrote {path}", file=sys.stderr)
