"""A damaged store cache (under $PTMX_CACHE/datasets): truncated, overwritten, zeroed, replaced
by a folder or a FIFO. ptmx notices, deletes it and rebuilds with one line on stderr (or, when
the damage shows only in a block a page reads, fails that run in one line and deletes it); the
next run is always clean. The dataset folder is never touched."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.core.hostile_data import copy_sample, run_cli
from tests.hostile.conftest import assert_one_line, base_env, run_ptmx, snapshot_tree


def _cache_file(cache: Path) -> Path:
    (found,) = (cache / "datasets").glob("*.duckdb")
    return found


def _overwrite(start: float, end: float, byte: bytes = b"\x55") -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        size = path.stat().st_size
        with path.open("r+b") as handle:
            handle.seek(int(size * start))
            handle.write(byte * (int(size * end) - int(size * start)))
    return damage


def _truncate(fraction: float) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        os.truncate(path, int(path.stat().st_size * fraction))
    return damage


def _replace(make: Callable[[Path], None]) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        path.unlink()
        make(path)
    return damage


DAMAGE = {
    "truncated-to-header": _truncate(0.002),
    "truncated-half": _truncate(0.5),
    "empty": _truncate(0),
    "garbage-header": _overwrite(0, 0.01, b"\xff"),
    "overwritten-middle": _overwrite(0.15, 0.95),
    "zeroed-tail": _overwrite(0.5, 1.0, b"\x00"),
    "not-duckdb-text": _replace(lambda p: p.write_text("\x1b]0;pwned\x07 hello")),
    "a-folder": _replace(lambda p: p.mkdir()),
}


@pytest.mark.parametrize("damage", list(DAMAGE.values()), ids=list(DAMAGE))
def test_a_damaged_cache_is_rebuilt_and_never_breaks_later_runs(
        damage: Callable[[Path], None], tmp_path: Path) -> None:
    data = copy_sample(tmp_path / "data")
    cache = tmp_path / "cache"
    env = base_env(PTMX_CACHE=str(cache))
    before = snapshot_tree(data)
    first = run_ptmx("--data", str(data), "stats", "--format", "json", env=env)
    assert first.code == 0, first.stderr
    damage(_cache_file(cache))
    # Pages read blocks the counts do not: a damaged block may show only there.
    runs = [run_ptmx("--data", str(data), *args, env=env)
            for args in (["model", "bert-base-uncased", "--limit", "0"],
                         ["search", "a", "--limit", "500", "--format", "json"],
                         ["stats", "--format", "json"])]
    for outcome in runs:
        assert outcome.code in (0, 2), outcome.stderr
        assert_one_line(outcome.stderr)
        assert "\x1b" not in outcome.stderr
        if outcome.stderr:
            assert "cache" in outcome.stderr
    assert runs[-1].code == 0 and runs[-1].stdout == first.stdout
    assert snapshot_tree(data) == before


def test_the_notice_says_the_cache_was_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    data = copy_sample(tmp_path / "data")
    monkeypatch.setenv("PTMX_CACHE", str(tmp_path / "cache"))
    outcome = run_ptmx("--data", str(data), "stats", env=base_env(PTMX_CACHE=str(tmp_path / "cache")))
    assert outcome.code == 0
    _truncate(0.3)(_cache_file(tmp_path / "cache"))
    code, out, err = run_cli(["--data", str(data), "stats", "--format", "json"], capsys)
    assert code == 0 and out
    assert err.startswith("ptmx: cache file") and "deleted and rebuilt" in err
    assert_one_line(err)
    code, out, err = run_cli(["--data", str(data), "stats", "--format", "json"], capsys)
    assert code == 0 and err == ""


@pytest.mark.parametrize("make", ["file", "fifo-datasets"])
def test_a_cache_folder_that_cannot_hold_a_cache_still_works(make: str, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    if make == "file":
        cache.write_text("not a folder")
    else:
        cache.mkdir()
        os.mkfifo(cache / "datasets")
    outcome = run_ptmx("search", "bert", "--format", "json", env=base_env(PTMX_CACHE=str(cache)))
    assert outcome.code == 0, outcome.stderr
    assert_one_line(outcome.stderr)
