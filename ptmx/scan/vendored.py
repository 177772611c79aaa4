"""Which parts of a checkout are copies of someone else's library, not the project's own code.

A model named inside a vendored copy of transformers (its archive maps, doc checkpoints, tests) is
not a model the project loads. A folder is set aside when it is

- a vendoring folder: ``third_party``, ``vendor``, ``external``, ``site-packages`` …;
- a package of a known ML library (``transformers/``, ``pytorch_pretrained_bert/``, ``midas/`` …)
  with an ``__init__.py``, either nested below the project's top level or declaring its own
  ``__version__`` (a top-level package without one is the project itself, e.g. MiDaS's ``midas/``);
- a checkout of a known library: a folder (not the scanned root) whose ``setup.py``,
  ``setup.cfg`` or ``pyproject.toml`` names it. Everything in it is set aside except the shell
  scripts at its top, which are the project's own runs next to the copy.

The decision is made once per folder and cached, so the cost does not grow with the file count.
Library *catalogues* inside a file (archive maps, ``_CHECKPOINT_FOR_DOC``, tables of supported
models) are recognised by the Python detector (:mod:`ptmx.scan.detect`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ptmx.scan.boundary import Boundary

VENDOR_DIRS = frozenset({
    "third_party", "third-party", "thirdparty", "3rdparty", "vendor", "vendors", "vendored",
    "_vendor", "external", "externals", "extern", "site-packages", "dist-packages",
})

# Package (import) names of ML libraries that projects copy into their trees.
LIBRARY_PACKAGES = frozenset({
    "transformers", "pytorch_pretrained_bert", "pytorch_transformers", "diffusers", "timm",
    "open_clip", "sentence_transformers", "peft", "accelerate", "fairseq", "mmcv", "mmseg",
    "mmdet", "midas", "detectron2", "allennlp", "flair", "huggingface_hub", "tokenizers",
    "datasets", "lavis", "torchvision", "trl", "deepspeed", "megatron", "apex", "clip",
    "taming", "k_diffusion", "xformers", "bitsandbytes", "openai_clip", "segment_anything",
})

# Distribution names (as in setup.py name=...) of the same libraries.
_DIST_NAME = re.compile(r"""(?m)^\s*name\s*=\s*["']?(?P<name>[A-Za-z0-9_.-]+)""")
_SETUP_NAME = re.compile(r"""\bname\s*=\s*["'](?P<name>[A-Za-z0-9_.-]+)["']""")
_VERSION = re.compile(r"(?m)^__version__\s*=")
_SHELL_SUFFIXES = (".sh", ".bash", ".zsh")


def _norm(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


_DISTRIBUTIONS = frozenset(_norm(n) for n in LIBRARY_PACKAGES) | {
    "open_clip_torch", "sentence_transformers", "timm", "segment_anything", "pytorch_pretrained_bert"}


@dataclass
class VendorMap:
    """Answers "is this file part of a vendored library copy, and which" for one scan root."""

    root: Path
    boundary: Boundary | None = None
    _folders: dict[str, tuple[str, str] | None] = field(default_factory=dict)

    def reason(self, rel: str) -> str | None:
        """Why the file ``rel`` (posix, relative to the root) is vendored, or None."""
        parts = rel.split("/")
        folder = ""
        for depth, name in enumerate(parts[:-1], 1):
            folder = f"{folder}/{name}" if folder else name
            verdict = self._folder(folder, name, depth)
            if verdict is None:
                continue
            kind, why = verdict
            if kind == "checkout" and depth == len(parts) - 1 \
                    and parts[-1].endswith(_SHELL_SUFFIXES):
                return None  # the project's own run script next to a library checkout
            return why
        return None

    def folder_of(self, rel: str) -> str | None:
        """The vendored folder that holds ``rel`` (for the summary), or None."""
        parts = rel.split("/")
        folder = ""
        for depth, name in enumerate(parts[:-1], 1):
            folder = f"{folder}/{name}" if folder else name
            if self._folder(folder, name, depth) is not None:
                return folder
        return None

    def _folder(self, folder: str, name: str, depth: int) -> tuple[str, str] | None:
        if folder in self._folders:
            return self._folders[folder]
        verdict = self._classify(folder, name, depth)
        self._folders[folder] = verdict
        return verdict

    def _classify(self, folder: str, name: str, depth: int) -> tuple[str, str] | None:
        if name.lower() in VENDOR_DIRS:
            return "dir", f"inside a '{name}' folder ({folder})"
        full = os.path.join(self.root, folder)
        init = os.path.join(full, "__init__.py")
        if _norm(name) in LIBRARY_PACKAGES and os.path.isfile(init):
            text = self._read(init)
            if depth >= 2 or (text is not None and _VERSION.search(text)):
                return "package", f"a copy of the {name} library ({folder})"
        lib = self._checkout_of(full, folder)
        if lib:
            return "checkout", f"a checkout of the {lib} library ({folder})"
        return None

    def _checkout_of(self, full: str, folder: str) -> str | None:
        for meta in ("setup.py", "setup.cfg", "pyproject.toml"):
            path = os.path.join(full, meta)
            if not os.path.isfile(path):
                continue
            text = self._read(path) or ""
            for m in _SETUP_NAME.finditer(text):
                if _norm(m.group("name")) in _DISTRIBUTIONS:
                    return m.group("name")
            m2 = _DIST_NAME.search(text) if meta != "setup.py" else None
            if m2 and _norm(m2.group("name")) in _DISTRIBUTIONS:
                return m2.group("name")
        return None

    def _read(self, path: str) -> str | None:
        if self.boundary is not None:
            rel = os.path.relpath(path, self.root)
            return self.boundary.read_text(Path(path), rel)
        try:
            with open(path, encoding="utf-8", errors="replace") as fh:
                return fh.read(200_000)
        except OSError:
            return None
