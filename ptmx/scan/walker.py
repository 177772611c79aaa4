"""Walk a local checkout the way git sees it: .gitignore honoured, tooling and binaries skipped.

The matcher implements the gitignore rules that matter in practice (anchoring, ``**``, negation,
directory-only patterns, per-directory files where the deepest and last pattern wins) rather than
pulling in a dependency. A directory that is ignored is pruned, so — as in git — nothing under it
can be re-included.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ptmx.scan.boundary import Boundary, readable

# Directories that never hold the project's own code: VCS data, caches, installed packages.
SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", ".bzr", "node_modules", "__pycache__", ".tox", ".nox", ".mypy_cache",
    ".pytest_cache", ".ruff_cache", ".ipynb_checkpoints", "site-packages", ".venv", "venv",
    ".eggs", ".direnv", ".hypothesis", "bower_components",
})

# Extensions that are binary or data by nature: checked before reading a byte.
BINARY_SUFFIXES = frozenset({
    ".bin", ".safetensors", ".pt", ".pth", ".ckpt", ".onnx", ".h5", ".hdf5", ".pb", ".tflite",
    ".pkl", ".pickle", ".joblib", ".npy", ".npz", ".gguf", ".ggml", ".msgpack", ".model",
    ".parquet", ".arrow", ".feather", ".db", ".sqlite", ".zip", ".gz", ".tgz", ".bz2", ".xz",
    ".7z", ".tar", ".whl", ".egg", ".jar", ".so", ".dll", ".dylib", ".pyc", ".pyo", ".o", ".a",
    ".exe", ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".ico", ".webp", ".tif", ".tiff", ".pdf",
    ".mp3", ".mp4", ".wav", ".flac", ".ogg", ".avi", ".mov", ".mkv", ".woff", ".woff2", ".ttf",
    ".otf", ".eot",
})

DEFAULT_MAX_BYTES = 2_000_000  # bigger text files are generated data, not code


def is_virtualenv(path: str | Path) -> bool:
    """A virtualenv or conda environment, whatever its folder is called."""
    # os.path on strings: pathlib re-parses long paths (1,000 nested folders) at every step.
    return (os.path.isfile(os.path.join(path, "pyvenv.cfg"))
            or os.path.isdir(os.path.join(path, "conda-meta")))


# -- gitignore ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Rule:
    regex: re.Pattern[str]
    negate: bool
    dir_only: bool


def _glob_to_regex(glob: str) -> str:
    """One gitignore glob (no leading/trailing slash handling) → regex text for a relative path."""
    out: list[str] = []
    i, n = 0, len(glob)
    while i < n:
        c = glob[i]
        if c == "*":
            if glob.startswith("**", i):
                before_ok = i == 0 or glob[i - 1] == "/"
                after = glob[i + 2:i + 3]
                if before_ok and after == "/":
                    out.append("(?:.*/)?")  # "**/" : zero or more leading directories
                    i += 3
                    continue
                if before_ok and i + 2 == n:
                    out.append(".*")  # trailing "/**" : everything inside
                    i += 2
                    continue
                out.append("[^/]*")  # any other "**" acts like "*"
                i += 2
                continue
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = i + 1
            if j < n and glob[j] in "!^":
                j += 1
            if j < n and glob[j] == "]":
                j += 1
            while j < n and glob[j] != "]":
                j += 1
            if j >= n:
                out.append(re.escape(c))  # unterminated class: a literal "["
            else:
                body = glob[i + 1:j]
                if body[:1] in ("!", "^"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = j
        elif c == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(glob[i]))
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


def parse_gitignore(text: str, bad: list[str] | None = None) -> list[_Rule]:
    """The rules of one .gitignore file, in file order; patterns that do not compile (such as
    ``[z-a]``) are left out and listed in ``bad``."""
    rules: list[_Rule] = []
    for raw in text.splitlines():
        line = raw.rstrip("\n\r")
        # Trailing spaces are ignored unless escaped with a backslash.
        stripped = line.rstrip(" ")
        if stripped.endswith("\\") and len(line) > len(stripped):
            stripped += " "
        line = stripped
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        if negate:
            line = line[1:]
        elif line.startswith("\\"):
            line = line[1:]  # "\#" and "\!" are literal
        dir_only = line.endswith("/")
        line = line.rstrip("/")
        if not line:
            continue
        # A slash at the start or in the middle anchors the pattern to the .gitignore's folder.
        anchored = "/" in line
        line = line.lstrip("/")
        body = _glob_to_regex(line)
        regex = f"^{body}$" if anchored else f"^(?:.*/)?{body}$"
        try:
            rules.append(_Rule(re.compile(regex), negate, dir_only))
        except re.error:
            if bad is not None:
                bad.append(raw.strip())
    return rules


@dataclass
class IgnoreMatcher:
    """Every .gitignore that applies to a tree; ask it whether a relative path is ignored."""

    # (folder relative to the scan root, posix, "" for the root; its rules) — outermost first.
    layers: list[tuple[str, list[_Rule]]] = field(default_factory=list)

    def add(self, folder: str, text: str) -> list[str]:
        """Add the rules of the .gitignore that lives in ``folder`` (relative, posix); returns
        the patterns that are not valid (they are left out)."""
        bad: list[str] = []
        rules = parse_gitignore(text, bad)
        if rules:
            self.layers.append((folder, rules))
        return bad

    def ignored(self, rel: str, is_dir: bool) -> bool:
        """Whether ``rel`` (posix, relative to the scan root) is ignored; the last match wins."""
        verdict = False
        for folder, rules in self.layers:
            if folder:
                if not rel.startswith(folder + "/"):
                    continue
                sub = rel[len(folder) + 1:]
            else:
                sub = rel
            for rule in rules:
                if rule.dir_only and not is_dir:
                    continue
                if rule.regex.match(sub):
                    verdict = not rule.negate
        return verdict


def _outer_gitignores(root: Path) -> IgnoreMatcher:
    """Rules from the enclosing git work tree, when ``root`` is a folder inside one.

    Patterns of an outer .gitignore are rebased so that they apply relative to ``root``;
    only the simple cases (unanchored patterns, or anchored ones below ``root``) survive.
    """
    matcher = IgnoreMatcher()
    top: Path | None = None
    for parent in [root, *root.parents]:
        if (parent / ".git").exists():
            top = parent
            break
    if top is None:
        return matcher
    exclude = top / ".git" / "info" / "exclude"
    outer: list[Path] = [] if top == root else [top, *[p for p in root.parents if top in p.parents]]
    texts: list[tuple[Path, str]] = []
    if exclude.is_file():
        texts.append((top, _read_text(exclude)))
    for folder in sorted(set(outer), key=lambda p: len(p.parts)):
        gi = folder / ".gitignore"
        if gi.is_file():
            texts.append((folder, _read_text(gi)))
    for folder, text in texts:
        prefix = root.relative_to(folder).as_posix()
        prefix = "" if prefix == "." else prefix
        rules = []
        for rule in parse_gitignore(text):
            pattern = rule.regex.pattern
            if not prefix or pattern.startswith("^(?:.*/)?"):
                rules.append(rule)  # unanchored: applies at any depth, also below root
            elif prefix and pattern.startswith("^" + re.escape(prefix + "/")):
                rebased = "^" + pattern[len("^" + re.escape(prefix + "/")):]
                rules.append(_Rule(re.compile(rebased), rule.negate, rule.dir_only))
        if rules:
            matcher.layers.append(("", rules))
    return matcher


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


# -- walking -----------------------------------------------------------------------------------
@dataclass
class WalkStats:
    """What the walk left out, so a report can say so."""

    files: int = 0
    ignored: int = 0
    skipped_dirs: list[str] = field(default_factory=list)
    binary: int = 0
    too_large: list[str] = field(default_factory=list)
    # Paths not read (links out of the folder, unreadable, special files, bad patterns).
    warnings: list[str] = field(default_factory=list)


def is_binary(path: Path, sniff: int = 8192) -> bool:
    """Binary by extension, or a NUL byte in the first ``sniff`` bytes."""
    if path.suffix.lower() in BINARY_SUFFIXES:
        return True
    try:
        with path.open("rb") as fh:
            return b"\0" in fh.read(sniff)
    except OSError:
        return True


def walk(root: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, stats: WalkStats | None = None,
         boundary: Boundary | None = None) -> Iterator[Path]:
    """Text files under ``root`` worth scanning, as paths relative to ``root``, in sorted order.

    Skips what git ignores, VCS folders, virtualenvs, node_modules and caches, binaries and files
    over ``max_bytes``. Symbolic links to folders are not followed (they can loop or leave the
    tree); links to files outside ``root``, special files and unreadable folders are skipped with
    a warning each (in ``boundary.warnings``, by default ``stats.warnings``).
    """
    root = Path(root)
    stats = stats if stats is not None else WalkStats()
    boundary = boundary if boundary is not None else Boundary(root, stats.warnings)
    walker = _Walker(root, max_bytes, stats, boundary)
    # Depth first with an explicit stack: a thousand nested folders are no recursion limit.
    stack = [walker.open_folder("", _outer_gitignores(root.resolve()))]
    while stack:
        folder = stack[-1]
        entry = next(folder.entries, None)
        if entry is None:
            stack.pop()
            continue
        child = f"{folder.rel}/{entry.name}" if folder.rel else entry.name
        kind = walker.kind(entry, child)
        if kind == "dir":
            if walker.keep_folder(entry, child, folder.matcher):
                stack.append(walker.open_folder(child, folder.matcher))
        elif kind == "file" and walker.keep_file(entry, child, folder.matcher):
            stats.files += 1
            yield Path(child)


@dataclass
class _Folder:
    rel: str
    matcher: IgnoreMatcher
    entries: Iterator[os.DirEntry[str]]


@dataclass
class _Walker:
    root: Path
    max_bytes: int
    stats: WalkStats
    boundary: Boundary

    def open_folder(self, rel: str, matcher: IgnoreMatcher) -> _Folder:
        """The folder's sorted entries, with its own .gitignore added to ``matcher``."""
        folder = os.path.join(self.root, rel) if rel else str(self.root)
        gi = os.path.join(folder, ".gitignore")
        if os.path.lexists(gi):
            text = self.boundary.read_text(Path(gi), _join(rel, ".gitignore"))
            if text is not None:
                matcher = IgnoreMatcher(list(matcher.layers))
                for pattern in matcher.add(rel, text):
                    self.boundary.warn(f"{_join(rel, '.gitignore')}: {pattern}",
                                       "not a valid pattern: ignored")
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            self.boundary.warn(rel or ".", f"folder cannot be read ({exc.strerror or exc}): "
                                           "skipped")
            entries = []
        return _Folder(rel, matcher, iter(entries))

    def kind(self, entry: os.DirEntry[str], child: str) -> str | None:
        """dir | file | None (skipped, with a warning when it is more than an inside link)."""
        try:
            if entry.is_dir(follow_symlinks=False):
                return "dir"
            if entry.is_symlink() and os.path.isdir(entry.path):
                # Not followed; one that leads out of the folder is worth saying so.
                if not self.boundary.inside(Path(entry.path)):
                    self.boundary.warn(child, "a symbolic link that leads outside the scanned "
                                              "folder: not read")
                return None
        except OSError as exc:
            self.boundary.warn(child, f"cannot be read ({exc.strerror or exc}): skipped")
            return None
        return "file"

    def keep_folder(self, entry: os.DirEntry[str], child: str, matcher: IgnoreMatcher) -> bool:
        if (entry.name in SKIP_DIRS or entry.name.endswith(".egg-info")
                or is_virtualenv(entry.path)):
            self.stats.skipped_dirs.append(readable(child))
            return False
        if matcher.ignored(child, True):
            self.stats.ignored += 1
            return False
        return True

    def keep_file(self, entry: os.DirEntry[str], child: str, matcher: IgnoreMatcher) -> bool:
        if matcher.ignored(child, False):
            # What git ignores is not the project's: no warning even for a link or a pipe.
            if self._regular(entry):
                self.stats.ignored += 1
            return False
        path = Path(entry.path)
        if not self.boundary.check(path, child):
            return False
        try:
            size = path.stat().st_size
        except OSError:
            return False  # gone since the folder was listed
        if is_binary(path):
            self.stats.binary += 1
            return False
        if size > self.max_bytes:
            self.stats.too_large.append(readable(child))
            return False
        return True


    @staticmethod
    def _regular(entry: os.DirEntry[str]) -> bool:
        try:
            return entry.is_file(follow_symlinks=True)
        except OSError:
            return False


def _join(rel: str, name: str) -> str:
    return f"{rel}/{name}" if rel else name
