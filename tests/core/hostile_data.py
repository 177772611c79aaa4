"""Helpers for the core's hostile-input tests: run the CLI in-process, and build datasets whose
rows carry hostile text (escape sequences, rich markup, newlines)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ptmx.cli import main
from ptmx.config import bundled_data_dir
from tests.hostile.conftest import SECRET, assert_one_line

# What a stranger could put in a model id, a project owner or a licence name.
HOSTILE = {
    "osc-title": "evil/\x1b]0;owned\x07title",
    "clear-screen": "evil/\x1b[2J\x1b[Hwipe",
    "markup-close": "evil/[/]close",
    "markup-link": "evil/[link=https://phish.example]click[/link]",
    "newline": "evil/line\nptmx: fake second line",
    "carriage-return": "evil/cr\rOVERWRITTEN",
    "bidi": "evil/\u202eloot.exe",
    "c1-csi": "evil/\x9b2Jc1",
}


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """``ptmx ARGV`` in-process: (exit code, stdout, stderr); argparse's exits included."""
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 2
    out, err = capsys.readouterr()
    return code, out, err


def assert_clean_failure(code: int, out: str, err: str, expected: int = 2) -> None:
    """The in-process twin of ``Outcome.assert_clean_failure``, plus: no raw ESC anywhere."""
    assert code == expected, (code, out[-500:], err[-500:])
    assert_one_line(err)
    assert err.strip(), "a failure must say why"
    assert "\x1b" not in err and "\x1b" not in out
    assert SECRET not in out and SECRET not in err


def copy_sample(dest: Path) -> Path:
    """A writable copy of the bundled sample."""
    shutil.copytree(bundled_data_dir(), dest)
    return dest


def hostile_dataset(dest: Path) -> Path:
    """The sample with hostile text in model ids, a project owner/name and a licence name.

    Model ``i`` of HOSTILE replaces the model with the i-th highest downloads, so each is reused
    by projects; project 1 is renamed to hostile text; licence 1 is renamed too."""
    copy_sample(dest)
    model = pq.read_table(dest / "model.parquet")
    order = sorted(range(model.num_rows), key=lambda i: -(model.column("downloads")[i].as_py() or 0))
    ids = model.column("context_id").to_pylist()
    for i, text in zip(order, HOSTILE.values(), strict=False):
        ids[i] = text
    model = model.set_column(model.schema.get_field_index("context_id"), "context_id",
                             pa.array(ids, model.schema.field("context_id").type))
    pq.write_table(model, dest / "model.parquet")
    repo = pq.read_table(dest / "reuse_repository.parquet")
    owners = repo.column("owner").to_pylist()
    names = repo.column("name").to_pylist()
    owners[0], names[0] = "own\x1b]8;;\x07er", "[bold]proj[/]"
    repo = repo.set_column(repo.schema.get_field_index("owner"), "owner", pa.array(owners))
    repo = repo.set_column(repo.schema.get_field_index("name"), "name", pa.array(names))
    pq.write_table(repo, dest / "reuse_repository.parquet")
    lic = pq.read_table(dest / "license.parquet")
    lnames = lic.column("name").to_pylist()
    lnames[0] = "mit[/]\x1b[31m"
    lic = lic.set_column(lic.schema.get_field_index("name"), "name", pa.array(lnames))
    pq.write_table(lic, dest / "license.parquet")
    return dest
