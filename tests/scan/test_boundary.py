"""The scan's reading boundary and the hub-id gate, as units."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ptmx.scan.boundary import Boundary, readable
from ptmx.scan.live import is_hub_id


@pytest.mark.parametrize(("text", "ok"), [
    ("gpt2", True), ("openai/whisper-base", True), ("timm/resnet50.a1_in1k", True),
    ("a" * 96, True), ("a" * 97, False), ("../etc/passwd", False), ("a/../b", False),
    ("a//b", False), ("a/b/c", False), ("/abs", False), ("-flag", False),
    ("acme%2Fx", False), ("ev\x1bil/x", False), ("ａcme/x", False), ("a/b\n", False), ("", False),
])
def test_only_hub_shaped_ids_pass(text: str, ok: bool) -> None:
    assert is_hub_id(text) is ok


def test_a_sibling_folder_with_the_same_prefix_is_outside(tmp_path: Path) -> None:
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj2").mkdir()
    (tmp_path / "proj2" / "secret.txt").write_text("s")
    os.symlink("../proj2/secret.txt", tmp_path / "proj" / "link.txt")
    guard = Boundary(tmp_path / "proj")
    assert not guard.inside(tmp_path / "proj" / "link.txt")
    assert guard.read_text(tmp_path / "proj" / "link.txt") is None
    assert guard.warnings == ["link.txt: a symbolic link that leads outside the scanned folder: "
                              "not read"]


def test_a_scanned_root_that_is_itself_a_link_is_followed(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.py").write_text("x = 1\n")
    os.symlink("real", tmp_path / "alias")
    guard = Boundary(tmp_path / "alias")
    assert guard.read_text(tmp_path / "alias" / "a.py") == "x = 1\n"
    assert guard.warnings == []


def test_one_warning_per_path(tmp_path: Path) -> None:
    guard = Boundary(tmp_path)
    for _ in range(3):
        assert guard.read_text(tmp_path / "missing.py") is None
    assert len(guard.warnings) == 1


def test_names_that_are_not_utf8_become_replacement_characters() -> None:
    assert readable(os.fsdecode(b"a\xff.py")) == "a\ufffd.py"
    assert readable("plain/ok.py") == "plain/ok.py"
