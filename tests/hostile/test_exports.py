"""`--out` aimed where it must not write: onto a folder, into a missing folder, over the dataset
being read (a table file, the manifest, a link to one), a full disk, a name with escapes.

Each case: exit 2, one line on stderr, the dataset and everything else left as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.hostile_data import assert_clean_failure, copy_sample, run_cli
from tests.hostile.conftest import snapshot_tree

COMMANDS = {
    "cards-report": lambda project: ["cards", "report", "--format", "json"],
    "scan": lambda project: ["scan", str(project), "--format", "json"],
}


@pytest.fixture
def world(tmp_path: Path) -> tuple[Path, Path]:
    data = copy_sample(tmp_path / "data")
    project = tmp_path / "project"
    project.mkdir()
    (project / "requirements.txt").write_text("transformers\n")
    (project / "app.py").write_text('AutoModel.from_pretrained("bert-base-uncased")\n')
    (data.parent / "model-link.parquet").symlink_to(data / "model.parquet")
    return data, project


TARGETS = {
    "a-folder": lambda root: root,
    "the-dataset-folder": lambda root: root / "data",
    "a-missing-folder": lambda root: root / "nowhere" / "out.json",
    "a-table-file": lambda root: root / "data" / "model.parquet",
    "the-manifest": lambda root: root / "data" / "ptmx.json",
    "a-link-to-a-table": lambda root: root / "model-link.parquet",
    "a-dotted-path-to-a-table": lambda root: root / "data" / ".." / "data" / "license.parquet",
    "escapes-in-the-name": lambda root: root / "nowhere\x1b]0;t\x07" / "x.json",
}


@pytest.mark.parametrize("target", list(TARGETS.values()), ids=list(TARGETS))
@pytest.mark.parametrize("command", list(COMMANDS.values()), ids=list(COMMANDS))
def test_out_never_lands_where_it_would_destroy(command, target, world: tuple[Path, Path],
                                               tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    data, project = world
    monkeypatch.setenv("PTMX_CACHE", str(tmp_path / "cache"))
    out = target(tmp_path)
    before = snapshot_tree(tmp_path / "data"), snapshot_tree(project)
    code, stdout, err = run_cli(["--data", str(data), *command(project), "--out", str(out)],
                                capsys)
    assert_clean_failure(code, stdout, err)
    assert (snapshot_tree(tmp_path / "data"), snapshot_tree(project)) == before
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("command", list(COMMANDS.values()), ids=list(COMMANDS))
def test_out_onto_a_full_disk_is_one_line(command, world: tuple[Path, Path], tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    data, project = world
    monkeypatch.setenv("PTMX_CACHE", str(tmp_path / "cache"))
    code, stdout, err = run_cli(["--data", str(data), *command(project), "--out", "/dev/full"],
                                capsys)
    assert_clean_failure(code, stdout, err)


@pytest.mark.parametrize("command", list(COMMANDS.values()), ids=list(COMMANDS))
def test_out_to_a_new_file_beside_the_dataset_still_works(command, world: tuple[Path, Path],
                                                          tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    data, project = world
    monkeypatch.setenv("PTMX_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "report.json"
    code, _, err = run_cli(["--data", str(data), *command(project), "--out", str(out)], capsys)
    assert code in (0, 1), err
    assert out.stat().st_size > 0
