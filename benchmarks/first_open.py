"""What a first open of a dataset shows, second by second (issue 16).

    python benchmarks/first_open.py /tmp/ds-NAME [--size 100x30] [--text bert]

Runnable by anyone: no farm, no network. Each part starts from a cold cache (a fresh
``PTMX_CACHE`` folder under the system temp folder, deleted afterwards):

- **TUI**, headless (Textual's ``App.run_test``, no terminal): ``ptmx browse``'s app on the
  dataset without a cache, as ``ptmx.cli.core._browse`` starts it. The screen's text is sampled
  every second (t = 0, 1, 2, … s) until the models list is interactive (the models screen is up
  and its table holds rows); each sample prints the screen class and the lines that changed.
- **CLI**: ``ptmx search TEXT --data DIR`` in a fresh process with stderr on a pseudo-terminal
  (so the progress line is drawn, as a user sees it) and stdout on a pipe: when the first
  progress line appears on stderr, each step label it shows, and when the answer arrives.

The numbers depend on the machine and its load (ptmx's farm has 2 shared cores): read them as
what a user sees, not as a speed target (see run.py for those).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _screen_text(app: Any) -> str:
    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True,
                                                       screen_stack=app._background_screens))
    return console.export_text(styles=False)


def _interesting(text: str) -> list[str]:
    """The screen's non-blank lines without box drawing, trimmed (what a reader notices)."""
    lines = []
    for line in text.splitlines():
        clean = re.sub(r"[│╭╮╰╯─━╺╸▔▁]+", " ", line).strip()
        if clean:
            lines.append(re.sub(r"\s{2,}", "  ", clean))
    return lines


async def _tui(folder: Path, size: tuple[int, int]) -> list[tuple[float, str, list[str]]]:
    from ptmx.store import open_store
    from ptmx.tui.app import PtmxApp
    from ptmx.tui.screens.models import ModelsScreen

    def opener(progress: Any) -> Any:
        return open_store(folder, progress=progress)

    samples: list[tuple[float, str, list[str]]] = []
    started = time.perf_counter()
    app = PtmxApp(None, opener=opener, where=str(folder), show_timings=False)
    async with app.run_test(size=size) as pilot:
        tick = 0
        while True:
            target = started + tick
            await pilot.pause(max(0.0, target - time.perf_counter()))
            now = time.perf_counter() - started
            screen = app.screen
            ready = isinstance(screen, ModelsScreen) and bool(screen.table.loaded_rows())
            samples.append((now, type(screen).__name__, _interesting(_screen_text(app))))
            if ready or app.open_error is not None or now > 600:
                break
            tick += 1
        # The moment it became interactive, to the tenth of a second.
    return samples


def _cli(folder: Path, text: str, env: dict[str, str]) -> tuple[list[tuple[float, str]], float, float, int]:
    """(stderr events (t, step label), first stdout byte t, exit t, exit code)."""
    master, slave = pty.openpty()
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "ptmx", "search", text, "--data", str(folder)],
                            stdout=subprocess.PIPE, stderr=slave, env=env, cwd=ROOT)
    os.close(slave)
    assert proc.stdout is not None
    out_fd = proc.stdout.fileno()
    events: list[tuple[float, str]] = []
    first_out = -1.0
    open_fds = {master, out_fd}
    last_label = ""
    while open_fds:
        ready, _, _ = select.select(list(open_fds), [], [], 0.1)
        for fd in ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                open_fds.discard(fd)
                continue
            now = time.perf_counter() - started
            if fd == out_fd:
                if first_out < 0:
                    first_out = now
                continue
            for label in re.findall(rb"building cache: ([^\x1b\r]*?) \x1b", chunk):
                decoded = label.decode(errors="replace").strip()
                if decoded != last_label:
                    events.append((now, decoded))
                    last_label = decoded
        if proc.poll() is not None and out_fd not in open_fds:
            # The pty's reader sees EOF only once every writer closed: stop after a last look.
            while select.select([master], [], [], 0.2)[0]:
                try:
                    if not os.read(master, 65536):
                        break
                except OSError:
                    break
            break
    code = proc.wait()
    done = time.perf_counter() - started
    os.close(master)
    return events, first_out, done, code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="dataset folder (e.g. synth.py --scale 1, imported)")
    parser.add_argument("--size", default="100x30", help="TUI size WxH (default 100x30)")
    parser.add_argument("--text", default="bert", help="the CLI's search text (default bert)")
    parser.add_argument("--skip-tui", action="store_true")
    parser.add_argument("--skip-cli", action="store_true")
    args = parser.parse_args(argv)
    width, height = (int(x) for x in args.size.lower().split("x"))
    folder = args.data.resolve()

    if not args.skip_tui:
        cache = Path(tempfile.mkdtemp(prefix="ptmx-first-open-"))
        os.environ["PTMX_CACHE"] = str(cache)
        try:
            samples = asyncio.run(_tui(folder, (width, height)))
        finally:
            shutil.rmtree(cache, ignore_errors=True)
        print(f"## TUI (headless, {width}x{height}), cold cache")
        previous: list[str] = []
        for t, screen, lines in samples:
            new = [line for line in lines if line not in previous]
            print(f"t = {t:5.1f} s  {screen}: " + " | ".join(new[:8])[:400])
            previous = lines
    if not args.skip_cli:
        cache = Path(tempfile.mkdtemp(prefix="ptmx-first-open-"))
        env = dict(os.environ, PTMX_CACHE=str(cache), COLUMNS="100",
                   PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
        try:
            events, first_out, done, code = _cli(folder, args.text, env)
        finally:
            shutil.rmtree(cache, ignore_errors=True)
        print(f"## CLI: ptmx search {args.text} (stderr on a terminal, stdout a pipe), cold cache")
        for t, label in events:
            print(f"t = {t:5.1f} s  stderr: building cache: {label}")
        print(f"t = {first_out:5.1f} s  stdout: first line of the answer")
        print(f"t = {done:5.1f} s  exit {code}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
