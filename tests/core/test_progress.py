"""Progress while a first open builds the cache, and for long CLI steps: the store's callback
reports every step and ends at done == total; the CLI's line goes to stderr on a terminal only,
never into a pipe's stdout."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from ptmx.store import open_store
from ptmx.store.schema import HOT_TABLES
from ptmx.store.store import DERIVED_TABLES

SAMPLE = Path(__file__).resolve().parents[2] / "data"
ROOT = Path(__file__).resolve().parents[2]


def _calls(folder: Path, **kwargs: object) -> list[tuple[str, int, int]]:
    calls: list[tuple[str, int, int]] = []
    open_store(folder, progress=lambda *a: calls.append(a), **kwargs).close()  # type: ignore[arg-type]
    return calls


def test_cache_build_reports_every_step_and_ends_at_total(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTMX_CACHE", str(tmp_path / "cache"))
    calls = _calls(SAMPLE)
    labels = [label for label, _, _ in calls]
    totals = {total for _, _, total in calls}
    assert len(totals) == 1
    total = totals.pop()
    done = [d for _, d, _ in calls]
    assert done == sorted(done) and done[0] == 0 and done[-1] == total
    assert len(calls) == total + 1  # one call before each step, one at the end
    tables = {p.stem for p in SAMPLE.glob("*.parquet")} & set(HOT_TABLES)
    for name in tables:
        assert f"table {name}" in labels
    for name in DERIVED_TABLES:
        assert name in labels
    assert {"checking files", "indexes", "writing cache"} <= set(labels)

    # The cache exists now: nothing is reported.
    assert _calls(SAMPLE) == []


def test_in_memory_build_reports_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTMX_CACHE", str(tmp_path / "cache"))
    calls = _calls(SAMPLE, cache=False)
    assert calls[-1][1] == calls[-1][2] and "writing cache" not in [c[0] for c in calls]


def _run(args: list[str], cache: Path, *, stderr_tty: bool) -> tuple[int, bytes, bytes]:
    env = dict(os.environ, PTMX_CACHE=str(cache), PYTHONPATH=str(ROOT), COLUMNS="100")
    if not stderr_tty:
        done = subprocess.run([sys.executable, "-m", "ptmx", *args], capture_output=True, env=env,
                              cwd=ROOT, timeout=120, check=False)
        return done.returncode, done.stdout, done.stderr
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "ptmx", *args], stdout=subprocess.PIPE,
                            stderr=slave, env=env, cwd=ROOT)
    os.close(slave)
    assert proc.stdout is not None
    out = proc.stdout.read()
    proc.wait(timeout=120)
    err = b""
    while select.select([master], [], [], 0.5)[0]:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        err += chunk
    os.close(master)
    return proc.returncode, out, err


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")
def test_progress_line_on_a_terminal_only(tmp_path: Path) -> None:
    args = ["search", "bert", "--data", str(SAMPLE)]
    code, piped_out, piped_err = _run(args, tmp_path / "a", stderr_tty=False)
    assert code == 0 and b"bert" in piped_out
    assert b"building cache" not in piped_err and b"building cache" not in piped_out

    code, out, err = _run(args, tmp_path / "b", stderr_tty=True)
    assert code == 0
    assert b"building cache" in err  # the transient line was drawn on the terminal
    assert out == piped_out  # and stdout, a pipe, is exactly what it is without a terminal

    # Cache present: no line at all.
    code, _, err = _run(args, tmp_path / "b", stderr_tty=True)
    assert code == 0 and b"building cache" not in err


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")
def test_json_to_a_pipe_draws_no_progress(tmp_path: Path) -> None:
    code, out, err = _run(["search", "bert", "--format", "json", "--data", str(SAMPLE)],
                          tmp_path / "c", stderr_tty=True)
    assert code == 0 and out.lstrip().startswith(b"[")
    assert b"building cache" not in err and b"building cache" not in out


def test_step_progress_escapes_labels(capsys: pytest.CaptureFixture[str]) -> None:
    from ptmx.render.progress import step_progress

    with step_progress("scan", shown=True) as update:
        update("\x1b[2Jevil [bold]x[/bold]", 0, 1)
    captured = capsys.readouterr()
    assert captured.out == "" and "\x1b[2J" not in captured.err
