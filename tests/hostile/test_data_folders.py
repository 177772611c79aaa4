"""Hostile dataset folders: missing, empty, a file where a folder is expected and the reverse,
files that cannot be read (a FIFO would block a naive reader forever), corrupt Parquet, wrong
column types; and hostile strings in rows shown by `search`, `model`, `project` and `query`.

Broken folders: exit 2, one line on stderr, nothing in the folder written or lost. Hostile rows:
exit 0, shown literally, and on a pseudo-terminal no escape sequence of theirs gets through."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.core.hostile_data import (
    HOSTILE,
    assert_clean_failure,
    copy_sample,
    hostile_dataset,
    run_cli,
)
from tests.hostile.conftest import base_env, outside_escapes, run_on_tty, snapshot_tree


def _replace_with_dir(name: str) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        (folder / name).unlink()
        (folder / name).mkdir()
        (folder / name / "junk.txt").write_text("not parquet")
    return damage


def _fifo(name: str) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        (folder / name).unlink()
        os.mkfifo(folder / name)
    return damage


def _write(name: str, data: bytes) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        (folder / name).write_bytes(data)
    return damage


def _truncate(name: str) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        path = folder / name
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return damage


def _retype(table: str, column: str, values: Callable[[int], list[object]]) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        data = pq.read_table(folder / f"{table}.parquet")
        data = data.set_column(data.schema.get_field_index(column), column,
                               pa.array(values(data.num_rows)))
        pq.write_table(data, folder / f"{table}.parquet")
    return damage


def _drop(table: str, column: str) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        pq.write_table(pq.read_table(folder / f"{table}.parquet").drop_columns([column]),
                       folder / f"{table}.parquet")
    return damage


def _nested_parts(folder: Path) -> None:
    # A table as a folder of parts that disagree on a column's type (parts that differ only in
    # which columns they have are read as one table, lined up by name).
    (folder / "lab").mkdir()
    pq.write_table(pa.table({"a": [1]}), folder / "lab" / "p1.parquet")
    pq.write_table(pa.table({"a": [[1]]}), folder / "lab" / "p2.parquet")


def _symlink_loop(folder: Path) -> None:
    (folder / "model.parquet").unlink()
    (folder / "model.parquet").symlink_to("model.parquet")


DAMAGE = {
    "model-is-a-folder-of-junk": _replace_with_dir("model.parquet"),
    "manifest-is-a-folder": _replace_with_dir("ptmx.json"),
    "manifest-is-a-fifo": _fifo("ptmx.json"),
    "model-is-a-fifo": _fifo("model.parquet"),
    "model-is-a-symlink-loop": _symlink_loop,
    "model-is-garbage": _write("model.parquet", b"\x1b]0;pwned\x07 not parquet at all"),
    "model-is-empty": _write("model.parquet", b""),
    "model-is-truncated": _truncate("model.parquet"),
    "license-is-truncated": _truncate("license.parquet"),
    "manifest-is-not-json": _write("ptmx.json", b"{not json"),
    "manifest-is-a-list": _write("ptmx.json", b"[1, 2]"),
    "manifest-nested-deeply": _write("ptmx.json", b"[" * 100_000 + b"]" * 100_000),
    "manifest-not-utf8": _write("ptmx.json", b"\xff\xfe{}"),
    "model-id-is-text": _retype("model", "id", lambda n: [f"m{i}" for i in range(n)]),
    "links-model-id-is-float": _retype("model_to_reuse_repository", "model_id",
                                       lambda n: [0.5] * n),
    "model-context-id-missing": _drop("model", "context_id"),
    "parts-disagree": _nested_parts,
}


@pytest.mark.parametrize("damage", list(DAMAGE.values()), ids=list(DAMAGE))
def test_a_damaged_dataset_is_one_line_and_untouched(damage: Callable[[Path], None],
                                                     tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PTMX_CACHE", str(tmp_path / "cache"))
    data = copy_sample(tmp_path / "data")
    damage(data)
    before = snapshot_tree(data)
    code, out, err = run_cli(["--data", str(data), "stats"], capsys)
    assert_clean_failure(code, out, err)
    assert snapshot_tree(data) == before


@pytest.mark.parametrize("make", ["missing", "empty", "file", "fifo", "hidden-only"])
def test_a_data_path_that_is_not_a_dataset_folder(make: str, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "data"
    if make == "empty":
        path.mkdir()
    elif make == "file":
        path.write_text("model.parquet")
    elif make == "fifo":
        os.mkfifo(path)
    elif make == "hidden-only":
        path.mkdir()
        pq.write_table(pa.table({"id": [1]}), path / ".model.parquet")
    code, out, err = run_cli(["search", "bert", "--data", str(path)], capsys)
    assert_clean_failure(code, out, err)
    assert str(path) in err


def test_ptmx_data_with_an_escape_in_its_name(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PTMX_DATA", str(tmp_path / "\x1b]0;t\x07data\nsecond"))
    code, out, err = run_cli(["stats"], capsys)
    assert_clean_failure(code, out, err)
    assert "\\x1b]0;t\\x07data" in err


@pytest.fixture(scope="module")
def hostile_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile_dataset(tmp_path_factory.mktemp("rows") / "data")


def _tty(data: Path, *args: str) -> tuple[int, str]:
    outcome = run_on_tty("--data", str(data), *args,
                         env=base_env(PTMX_CACHE=str(data.parent / "cache")))
    return outcome.code, outcome.stdout


@pytest.mark.parametrize(("args", "shown"), [
    (["search", "evil/", "--limit", "50"], "\\x1b]0;owned\\x07title"),
    (["model", HOSTILE["markup-close"]], "evil/[/]close"),
    (["model", HOSTILE["osc-title"]], "evil/\\x1b]0;owned\\x07title"),
    (["model", HOSTILE["markup-link"]], "[link=https://phish.example]click[/link]"),
    (["project", "own\x1b]8;;\x07er/[bold]proj[/]"], "own\\x1b]8;;\\x07er/[bold]proj[/]"),
    (["query", "SELECT name, 'x[/]' || chr(27) || '[2J' AS evil FROM license"], "x[/]\\x1b[2J"),
], ids=["search", "model-markup", "model-osc", "model-link", "project", "query"])
def test_hostile_rows_render_as_text_on_a_terminal(args: list[str], shown: str,
                                                   hostile_data: Path) -> None:
    before = snapshot_tree(hostile_data)
    code, screen = _tty(hostile_data, *args)
    assert code == 0, screen[-2000:]
    assert "Traceback" not in screen
    assert outside_escapes(screen) == []
    assert shown in screen.replace("\r\n", "")  # shown literally (control characters visible)
    assert snapshot_tree(hostile_data) == before


@pytest.mark.parametrize("hostile", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_model_pages_in_process(hostile: str, hostile_data: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    # `[/]` used to crash the page with a traceback (rich.errors.MarkupError).
    code, out, err = run_cli(["--data", str(hostile_data), "model", hostile], capsys)
    assert code == 0, err
    assert "\x1b" not in out and "\x9b" not in out and "\u202e" not in out
    assert "[/]" in out or "[link" in out or "\\x" in out or "\\u" in out or "\n" in hostile


def test_hostile_rows_stay_raw_in_json_and_csv(hostile_data: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["--data", str(hostile_data), "search", "evil/", "--limit", "50",
                            "--format", "json"], capsys)
    assert code == 0
    assert set(HOSTILE.values()) <= {row["model"] for row in json.loads(out)}
    code, out, _ = run_cli(["--data", str(hostile_data), "query",
                            "SELECT context_id FROM model WHERE context_id LIKE 'evil/%'",
                            "--format", "csv"], capsys)
    assert code == 0 and HOSTILE["osc-title"] in out
