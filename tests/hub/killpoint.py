"""Run ptmx and SIGKILL it at its Nth crash point, to test that a crawl resumes from every step.

``python -m tests.hub.killpoint N LOG PTMX-ARGS...``: crash points are counted in the order they
happen, and each is appended to the file LOG (one line: its number and what it is):

- ``replace NAME``: just before each ``os.replace`` (a temp file is complete but not renamed yet):
  the state saves and part writes of the work folder, and the moves of publishing;
- ``rmtree NAME``: just before each ``shutil.rmtree`` (the end of publishing: every part moved);
- ``reply URL``: just after each hub listing reply (a page is fetched, its rows not written yet).

At point N the process kills itself with SIGKILL (no handler, no cleanup, as a power cut or the
OOM killer would); N = 0 never kills, and only writes LOG (to count the points of a run).
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import threading
from pathlib import Path
from typing import Any


def main(argv: list[str]) -> int:
    kill_at, log = int(argv[0]), Path(argv[1])
    lock = threading.Lock()
    count = [0]

    def point(what: str) -> None:
        with lock:
            count[0] += 1
            with log.open("a", encoding="utf-8") as fh:
                fh.write(f"{count[0]} {what}\n")
            if count[0] == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)

    real_replace = os.replace

    def replace(src: Any, dst: Any, **kw: Any) -> None:
        point(f"replace {Path(dst).name}")
        real_replace(src, dst, **kw)

    os.replace = replace
    real_rmtree = shutil.rmtree

    def rmtree(path: Any, *a: Any, **kw: Any) -> None:
        point(f"rmtree {Path(path).name}")
        real_rmtree(path, *a, **kw)

    shutil.rmtree = rmtree  # type: ignore[assignment]

    from ptmx.hub.client import HubClient
    from ptmx.hub.core import Call, Reply

    real_call = HubClient.call

    def call(self: HubClient, c: Call) -> Reply:
        reply = real_call(self, c)
        point(f"reply {c.url}")
        return reply

    HubClient.call = call  # type: ignore[method-assign,assignment]

    from ptmx.cli import main as ptmx_main

    return ptmx_main(argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
