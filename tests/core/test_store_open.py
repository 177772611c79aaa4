"""Opening a dataset folder: every bad input is one line naming the file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ptmx.config import bundled_data_dir
from ptmx.errors import DataError, MissingTableError
from ptmx.store import open_store


@pytest.fixture
def copy_of_sample(tmp_path: Path) -> Path:
    target = tmp_path / "ds"
    shutil.copytree(bundled_data_dir(), target)
    return target


def _message(folder: Path) -> str:
    with pytest.raises(DataError) as info:
        open_store(folder)
    text = info.value.one_line()
    assert "\n" not in text
    return text


def test_missing_folder_is_named(tmp_path: Path) -> None:
    assert "does not exist" in _message(tmp_path / "nope")


def test_empty_folder_says_no_tables(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert "no Parquet tables" in _message(tmp_path / "empty")


def test_missing_required_table_names_the_file(copy_of_sample: Path) -> None:
    (copy_of_sample / "model_to_license.parquet").unlink()
    text = _message(copy_of_sample)
    assert "model_to_license.parquet" in text and "required table" in text


def test_missing_required_column(copy_of_sample: Path) -> None:
    path = copy_of_sample / "reuse_repository.parquet"
    pq.write_table(pq.read_table(path).drop_columns(["owner"]), path)
    text = _message(copy_of_sample)
    assert "reuse_repository.parquet" in text and "'owner'" in text


def test_column_of_uncastable_type(copy_of_sample: Path) -> None:
    path = copy_of_sample / "model_to_reuse_repository.parquet"
    table = pq.read_table(path)
    bad = table.set_column(0, "model_id", pa.array([f"m{v}" for v in table.column(0).to_pylist()]))
    pq.write_table(bad, path)
    text = _message(copy_of_sample)
    assert "model_to_reuse_repository" in text and "cannot be read as integer" in text


def test_corrupt_parquet_is_named(copy_of_sample: Path) -> None:
    (copy_of_sample / "license.parquet").write_bytes(b"this is not parquet at all")
    text = _message(copy_of_sample)
    assert "license.parquet" in text and "not a readable Parquet file" in text


def test_broken_manifest_is_named(copy_of_sample: Path) -> None:
    (copy_of_sample / "ptmx.json").write_text("{not json")
    assert "ptmx.json" in _message(copy_of_sample)


def _links_as_parts(folder: Path) -> tuple[pa.Table, Path]:
    """The link table moved into a part folder (to be filled by the test); returns its rows."""
    path = folder / "model_to_reuse_repository.parquet"
    table = pq.read_table(path)
    path.unlink()
    parts = folder / "model_to_reuse_repository"
    parts.mkdir()
    return table, parts


def test_part_folders_are_read_as_one_table(copy_of_sample: Path) -> None:
    table, parts = _links_as_parts(copy_of_sample)
    half = table.num_rows // 2
    pq.write_table(table.slice(0, half), parts / "part-0.parquet")
    pq.write_table(table.slice(half), parts / "part-1.parquet")
    store = open_store(copy_of_sample)
    assert store.row_counts["model_to_reuse_repository"] == table.num_rows


def test_parts_from_different_versions_line_up_by_column_name(copy_of_sample: Path) -> None:
    """A crawl that gained a column keeps older parts readable: the old rows show NULL there."""
    table, parts = _links_as_parts(copy_of_sample)
    half = table.num_rows // 2
    older = table.slice(0, half)
    newer = table.slice(half)
    newer = newer.append_column("added_later", pa.array(["x"] * newer.num_rows))
    # The newer part also orders its columns differently.
    newer = newer.select(list(reversed(newer.column_names)))
    pq.write_table(older, parts / "part-0.parquet")
    pq.write_table(newer, parts / "part-1.parquet")
    store = open_store(copy_of_sample)
    assert store.row_counts["model_to_reuse_repository"] == table.num_rows
    [row] = store.rows("SELECT count(*) FILTER (WHERE added_later IS NULL) AS old, "
                       "count(added_later) AS new FROM model_to_reuse_repository")
    assert row == {"old": half, "new": table.num_rows - half}


def test_parts_disagreeing_on_a_type_name_the_folder(copy_of_sample: Path) -> None:
    table, parts = _links_as_parts(copy_of_sample)
    pq.write_table(table, parts / "part-0.parquet")
    name = table.column_names[0]
    clash = table.set_column(0, name, pa.array([[1]] * table.num_rows))
    pq.write_table(clash, parts / "part-1.parquet")
    assert "model_to_reuse_repository" in _message(copy_of_sample)


def test_optional_table_absent_says_which_feature(copy_of_sample: Path) -> None:
    (copy_of_sample / "model_card.parquet").unlink()
    store = open_store(copy_of_sample)
    assert not store.has("model_card")
    with pytest.raises(MissingTableError, match="model_card"):
        store.require("model_card", "the documentation report")


def test_nothing_in_the_folder_is_written(copy_of_sample: Path) -> None:
    before = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in copy_of_sample.iterdir()}
    store = open_store(copy_of_sample)
    store.rows("SELECT * FROM model_summary LIMIT 5")
    store.close()
    after = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in copy_of_sample.iterdir()}
    assert before == after


def test_cache_is_reused_and_rebuilt_when_a_file_changes(copy_of_sample: Path) -> None:
    first = open_store(copy_of_sample)
    assert first.cache_file is not None and first.cache_file.exists()
    again = open_store(copy_of_sample)
    assert again.cache_file == first.cache_file
    assert again.scalar("SELECT count(*) FROM license") == 27
    path = copy_of_sample / "license.parquet"
    table = pq.read_table(path)
    pq.write_table(table.slice(0, 5), path)
    changed = open_store(copy_of_sample)
    assert changed.cache_file != first.cache_file
    assert changed.scalar("SELECT count(*) FROM license") == 5
    assert not first.cache_file.exists()  # the stale cache of this folder was dropped


def test_without_a_writable_cache_the_store_still_opens(copy_of_sample: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = copy_of_sample.parent / "not-a-dir"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setenv("PTMX_CACHE", str(blocked))
    store = open_store(copy_of_sample)
    assert store.cache_file is None and store.scalar("SELECT count(*) FROM model") == 2421
