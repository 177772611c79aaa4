"""`ptmx import`: SQLite → Parquet, tolerant, safe, with the extension data options."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ptmx.cli import main
from ptmx.ingest import sqlite_import
from ptmx.store import model_page, open_store, stats
from tests.conftest import make_peatmoss_db


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_import_then_stats_reads_the_right_counts(peatmoss_db: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "ds"
    code, _, err = run(["import", str(peatmoss_db), str(out)], capsys)
    assert code == 0, err
    code, stdout, _ = run(["stats", "--data", str(out), "--format", "json"], capsys)
    counts = json.loads(stdout)
    assert code == 0
    assert (counts["models"], counts["projects"], counts["links"], counts["licenses"],
            counts["hubs"]) == (4, 3, 4, 2, 1)
    manifest = json.loads((out / "ptmx.json").read_text())
    assert manifest["tables"]["model"] == 4 and manifest["source"] == "PeaTMOSS.db"


def test_text_in_integer_column_is_kept_as_text(peatmoss_db: Path, tmp_path: Path) -> None:
    sqlite_import.import_sqlite(peatmoss_db, tmp_path / "ds")
    table = pq.read_table(tmp_path / "ds" / "model.parquet")
    assert table.schema.field("context_id").type == "string"
    assert table.column("context_id").to_pylist()[:2] == ["bert-base-uncased", "gpt2"]
    assert table.schema.field("downloads").type == "int64"


def test_extra_tables_and_columns_are_carried_over(peatmoss_db: Path, tmp_path: Path) -> None:
    sqlite_import.import_sqlite(peatmoss_db, tmp_path / "ds")
    notes = pq.read_table(tmp_path / "ds" / "lab_notes.parquet").to_pylist()
    assert notes == [{"id": 1, "note": "hello", "score": 0.5},
                     {"id": 2, "note": None, "score": 2.0}]
    repos = pq.read_table(tmp_path / "ds" / "reuse_repository.parquet")
    assert repos.column("stars").to_pylist() == [10, 20, 30]
    page = model_page(open_store(tmp_path / "ds"), "bert-base-uncased")
    assert {p["project"]: p["files"] for p in page.projects} == {
        "alice/chatbot": ["app/bot.py"], "bob/search": ["index.py"]}


def test_not_sqlite_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bogus = tmp_path / "PeaTMOSS.db"
    bogus.write_text("hello, I am a CSV file\n")
    code, out, err = run(["import", str(bogus), str(tmp_path / "ds")], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "not a SQLite database" in err
    assert not (tmp_path / "ds").exists()


def test_missing_core_tables_is_one_line_exit_2(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "other.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE model (id INTEGER PRIMARY KEY, context_id INTEGER)")
    con.close()
    code, _, err = run(["import", str(db), str(tmp_path / "ds")], capsys)
    assert code == 2 and "missing core table(s)" in err and "reuse_repository" in err
    assert "Traceback" not in err


def test_missing_input_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["import", str(tmp_path / "none.db"), str(tmp_path / "ds")], capsys)
    assert code == 2 and "file not found" in err


def test_existing_output_is_refused_then_replaced_with_force(
        peatmoss_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "ds"
    out.mkdir()
    (out / "precious.txt").write_text("mine")
    code, _, err = run(["import", str(peatmoss_db), str(out)], capsys)
    assert code == 2 and "--force" in err
    assert (out / "precious.txt").read_text() == "mine"
    code, _, _ = run(["import", str(peatmoss_db), str(out), "--force"], capsys)
    assert code == 0 and (out / "model.parquet").exists() and not (out / "precious.txt").exists()


def test_interrupt_leaves_no_partial_dataset_and_keeps_old_one(
        peatmoss_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "ds"
    sqlite_import.import_sqlite(peatmoss_db, out)
    before = sorted(p.name for p in out.iterdir())

    def interrupt(table: str, done: int, total: int) -> None:
        if table == "model_to_reuse_repository":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sqlite_import.import_sqlite(peatmoss_db, out, force=True, progress=interrupt)
    assert sorted(p.name for p in out.iterdir()) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_extension_options_fill_license_card_and_base_tables(
        peatmoss_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    licenses = tmp_path / "lic.json"
    licenses.write_text(json.dumps({"alice/chatbot": ["mit", "apache-2.0"], "bob/search": None,
                                    "zed/unrelated": ["gpl-3.0"]}))
    cards = tmp_path / "cards.json"
    cards.write_text(json.dumps({
        "acme/tiny-llm-ft": {"upstream_model": "https://huggingface.co/acme/tiny-llm",
                             "hardware": "", "datasets": ["wiki"], "license": "apache-2.0"},
        "gpt2": {"upstream_model": "Some Free Text", "paper": "Language Models are ..."},
    }))
    out = tmp_path / "ds"
    code, _, err = run(["import", str(peatmoss_db), str(out), "--repo-licenses", str(licenses),
                        "--model-cards", str(cards)], capsys)
    assert code == 0, err
    store = open_store(out)
    rows = store.rows("SELECT reuse_repository_id, license_key FROM reuse_repository_license "
                      "ORDER BY 1, 2 NULLS LAST")
    assert rows == [{"reuse_repository_id": 1, "license_key": "apache-2.0"},
                    {"reuse_repository_id": 1, "license_key": "mit"},
                    {"reuse_repository_id": 2, "license_key": None}]
    ft = model_page(store, "acme/tiny-llm-ft")
    assert ft.card["hardware"] is None and ft.card["datasets"] == ["wiki"]
    assert ft.base_models[0]["base_model"] == "acme/tiny-llm" and ft.base_models[0]["in_dataset"]
    assert [d["model"] for d in model_page(store, "acme/tiny-llm").derived_models] == [
        "acme/tiny-llm-ft"]
    assert model_page(store, "gpt2").base_models == []  # free text names no hub model
    assert stats(store)["projects_scanned"] == 2


def test_bad_side_file_fails_before_writing(peatmoss_db: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "cards.json"
    bad.write_text("{oops")
    code, _, err = run(["import", str(peatmoss_db), str(tmp_path / "ds"),
                        "--model-cards", str(bad)], capsys)
    assert code == 2 and "cards.json" in err and "not valid JSON" in err
    assert not (tmp_path / "ds").exists()


def test_import_memory_is_bounded_by_batches(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches never hold more than BATCH_ROWS rows, whatever the table size."""
    db = make_peatmoss_db(tmp_path / "big.db", extra=False)
    con = sqlite3.connect(db)
    con.executemany("INSERT INTO reuse_repository VALUES (?, ?, ?, ?)",
                    [(i, f"o{i}", f"n{i}", None) for i in range(10, 2510)])
    con.commit()
    con.close()
    monkeypatch.setattr(sqlite_import, "BATCH_ROWS", 1000)
    seen: list[int] = []
    original = sqlite_import._batches

    def spy(*args: object):
        for rows in original(*args):
            seen.append(len(rows))
            yield rows

    monkeypatch.setattr(sqlite_import, "_batches", spy)
    report = sqlite_import.import_sqlite(db, tmp_path / "ds")
    assert report.row_counts["reuse_repository"] == 2503
    assert max(seen) <= 1000


def test_cards_are_matched_case_insensitively_in_batches_of_any_size(
        peatmoss_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from ptmx.ingest import cards as card_import

    cards = tmp_path / "cards.json"
    cards.write_text(json.dumps({
        "ACME/Tiny-LLM-FT": {"upstream_model": "acme/TINY-llm", "license": "mit"},
        "nobody/unknown": {"license": "mit"},
        "gpt2": {"upstream_model": "huggingface.co/Outside/base-model"},
        "bert-base-uncased": None,  # null: no card
    }))
    tables = {}
    for batch in (1, 1000):
        monkeypatch.setattr(card_import, "BATCH", batch)
        out = tmp_path / f"ds{batch}"
        code, _, err = run(["import", str(peatmoss_db), str(out), "--model-cards", str(cards)],
                           capsys)
        assert code == 0, err
        assert "2 cards name models not in the database" in err
        tables[batch] = [pq.read_table(out / f"{t}.parquet") for t in ("model_card", "model_base")]
        assert not list(out.glob(".*"))  # no scratch folder left in the dataset
    assert all(a.equals(b) for a, b in zip(tables[1], tables[1000], strict=True))
    card_table, base_table = tables[1]
    assert card_table.column("model").to_pylist() == ["ACME/Tiny-LLM-FT", "gpt2"]
    assert card_table.column("model_id").to_pylist() == [4, 2]
    assert base_table.select(["model_id", "base_model", "base_model_id"]).to_pylist() == [
        {"model_id": 4, "base_model": "acme/TINY-llm", "base_model_id": 3},
        {"model_id": 2, "base_model": "Outside/base-model", "base_model_id": None}]


@pytest.mark.parametrize(("text", "message"), [
    ('{"gpt2": {"license": "mit"}, "acme/tiny-llm": {"license": ', "not valid JSON"),
    ('[{"gpt2": {}}]', "not a JSON object"),
    ('{"gpt2": {}} {"more": {}}', "not valid JSON"),
])
def test_broken_side_file_fails_in_one_line_before_anything_is_written(
        peatmoss_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str,
        message: str) -> None:
    for option in ("--model-cards", "--repo-licenses"):
        side = tmp_path / "side.json"
        side.write_text(text)
        code, _, err = run(["import", str(peatmoss_db), str(tmp_path / "ds"), option,
                              str(side)], capsys)
        assert code == 2 and message in err and "side.json" in err, err
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
        assert not (tmp_path / "ds").exists() and not list(tmp_path.glob(".ds*"))


def test_a_cards_file_rewritten_during_the_import_is_refused(
        peatmoss_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    cards = tmp_path / "cards.json"
    cards.write_text(json.dumps({"gpt2": {"license": "mit"}}))
    first_pass = sqlite_import.read_card_names

    def then_rewrite(path: Path):  # another program saves the file between the two passes
        names = first_pass(path)
        path.write_text(json.dumps({"bert-base-uncased": {}, "gpt2": {"license": "mit"}}))
        return names

    monkeypatch.setattr(sqlite_import, "read_card_names", then_rewrite)
    code, _, err = run(["import", str(peatmoss_db), str(tmp_path / "ds"), "--model-cards",
                        str(cards)], capsys)
    assert code == 2 and "changed while it was being imported" in err
    assert not (tmp_path / "ds").exists()


def test_values_arrow_would_convert_silently_are_kept_as_the_database_holds_them(
        tmp_path: Path) -> None:
    """A REAL in an INTEGER column is not truncated, text that is not UTF-8 is kept with
    replacement characters, a number in a text column becomes its text, an integer beyond
    2**53 in a REAL column stays a float: the same values as a per-value check gives."""
    db = make_peatmoss_db(tmp_path / "PeaTMOSS.db", extra=False)
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE odd (id INTEGER, n INTEGER, t TEXT, r REAL)")
    con.executemany("INSERT INTO odd VALUES (?, ?, ?, ?)", [
        (1, 7, "plain", 0.5), (2, None, None, None), (3, 8, 42, 2**60)])
    con.execute("INSERT INTO odd VALUES (4, 2.5, CAST(x'61ff62' AS TEXT), 1)")
    con.commit()
    con.close()
    report = sqlite_import.import_sqlite(db, tmp_path / "ds")
    assert report.widened["odd"] == ["n"]
    table = pq.read_table(tmp_path / "ds" / "odd.parquet").to_pydict()
    assert table["id"] == [1, 2, 3, 4]
    assert table["n"] == ["7", None, "8", "2.5"]
    assert table["t"] == ["plain", None, "42", "a\ufffdb"]
    assert table["r"] == [0.5, None, float(2**60), 1.0]
