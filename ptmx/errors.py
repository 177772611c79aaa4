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


class Interrupted(BaseException):
    """A signal (SIGTERM, SIGHUP) asked ptmx to stop; the work in progress was cleaned up.

    Not an ``Exception``, as ``KeyboardInterrupt`` is not: the handler raises it wherever the
    main thread happens to be, and library code that catches ``Exception`` there (an optional
    import inside ``try``, a lookup that turns failures into results) would swallow the request
    to stop and let the work finish. Reported like a :class:`PtmxError`."""

    hint: str | None = None

    def __init__(self, signum: int, name: str) -> None:
        self.message = f"interrupted by {name}; nothing was left half-written"
        super().__init__(self.message)
        self.exit_code = 128 + signum

    def one_line(self) -> str:
        """The message, as :meth:`PtmxError.one_line` gives it."""
        return self.message


# The stop signals received inside stop_on_signals: the handler's exception may land in C code
# that clears every error (pyarrow's first pa.array() lazily imports a module and swallows what
# the import raised), so long loops also ask check_stop() at their own safe points.
_received: list[int] = []


def _raise_interrupted(signum: int, frame: FrameType | None) -> None:
    _received.append(signum)
    raise Interrupted(signum, signal.Signals(signum).name)


def check_stop() -> None:
    """Raise :class:`Interrupted` if a stop signal arrived (inside :func:`stop_on_signals`)
    whose exception library code swallowed; call it once per batch or page of long work."""
    if _received:
        raise Interrupted(_received[0], signal.Signals(_received[0]).name)


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP raise :class:`Interrupted` (so ``with`` blocks clean up, as for
    Ctrl-C) while long work runs; the previous handlers come back afterwards. Only the main
    thread may set handlers; elsewhere nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _received.clear()
    previous = {sig: signal.signal(sig, _raise_interrupted) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        _received.clear()
