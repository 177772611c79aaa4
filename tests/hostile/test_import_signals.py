"""`ptmx import` against hostile inputs and signals: an OUT that would swallow the source, SIGTERM
and SIGHUP mid-copy, side files whose values have the wrong type, a database whose table names
are paths, text in INTEGER columns, a damaged SQLite file.

Each case: the expected exit code, one line on stderr, no temp folder left, nothing lost."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.conftest import make_peatmoss_db
from tests.core.hostile_data import assert_clean_failure, run_cli
from tests.hostile.conftest import base_env, snapshot_tree


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".ptmx-" in p.name)


@pytest.mark.parametrize("where", ["source-folder", "source-folder-dot", "ancestor", "db-itself",
                                   "cwd-holding-source", "side-file-folder"])
def test_an_out_that_holds_the_inputs_is_refused(where: str, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "src" / "inner"
    src.mkdir(parents=True)
    db = make_peatmoss_db(src / "PeaTMOSS.db")
    side = tmp_path / "side"
    side.mkdir()
    (side / "lic.json").write_text('{"alice/chatbot": ["mit"]}')
    monkeypatch.chdir(src)
    out, extra = {
        "source-folder": (str(src), []),
        "source-folder-dot": (str(src / "." / ".." / "inner"), []),
        "ancestor": (str(tmp_path / "src"), []),
        "db-itself": (str(db), []),
        "cwd-holding-source": (".", []),
        "side-file-folder": (str(side), ["--repo-licenses", str(side / "lic.json")]),
    }[where]
    before = snapshot_tree(tmp_path)
    code, stdout, err = run_cli(["import", str(db), out, "--force", *extra], capsys)
    assert_clean_failure(code, stdout, err)
    assert snapshot_tree(tmp_path) == before  # the source database is still there


BAD_SIDE_FILES = {
    # (option, content, what the message must name)
    "licenses-string": ("--repo-licenses", {"alice/chatbot": "mit"}, "alice/chatbot"),
    "licenses-number": ("--repo-licenses", {"bob/search": 5}, "bob/search"),
    "licenses-object": ("--repo-licenses", {"bob/search": {"k": "mit"}}, "bob/search"),
    "licenses-mixed-list": ("--repo-licenses", {"bob/search": ["mit", 5]}, "bob/search"),
    "licenses-null-key": ("--repo-licenses", {"bob/search": [None]}, "bob/search"),
    "licenses-hostile-key": ("--repo-licenses", {"x\x1b[2J/y": "mit"}, "x\\x1b[2J/y"),
    "cards-string": ("--model-cards", {"gpt2": "not a card"}, "gpt2"),
    "cards-list": ("--model-cards", {"gpt2": [1, 2]}, "gpt2"),
    "cards-number": ("--model-cards", {"gpt2": 3}, "gpt2"),
}


@pytest.mark.parametrize(("option", "content", "named"), list(BAD_SIDE_FILES.values()),
                         ids=list(BAD_SIDE_FILES))
def test_side_file_values_of_the_wrong_type_name_the_key(option: str, content: object, named: str,
                                                         peatmoss_db: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    side = tmp_path / "side.json"
    side.write_text(json.dumps(content))
    before = snapshot_tree(tmp_path)
    code, out, err = run_cli(["import", str(peatmoss_db), str(tmp_path / "ds"), option,
                              str(side)], capsys)
    assert_clean_failure(code, out, err)
    assert named in err and "side.json" in err
    assert snapshot_tree(tmp_path) == before and _leftovers(tmp_path) == []


def test_side_file_nested_too_deeply_is_one_line(peatmoss_db: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    side = tmp_path / "side.json"
    side.write_text('{"gpt2": ' + "[" * 200_000 + "]" * 200_000 + "}")
    code, out, err = run_cli(["import", str(peatmoss_db), str(tmp_path / "ds"),
                              "--repo-licenses", str(side)], capsys)
    assert_clean_failure(code, out, err)
    assert not (tmp_path / "ds").exists()


def test_table_names_that_are_paths_never_leave_the_new_folder(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]
                                                               ) -> None:
    db = make_peatmoss_db(tmp_path / "PeaTMOSS.db")
    con = sqlite3.connect(db)
    for name in ("../escaped", "/tmp/ptmx-abs", ".hidden", 'quo"te', "a\x1b[2Jb"):
        con.execute(f'CREATE TABLE "{name.replace(chr(34), chr(34) * 2)}" (x INTEGER)')
    con.commit()
    con.close()
    code, _, err = run_cli(["import", str(db), str(tmp_path / "ds")], capsys)
    assert code == 0, err
    assert "skipped 5 table(s)" in err and "\x1b" not in err
    assert not (tmp_path / "escaped.parquet").exists() and not Path("/tmp/ptmx-abs.parquet").exists()
    assert sorted(p.name for p in (tmp_path / "ds").iterdir() if p.name.startswith(".")) == []


def test_text_in_integer_columns_is_kept_as_text(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    # As the README says: text found in an INTEGER-declared column is kept as text, and a note
    # says which. (model.context_id is one in the real release.)
    db = make_peatmoss_db(tmp_path / "PeaTMOSS.db")
    con = sqlite3.connect(db)
    con.execute("UPDATE lab_notes SET score = 'one\x1b[2J' WHERE id = 1")
    con.execute("UPDATE reuse_repository SET stars = 1.5 WHERE id = 2")
    con.commit()
    con.close()
    code, _, err = run_cli(["import", str(db), str(tmp_path / "ds")], capsys)
    assert code == 0, err
    for note in ("kept as text: lab_notes.score", "kept as text: model.context_id",
                 "kept as text: reuse_repository.stars"):
        assert note in err
    assert "\x1b" not in err
    ids = pq.read_table(tmp_path / "ds" / "lab_notes.parquet").column("score").to_pylist()
    stars = pq.read_table(tmp_path / "ds" / "reuse_repository.parquet").column("stars")
    assert ids == ["one\x1b[2J", "2.0"] and stars.to_pylist() == ["10", "1.5", "30"]


@pytest.mark.parametrize(("sql", "named"), [
    ("UPDATE model SET likes = 'many' WHERE id = 1", "model.likes"),
    ("UPDATE model_to_reuse_repository SET model_id = 'one' WHERE model_id = 1",
     "model_to_reuse_repository.model_id"),
    ("UPDATE model_to_license SET license_id = 'x\x1b[2J' WHERE model_id = 1",
     "model_to_license.license_id"),
])
def test_text_where_ptmx_needs_a_number_fails_early_in_one_line(
        sql: str, named: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = make_peatmoss_db(tmp_path / "PeaTMOSS.db")
    con = sqlite3.connect(db)
    con.execute(sql)
    con.commit()
    con.close()
    code, out, err = run_cli(["import", str(db), str(tmp_path / "ds")], capsys)
    assert_clean_failure(code, out.replace("\r", ""), err.splitlines()[-1])
    assert named in err and not (tmp_path / "ds").exists() and _leftovers(tmp_path) == []


@pytest.mark.parametrize("damage", ["truncated", "garbage-after-header", "empty", "folder"])
def test_a_damaged_database_is_one_line(damage: str, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    db = make_peatmoss_db(tmp_path / "PeaTMOSS.db")
    raw = db.read_bytes()
    if damage == "truncated":
        db.write_bytes(raw[: len(raw) // 3])
    elif damage == "garbage-after-header":
        db.write_bytes(raw[:100] + b"\xff" * (len(raw) - 100))
    elif damage == "empty":
        db.write_bytes(b"")
    else:
        db.unlink()
        db.mkdir()
    code, out, err = run_cli(["import", str(db), str(tmp_path / "ds")], capsys)
    assert_clean_failure(code, out, err)
    assert not (tmp_path / "ds").exists() and _leftovers(tmp_path) == []


def _big_db(path: Path, rows: int) -> Path:
    """The small PeaTMOSS database plus a table large enough to take seconds to copy."""
    make_peatmoss_db(path)
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE bulk (id INTEGER PRIMARY KEY, a TEXT, b INTEGER, c REAL)")
    con.execute("""INSERT INTO bulk
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
        SELECT i, printf('row %d of a bulky table %s', i, hex(randomblob(16))), i * 7, i / 3.0
        FROM n""", (rows,))
    con.commit()
    con.close()
    return path


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _big_db(tmp_path_factory.mktemp("bigdb") / "PeaTMOSS.db", 1_500_000)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_mid_import_cleans_up_and_keeps_the_old_out(signum: int, big_db: Path,
                                                             tmp_path: Path) -> None:
    out = tmp_path / "ds"
    out.mkdir()
    (out / "precious.txt").write_text("the old dataset")
    before = snapshot_tree(tmp_path)
    process = subprocess.Popen([sys.executable, "-m", "ptmx", "import", str(big_db), str(out),
                                "--force"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=base_env())
    deadline = time.monotonic() + 60
    # Wait until the copy is under way: the temp folder exists and holds a table file.
    # (Not the old OUT moved aside at the very end, ".ds.ptmx-old-PID": then it is too late.)
    while time.monotonic() < deadline and not any(
            p.is_dir() and any(p.iterdir()) for p in tmp_path.glob(".ds.ptmx-*")
            if "-old-" not in p.name):
        assert process.poll() is None, process.communicate()
        time.sleep(0.02)
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 128 + signum, err
    # The progress display may have drawn its bars; the last line is the one message.
    assert err.strip().splitlines()[-1].startswith("ptmx: interrupted by SIG")
    assert "Traceback" not in err
    assert _leftovers(tmp_path) == []
    assert snapshot_tree(tmp_path) == before
