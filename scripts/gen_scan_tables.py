"""Generate the timm and open_clip tables ``ptmx scan`` uses to resolve pretrained weights.

The tables are read from the libraries' own source, without importing them (no torch needed):

    pip download timm open_clip_torch --no-deps -d /tmp/wheels
    python scripts/gen_scan_tables.py /tmp/wheels/timm-*.whl /tmp/wheels/open_clip_torch-*.whl

- timm: every ``generate_default_cfgs({...})`` in ``timm/models/*.py``; an architecture's default
  tag follows timm's own rule (``timm.models._registry.generate_default_cfgs``): an untagged entry
  with weights, or the first ``*``-marked tag, else the first tag that has weights. The Hub id is
  ``hf_hub_id`` (``timm/`` + ``arch.tag`` when it ends with ``/``); entries without one load from a
  URL, not the Hub.
- open_clip: ``_PRETRAINED`` in ``open_clip/pretrained.py``: ``(arch, tag)`` → the ``hf_hub``
  repository.

Writes ``ptmx/scan/data/timm_defaults.json`` and ``ptmx/scan/data/open_clip_pretrained.json``
with the library versions stated. Deterministic: same wheels, same bytes.
"""

from __future__ import annotations

import ast
import json
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "ptmx" / "scan" / "data"


def _version(zf: zipfile.ZipFile) -> str:
    for name in zf.namelist():
        if name.endswith(".dist-info/METADATA"):
            m = re.search(r"^Version: (\S+)", zf.read(name).decode(), re.M)
            if m:
                return m.group(1)
    return "unknown"


def _kw_str(call: ast.expr, names: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    if isinstance(call, ast.Call):
        for k in call.keywords:
            if k.arg in names and isinstance(k.value, ast.Constant) and isinstance(k.value.value,
                                                                                   str):
                out[k.arg] = k.value.value
    elif isinstance(call, ast.Dict):
        for key, val in zip(call.keys, call.values, strict=True):
            if (isinstance(key, ast.Constant) and key.value in names
                    and isinstance(val, ast.Constant) and isinstance(val.value, str)):
                out[str(key.value)] = val.value
    return out


def timm_table(wheel: Path) -> dict[str, Any]:
    zf = zipfile.ZipFile(wheel)
    archs: dict[str, dict[str, Any]] = {}
    for name in sorted(zf.namelist()):
        if not re.match(r"^timm/models/[^/]+\.py$", name):
            continue
        tree = ast.parse(zf.read(name).decode("utf-8"))
        dicts = {s.targets[0].id: s.value for s in tree.body if isinstance(s, ast.Assign)
                 and isinstance(s.targets[0], ast.Name) and isinstance(s.value, ast.Dict)}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", "")
                    == "generate_default_cfgs" and node.args):
                continue
            cfgs = node.args[0]
            if isinstance(cfgs, ast.Name):
                cfgs = dicts.get(cfgs.id, cfgs)
            if not isinstance(cfgs, ast.Dict):
                continue
            for key, val in zip(cfgs.keys, cfgs.values, strict=True):
                if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                    continue
                _add_timm(archs, key.value, _kw_str(val, ("hf_hub_id", "url", "file")))
    models = {}
    for arch, d in sorted(archs.items()):
        if d["default"] is None:
            continue
        tag = d["default"]
        models[arch] = {"tag": tag, "hub": d["hubs"].get(tag)}
    return {"library": "timm", "version": _version(zf), "models": models}


def _add_timm(archs: dict[str, dict[str, Any]], key: str, cfg: dict[str, str]) -> None:
    arch, _, tag = key.partition(".")
    d = archs.setdefault(arch, {"default": None, "star": False, "hubs": {}})
    has_weights = bool(cfg)
    star = tag.endswith("*")
    tag = tag.rstrip("*")
    hub = cfg.get("hf_hub_id")
    if hub:
        d["hubs"][tag] = hub + (f"{arch}.{tag}" if tag else arch) if hub.endswith("/") else hub
    if (has_weights and not tag) or (star and not d["star"]):
        d["default"], d["star"] = tag, True
    elif has_weights and d["default"] is None:
        d["default"] = tag


def open_clip_table(wheel: Path) -> dict[str, Any]:
    zf = zipfile.ZipFile(wheel)
    name = next(n for n in zf.namelist() if n.endswith("open_clip/pretrained.py"))
    tree = ast.parse(zf.read(name).decode("utf-8"))
    named: dict[str, ast.expr] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name):
            named[stmt.targets[0].id] = stmt.value
    table = named["_PRETRAINED"]
    assert isinstance(table, ast.Dict)
    out: dict[str, dict[str, str]] = {}
    for key, val in zip(table.keys, table.values, strict=True):
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            continue
        if isinstance(val, ast.Name):
            val = named.get(val.id, val)
        tags: dict[str, str] = {}
        for tag, cfg in _entries(val):
            hub = _kw_str(cfg, ("hf_hub",)).get("hf_hub")
            if hub:
                tags[tag] = "/".join(hub.strip("/").split("/")[:2])
        if tags:
            out[key.value] = dict(sorted(tags.items()))
    return {"library": "open_clip_torch", "version": _version(zf), "models": dict(sorted(out.items()))}


def _entries(val: ast.expr) -> list[tuple[str, ast.expr]]:
    if isinstance(val, ast.Call) and getattr(val.func, "id", "") == "dict":
        return [(k.arg, k.value) for k in val.keywords if k.arg]
    if isinstance(val, ast.Dict):
        return [(k.value, v) for k, v in zip(val.keys, val.values, strict=True)
                if isinstance(k, ast.Constant) and isinstance(k.value, str)]
    return []


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    timm = timm_table(Path(argv[0]))
    oc = open_clip_table(Path(argv[1]))
    OUT.mkdir(parents=True, exist_ok=True)
    for fname, data in (("timm_defaults.json", timm), ("open_clip_pretrained.json", oc)):
        (OUT / fname).write_text(json.dumps(data, indent=0, sort_keys=False) + "\n")
        print(f"{fname}: {data['library']} {data['version']}, {len(data['models'])} architectures")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
