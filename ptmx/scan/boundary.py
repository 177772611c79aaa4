"""The scan's reading boundary: only regular files whose real path is inside the scanned folder.

A checkout is a stranger's work: a ``config.yaml`` may be a symbolic link to ``~/.ssh/id_rsa``, a
``pyproject.toml`` may point its license at ``/etc/shadow``, a "file" may be a FIFO that blocks
forever or a folder. Every read of the scan goes through :class:`Boundary`, which resolves the
real path, compares it with the resolved root, refuses anything but a regular file, and records
one warning per skipped path (the CLI escapes them on the way to the terminal).
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

# Text files bigger than this are generated data, not something a person wrote.
MAX_TEXT_BYTES = 2_000_000


@dataclass
class Boundary:
    """Reads inside ``root`` only; warnings about what it skipped go to ``warnings``."""

    root: Path
    warnings: list[str] = field(default_factory=list)
    _real_root: str = ""
    _warned: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._real_root = os.path.realpath(self.root)

    def warn(self, rel: str, why: str) -> None:
        """One warning per path, however often it is reached."""
        if rel not in self._warned:
            self._warned.add(rel)
            self.warnings.append(f"{readable(rel)}: {why}")

    def inside(self, path: Path) -> bool:
        """Whether the real path of ``path`` (symbolic links resolved) is inside the root."""
        real = os.path.realpath(path)
        return real == self._real_root or real.startswith(self._real_root.rstrip(os.sep) + os.sep)

    def rel(self, path: Path) -> str:
        """``path`` as the report names it: relative to the root when it is below it."""
        try:
            return Path(path).relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def check(self, path: Path, rel: str | None = None) -> bool:
        """Whether ``path`` may be read: a regular file, really inside the root (else warn)."""
        name = rel if rel is not None else self.rel(path)
        why = self.refusal(path)
        if why is not None:
            self.warn(name, why)
            return False
        return True

    def refusal(self, path: Path) -> str | None:
        """Why ``path`` must not be read, or None when it may be."""
        try:
            info = os.stat(path)
        except OSError as exc:
            return _stat_failure(path, exc)
        if not self.inside(path):
            return "a symbolic link that leads outside the scanned folder: not read"
        if stat.S_ISDIR(info.st_mode):
            return "a folder where a file was expected: skipped"
        if not stat.S_ISREG(info.st_mode):
            return "not a regular file (a pipe, socket or device): skipped"
        return None

    def read_text(self, path: Path, rel: str | None = None, *,
                  max_bytes: int = MAX_TEXT_BYTES) -> str | None:
        """The text of ``path`` (UTF-8, undecodable bytes replaced), or None with a warning."""
        name = rel if rel is not None else self.rel(path)
        if not self.check(path, name):
            return None
        try:
            with open(path, "rb") as fh:
                data = fh.read(max_bytes)
        except OSError as exc:
            self.warn(name, f"cannot be read ({exc.strerror or exc}): skipped")
            return None
        return data.decode("utf-8", errors="replace")


def readable(name: object) -> str:
    """A file name as the reports show it: bytes that are not UTF-8 (kept by the OS as lone
    surrogates) become U+FFFD, so JSON, SARIF and the BOM can always be written."""
    text = name if isinstance(name, str) else str(name)
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _stat_failure(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a symbolic link loop: skipped"
    if exc.errno == errno.ENOENT and os.path.islink(path):
        return "a broken symbolic link: skipped"
    return f"cannot be read ({exc.strerror or exc}): skipped"
