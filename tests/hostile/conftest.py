"""The hostile-input suite's harness: run ptmx as a user would and check how it fails.

Every case asserts the same contract (issue 14): the expected exit code; stderr is one line (or
empty) with no traceback; no secret appears in any output; nothing outside the given output path
is written or lost. :func:`run_ptmx` runs a subprocess (so a crash of the interpreter shows);
:func:`run_on_tty` runs it on a pseudo-terminal, where an ESC byte in the output would act.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

SECRET = "hf_SeCrEtToKeN0123456789abcdef"
ESC = "\x1b"


@dataclass
class Outcome:
    """What one ptmx process did."""

    code: int
    stdout: str
    stderr: str

    def assert_clean_failure(self, code: int = 2, *, secrets: Iterable[str] = (SECRET,)) -> None:
        """Exit ``code``, one line on stderr, no traceback, no secret anywhere."""
        assert self.code == code, (self.code, self.stdout[-2000:], self.stderr[-2000:])
        assert_one_line(self.stderr)
        self.assert_no_secret(secrets)

    def assert_no_secret(self, secrets: Iterable[str] = (SECRET,)) -> None:
        for secret in secrets:
            assert secret not in self.stdout and secret not in self.stderr, "secret leaked"


def assert_one_line(stderr: str) -> None:
    """stderr holds at most one line of diagnostics and never a Python traceback."""
    assert "Traceback (most recent call last)" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) <= 1, stderr


def base_env(**extra: str) -> dict[str, str]:
    """The test process's environment without the user's hub settings, plus ``extra``."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HF_", "PTMX_", "HUGGING"))}
    env.update(extra)
    return env


def run_ptmx(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
             stdin: str | None = None, timeout: float = 120) -> Outcome:
    """``ptmx ARGS`` as a subprocess (captured, not a terminal)."""
    result = subprocess.run([sys.executable, "-m", "ptmx", *args], capture_output=True, text=True,
                            env=env if env is not None else base_env(), cwd=cwd, input=stdin,
                            timeout=timeout)
    return Outcome(result.returncode, result.stdout, result.stderr)


def run_on_tty(*args: str, env: dict[str, str] | None = None, timeout: float = 60,
               columns: int = 120) -> Outcome:
    """``ptmx ARGS`` with stdout and stderr on one pseudo-terminal; returns everything it wrote
    (as ``stdout``; ``stderr`` is empty). Fails the test if the process outlives ``timeout``."""
    controller, terminal = pty.openpty()
    env = dict(env if env is not None else base_env())
    env.update({"COLUMNS": str(columns), "LINES": "40", "TERM": "xterm-256color"})
    process = subprocess.Popen([sys.executable, "-m", "ptmx", *args], stdin=subprocess.DEVNULL,
                               stdout=terminal, stderr=terminal, env=env, close_fds=True)
    os.close(terminal)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([controller], [], [], 0.1)
            if ready:
                try:
                    data = os.read(controller, 65536)
                except OSError:  # the terminal closed: the process is gone
                    break
                if not data:
                    break
                chunks.append(data)
            elif process.poll() is not None:
                break
        else:
            process.kill()
            pytest.fail(f"ptmx {' '.join(args)} did not finish within {timeout} s")
        code = process.wait(timeout=10)
    finally:
        os.close(controller)
    return Outcome(code, b"".join(chunks).decode("utf-8", "replace"), "")


#: What ptmx's own transient progress line (rich, on stderr) draws with: hide/show the cursor,
#: move up a line, erase the line. No hostile payload of these tests uses them, so allowing
#: them hides nothing a payload could smuggle in (``clear-screen`` is ``ESC[2J``, still caught).
PROGRESS_CONTROLS = frozenset({"\x1b[?25l", "\x1b[?25h", "\x1b[1A", "\x1b[2K"})


def screen_lines(output: str) -> list[str]:
    """The non-blank lines a terminal shows at the end, replaying the transient progress line's
    controls (carriage return, erase line, cursor up, hide/show cursor) as a terminal would:
    a progress line that erased itself leaves nothing."""
    import re

    rows, row, col = [""], 0, 0
    for token in re.split("(\r|\n|\x1b\\[1A|\x1b\\[2K|\x1b\\[\\?25[lh])", output):
        if token == "\n":
            row, col = row + 1, 0
            if row == len(rows):
                rows.append("")
        elif token == "\r":
            col = 0
        elif token == "\x1b[1A":
            row = max(0, row - 1)
        elif token == "\x1b[2K":
            rows[row] = ""
        elif token and token not in PROGRESS_CONTROLS:
            rows[row] = rows[row][:col] + token + rows[row][col + len(token):]
            col += len(token)
    return [line for line in rows if line.strip()]


def outside_escapes(output: str, allowed: Iterable[str] = ()) -> list[str]:
    """ESC sequences in ``output`` that are not rich's own SGR colour codes (``ESC[...m``), the
    progress line's cursor controls, or listed in ``allowed``: what a hostile string would have
    smuggled in."""
    import re

    found = []
    for match in re.finditer("\x1b(\\[[0-9;?]*[A-Za-z]|\\][^\x07\x1b]*(\x07|\x1b\\\\)?|.)", output):
        seq = match.group()
        if re.fullmatch("\x1b\\[[0-9;]*m", seq) or seq in allowed or seq in PROGRESS_CONTROLS:
            continue
        found.append(seq)
    return found


def snapshot_tree(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``root`` with its size and mtime, to show nothing was written or lost."""
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}
