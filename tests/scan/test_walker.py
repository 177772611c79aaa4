"""The walker sees a checkout as git does: ignored files, tooling folders and binaries stay out."""

from __future__ import annotations

from pathlib import Path

import pytest

from ptmx.scan.walker import IgnoreMatcher, WalkStats, walk


def _write(root: Path, rel: str, text: str | bytes = "x = 1\n") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def _walked(root: Path, **kwargs: object) -> set[str]:
    return {p.as_posix() for p in walk(root, **kwargs)}  # type: ignore[arg-type]


@pytest.mark.parametrize(("pattern", "path", "is_dir", "ignored"), [
    ("*.log", "a.log", False, True),
    ("*.log", "deep/down/a.log", False, True),          # unanchored: any depth
    ("/build", "build", True, True),
    ("/build", "src/build", True, False),               # anchored to the .gitignore's folder
    ("docs/*.md", "docs/a.md", False, True),
    ("docs/*.md", "docs/sub/a.md", False, False),       # "*" does not cross "/"
    ("docs/**/*.md", "docs/sub/deeper/a.md", False, True),
    ("**/cache", "a/b/cache", True, True),
    ("out/", "out", True, True),
    ("out/", "out", False, False),                      # trailing "/" matches folders only
    ("a?c.py", "abc.py", False, True),
    ("[0-9].txt", "7.txt", False, True),
    ("\\#notes", "#notes", False, True),
])
def test_gitignore_patterns(pattern: str, path: str, is_dir: bool, ignored: bool) -> None:
    matcher = IgnoreMatcher()
    matcher.add("", pattern)
    assert matcher.ignored(path, is_dir) is ignored


def test_negation_and_last_match_wins() -> None:
    matcher = IgnoreMatcher()
    matcher.add("", "*.py\n!keep.py\n# a comment\n\n")
    assert matcher.ignored("drop.py", False)
    assert not matcher.ignored("keep.py", False)


def test_walk_honours_gitignore_files_at_every_level(tmp_path: Path) -> None:
    _write(tmp_path, ".gitignore", "outputs/\n*.log\nscratch_*.py\n!scratch_keep.py\n")
    _write(tmp_path, "app/main.py")
    _write(tmp_path, "outputs/run1/model.py")
    _write(tmp_path, "debug.log", "log\n")
    _write(tmp_path, "scratch_try.py")
    _write(tmp_path, "scratch_keep.py")
    _write(tmp_path, "app/.gitignore", "generated.py\n")
    _write(tmp_path, "app/generated.py")
    _write(tmp_path, "other/generated.py")  # the nested rule applies only under app/
    stats = WalkStats()
    found = _walked(tmp_path, stats=stats)
    assert {"app/main.py", "scratch_keep.py", "other/generated.py"} <= found
    assert not found & {"outputs/run1/model.py", "debug.log", "scratch_try.py",
                        "app/generated.py"}
    assert stats.ignored == 4


def test_walk_skips_vcs_virtualenvs_node_modules_and_caches(tmp_path: Path) -> None:
    _write(tmp_path, "main.py")
    _write(tmp_path, ".git/hooks/pre-commit.py")
    _write(tmp_path, "node_modules/pkg/index.py")
    _write(tmp_path, "__pycache__/main.py")
    # A virtualenv under any name is recognised by its pyvenv.cfg, a conda env by conda-meta/.
    _write(tmp_path, "py311/pyvenv.cfg", "home = /usr/bin\n")
    _write(tmp_path, "py311/lib/python3.11/site-packages/transformers/x.py")
    _write(tmp_path, "env-conda/conda-meta/history", "")
    _write(tmp_path, "env-conda/lib/y.py")
    _write(tmp_path, "pkg.egg-info/PKG-INFO.py")
    stats = WalkStats()
    assert _walked(tmp_path, stats=stats) == {"main.py"}
    assert {".git", "node_modules", "__pycache__", "py311", "env-conda",
            "pkg.egg-info"} <= set(stats.skipped_dirs)


def test_walk_skips_binaries_and_large_files(tmp_path: Path) -> None:
    _write(tmp_path, "ok.py")
    _write(tmp_path, "weights.safetensors", "not really weights\n")
    _write(tmp_path, "blob.dat", b"abc\x00def")
    _write(tmp_path, "huge.json", "[" + "1," * 600 + "1]")
    stats = WalkStats()
    assert _walked(tmp_path, stats=stats, max_bytes=1000) == {"ok.py"}
    assert stats.binary == 2
    assert stats.too_large == ["huge.json"]


def test_outer_gitignore_applies_when_scanning_a_subfolder(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    _write(tmp_path, ".gitignore", "*.tmp.py\n/sub/private/\n")
    _write(tmp_path, "sub/a.py")
    _write(tmp_path, "sub/b.tmp.py")
    _write(tmp_path, "sub/private/c.py")
    assert _walked(tmp_path / "sub") == {"a.py"}
