"""User-facing failures.

Every failure a user can cause or meet is a :class:`PtmxError` with a one-line message and an
optional hint; the CLI prints it on stderr and exits with ``exit_code``, never with a traceback.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

#: The signals that stop long work (an import, a crawl) cleanly; SIGINT is Python's KeyboardInterrupt.
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class PtmxError(Exception):
    """A failure to report to the user in one line (plus an optional hint)."""

    exit_code: int = 2

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message

    def one_line(self) -> str:
        """The message and hint folded into a single line."""
        text = " ".join(self.message.split())
        if self.hint:
            text += f" (hint: {' '.join(self.hint.split())})"
        return text


class DataError(PtmxError):
    """The dataset folder (or an input file) is missing, incomplete or corrupt."""


class MissingTableError(DataError):
    """An optional table that a feature needs is absent from the dataset."""


class UsageError(PtmxError):
    """The command line or a query is malformed."""


class QueryError(PtmxError):
    """A user-supplied SQL statement failed or was refused."""


class NotFoundError(PtmxError):
    """A model, project or license named by the user does not exist."""


class HubError(PtmxError):
    """A live Hugging Face Hub lookup failed (see ptmx.hub for the kinds)."""

    exit_code = 3


class Interrupted(PtmxError):
    """A signal (SIGTERM, SIGHUP) asked ptmx to stop; the work in progress was cleaned up."""

    def __init__(self, signum: int, name: str) -> None:
        super().__init__(f"interrupted by {name}; nothing was left half-written")
        self.exit_code = 128 + signum


def _raise_interrupted(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signum, signal.Signals(signum).name)


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP raise :class:`Interrupted` (so ``with`` blocks clean up, as for
    Ctrl-C) while long work runs; the previous handlers come back afterwards. Only the main
    thread may set handlers; elsewhere nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, _raise_interrupted) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
