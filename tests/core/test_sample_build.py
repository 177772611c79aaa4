"""`ptmx sample build` reproduces the committed sample from the PeaTMOSS artifact files."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ptmx.cli import main
from ptmx.config import bundled_data_dir
from tests.conftest import ARTIFACT

needs_artifact = pytest.mark.skipif(not (ARTIFACT / "mapping.csv").exists(),
                                    reason="needs ../shared/peatmoss/artifact")


@needs_artifact
def test_rebuild_matches_the_committed_sample(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sample"
    assert main(["sample", "build", str(ARTIFACT), str(out)]) == 0
    committed = bundled_data_dir()
    names = sorted(p.name for p in committed.glob("*.parquet"))
    assert names == sorted(p.name for p in out.glob("*.parquet"))
    for name in names:
        assert pq.read_table(out / name).equals(pq.read_table(committed / name)), name


def test_missing_artifact_file_is_one_line(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sample", "build", str(tmp_path), str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "mapping.csv" in err and "artifact file missing" in err
    assert not (tmp_path / "out").exists()


def test_bundled_sample_is_small_and_attributed() -> None:
    folder = bundled_data_dir()
    size = sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
    assert size < 10 * 1024 * 1024
    readme = (folder / "README.md").read_text()
    assert "PeaTMOSS" in readme and "PurdueDualityLab/PeaTMOSS-Artifact" in readme
