"""What a hub repository *ships*: its weight files, their formats, and the risks they carry.

:func:`artifacts_from` reads the answer's ``siblings`` (file names, with sizes when the hub gave
them), ``safetensors`` (parameters by dtype), ``gguf`` (architecture, context length, size) and
``securityRepoStatus`` (the hub's own scan), and returns :class:`Artifacts`:

- ``weights``: the repository's kind of weights, one of :data:`WEIGHT_KINDS`
  (``safetensors``, ``pickle``, ``gguf``, ``onnx``, ``adapter``, ``other``, ``none``;
  ``unknown`` when the answer carries no file list);
- ``risks``: :class:`Risk` findings (``pickle-weights``, ``hub-scan-issues``,
  ``license-link-missing``, ``no-weights``), each with a severity, an explanation and a fix;
- ``relation_hint``: the relation the files imply (``adapter`` for adapter-only repositories,
  ``quantized`` for GGUF/GPTQ/AWQ/EXL2 ones), which :mod:`ptmx.hub.models` uses to correct the
  hub's tag.

Pickle-based files (``.bin``, ``.pt``, ``.pth``, ``.ckpt``, ``.pkl``) run code when loaded with
``torch.load``/``pickle``: a repository that ships weights *only* that way is a supply-chain risk.
"""

from __future__ import annotations

import posixpath
from dataclasses import asdict, dataclass, field
from typing import Any

from ptmx.cards.vocabulary import Severity

WEIGHT_KINDS = ("safetensors", "pickle", "gguf", "onnx", "adapter", "other", "none", "unknown")

_PICKLE_EXT = (".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle")
_OTHER_EXT = {".h5": "keras", ".keras": "keras", ".msgpack": "flax", ".tflite": "tflite",
              ".mlmodel": "coreml", ".pb": "tensorflow", ".ggml": "ggml", ".nemo": "nemo",
              ".npz": "numpy"}
# Pickle files that are training state, not weights (still pickle, but not what a user loads).
_NOT_WEIGHTS = ("training_args.bin", "optimizer.pt", "scheduler.pt", "scaler.pt",
                "rng_state.pth", "optimizer.bin")
_ADAPTER_CONFIG = "adapter_config.json"
_QUANT_MARKERS = ("gptq", "awq", "exl2")
_QUANT_FILES = ("quantize_config.json", "quant_config.json", "measurement.json")


@dataclass
class Risk:
    """One thing about the files a reviewer must act on."""

    id: str
    severity: Severity
    explanation: str
    fix: str
    files: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        data = asdict(self)
        data["severity"] = str(self.severity)
        return data


@dataclass
class WeightFile:
    """One weight file of the repository."""

    path: str
    format: str  # safetensors | pickle | gguf | onnx | keras | flax | ...
    size: int | None  # bytes (with blobs=true; LFS size preferred)
    adapter: bool = False


@dataclass
class Artifacts:
    """The repository's files as a supply-chain reviewer reads them."""

    weights: str  # one of WEIGHT_KINDS
    formats: list[str]  # every weight format present, most common first
    files: list[WeightFile]
    file_count: int | None  # siblings listed (None: the answer had no file list)
    weights_size: int | None  # bytes of the weight files, when the hub gave sizes
    adapter_only: bool
    quantized: list[str]  # what says "quantized": gguf, gptq, awq, exl2
    dtypes: dict[str, int]  # safetensors parameters by dtype (BF16, F8_E4M3, ...)
    parameters: int | None  # safetensors or gguf total
    gguf: dict[str, Any]  # architecture, context_length, total, size
    security: dict[str, Any] | None  # the hub's own scan: scans_done, files_with_issues
    risks: list[Risk]

    @property
    def pickle_only(self) -> bool:
        """Weights exist and every one of them is pickle-based."""
        return bool(self.files) and all(f.format == "pickle" for f in self.files)

    @property
    def relation_hint(self) -> str | None:
        """The relation the files imply: adapter, quantized, or None."""
        if self.adapter_only:
            return "adapter"
        if self.quantized:
            return "quantized"
        return None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return {
            "weights": self.weights, "formats": self.formats, "pickle_only": self.pickle_only,
            "adapter_only": self.adapter_only, "quantized": self.quantized,
            "file_count": self.file_count, "weights_size": self.weights_size,
            "files": [asdict(f) for f in self.files], "dtypes": self.dtypes,
            "parameters": self.parameters, "gguf": self.gguf, "security": self.security,
            "risks": [r.to_dict() for r in self.risks], "relation_hint": self.relation_hint,
        }


def _size(sibling: dict[str, Any]) -> int | None:
    lfs = sibling.get("lfs")
    for value in (lfs.get("size") if isinstance(lfs, dict) else None, sibling.get("size")):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def weight_format(path: str) -> str | None:
    """The weight format of one file name, or None if it is not a weight file."""
    name = posixpath.basename(path).lower()
    if name in _NOT_WEIGHTS or name.startswith("rng_state"):
        return None
    ext = posixpath.splitext(name)[1]
    if ext == ".safetensors":
        return "safetensors"
    if ext == ".gguf":
        return "gguf"
    if ext == ".onnx" or name.endswith(".onnx_data"):
        return "onnx"
    if ext in _PICKLE_EXT:
        return "pickle"
    return _OTHER_EXT.get(ext)


def _siblings(payload: dict[str, Any]) -> list[dict[str, Any]] | None:
    raw = payload.get("siblings")
    if not isinstance(raw, list):
        return None
    return [s for s in raw if isinstance(s, dict) and isinstance(s.get("rfilename"), str)]


def _quantized(repo_id: str, tags: list[str], names: list[str], files: list[WeightFile]
               ) -> list[str]:
    found = ["gguf"] if any(f.format == "gguf" for f in files) else []
    lowered = [t.lower() for t in tags] + [repo_id.lower()] + [n.lower() for n in names]
    for marker in _QUANT_MARKERS:
        if any(marker in text for text in lowered):
            found.append(marker)
    if not found and any(posixpath.basename(n) in _QUANT_FILES for n in names):
        found.append("gptq")
    return found


def _dtypes(payload: dict[str, Any]) -> tuple[dict[str, int], int | None]:
    raw = payload.get("safetensors")
    if not isinstance(raw, dict):
        return {}, None
    params = raw.get("parameters")
    dtypes = {str(k): v for k, v in params.items()
              if isinstance(v, int) and not isinstance(v, bool)} if isinstance(params, dict) else {}
    total = raw.get("total")
    return dict(sorted(dtypes.items(), key=lambda kv: -kv[1])), \
        total if isinstance(total, int) and not isinstance(total, bool) else None


def _gguf(payload: dict[str, Any]) -> dict[str, Any]:
    raw = payload.get("gguf")
    if not isinstance(raw, dict):
        return {}
    facts: dict[str, Any] = {}
    for key in ("architecture", "context_length", "total", "size"):
        value = raw.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool):
            facts[key] = value
    return facts


def _security(payload: dict[str, Any]) -> dict[str, Any] | None:
    raw = payload.get("securityRepoStatus")
    if not isinstance(raw, dict):
        return None
    issues = []
    for item in raw.get("filesWithIssues") or []:
        if isinstance(item, dict) and isinstance(item.get("path"), str):
            issues.append({"path": item["path"], "level": str(item.get("level") or "unknown")})
    return {"scans_done": bool(raw.get("scansDone")), "files_with_issues": issues}


def _risks(art: Artifacts, names: set[str], license_link: str | None) -> list[Risk]:
    risks: list[Risk] = []
    if art.pickle_only:
        risks.append(Risk(
            "pickle-weights", Severity.IMPORTANT,
            "the repository ships its weights only in pickle-based files; loading them "
            "(torch.load, pickle) can run arbitrary code",
            "prefer a safetensors revision, or pin and scan it",
            [f.path for f in art.files]))
    if art.security and art.security["files_with_issues"]:
        flagged = art.security["files_with_issues"]
        risks.append(Risk(
            "hub-scan-issues", Severity.CRITICAL,
            f"the hub's own security scan flags {len(flagged)} file(s)",
            "do not load the flagged files; read the hub's scan report for the repository",
            [f["path"] for f in flagged]))
    link = (license_link or "").strip()
    if link and "://" not in link and not link.startswith("#"):
        target = posixpath.normpath(link.lstrip("./") or link)
        if art.file_count is not None and target not in names:
            risks.append(Risk(
                "license-link-missing", Severity.IMPORTANT,
                f"the card's license_link points to {target!r}, which the repository does "
                "not contain",
                "ask the authors to add the license file, or get the terms elsewhere before use",
                [target]))
    if art.weights == "none":
        risks.append(Risk(
            "no-weights", Severity.NICE,
            "the repository has no weight files (code, a config, or weights hosted elsewhere)",
            "check where the weights a loader fetches really come from"))
    return risks


def artifacts_from(payload: dict[str, Any], *, repo_id: str, tags: list[str],
                   license_link: str | None) -> Artifacts:
    """Classify the repository's files from an /api/models/{id} answer."""
    siblings = _siblings(payload)
    names = [s["rfilename"] for s in siblings or []]
    files = []
    for sibling in siblings or []:
        fmt = weight_format(sibling["rfilename"])
        if fmt is not None:
            base = posixpath.basename(sibling["rfilename"]).lower()
            files.append(WeightFile(sibling["rfilename"], fmt, _size(sibling),
                                    adapter=base.startswith("adapter_model")))
    has_adapter_config = any(posixpath.basename(n) == _ADAPTER_CONFIG for n in names)
    adapter_only = has_adapter_config and bool(files) and all(f.adapter for f in files)
    counts: dict[str, int] = {}
    for f in files:
        counts[f.format] = counts.get(f.format, 0) + 1
    formats = sorted(counts, key=lambda k: (-counts[k], k))
    dtypes, st_total = _dtypes(payload)
    gguf = _gguf(payload)
    gguf_total = gguf.get("total")
    sizes = [f.size for f in files]
    weights = _kind(siblings is not None, adapter_only, formats)
    art = Artifacts(
        weights=weights, formats=formats, files=files,
        file_count=len(names) if siblings is not None else None,
        weights_size=sum(s for s in sizes if s is not None) if sizes and all(
            s is not None for s in sizes) else None,
        adapter_only=adapter_only, quantized=_quantized(repo_id, tags, names, files),
        dtypes=dtypes,
        parameters=st_total if st_total is not None else (
            gguf_total if isinstance(gguf_total, int) else None),
        gguf=gguf, security=_security(payload), risks=[])
    art.risks = _risks(art, set(names), license_link)
    return art


def _kind(listed: bool, adapter_only: bool, formats: list[str]) -> str:
    if not listed:
        return "unknown"
    if adapter_only:
        return "adapter"
    for kind in ("safetensors", "gguf", "onnx", "pickle"):
        if kind in formats:
            return kind
    return "other" if formats else "none"
