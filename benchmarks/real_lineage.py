"""Real Hub lineage for the licence chains (issue 18), from recorded crawls of Hugging Face model trees.

``PYTHONPATH=. python benchmarks/real_lineage.py SOURCE [SOURCE ...] OUT [--sample data] [--json F]``

**Where the data comes from.** No machine here reaches the Hub, so the lineage is read from
recorded crawls of model trees published in the public GitHub repository
``hamidahoderinwale/model_metadata_analyses`` ("Hugging Face Model Trees", Hamidah Oderinwale et
al., McGill; April 2025; the repository states no licence, so its files are read from where you
keep them and never copied into ptmx). Each crawl is a CSV file ``<root>_finetunes_<YYYYMMDD_HHMMSS>.csv``
with one row per model of the tree below ``<root>``: ``model_id``, ``card`` (the README with its
YAML front matter), ``metadata`` (the Hub's model info as JSON: tags, ``card_data``, downloads...),
``depth`` and the URLs of its ``children`` / ``adapters`` / ``quantized`` / ``merges``.

A SOURCE is such a CSV file, a folder (searched for them), or a git directory (``git fetch`` /
a ``--mirror`` clone): then every CSV blob with those columns anywhere in its history is read, since
the repository moved and deleted its data folders over time (commits before 2025-04-28 hold them).

**What is written.** OUT becomes a copy of the bundled sample (``--sample``, default ``data``)
plus a ``hub_models`` part folder in the format ``ptmx hub crawl`` writes (the columns of
``ptmx.hub.snapshot.SCHEMA``, then ``license_link``, ``snapshot``, ``scope``), one row per model
of the trees, built with ptmx's own readers: the card's front matter by
``ptmx.cards.hubcard.split_front_matter`` (``license``, ``license_name``, ``license_link``,
``base_model``), the Hub's tags and the rest by ``ptmx.hub.models.HubModelInfo.from_payload`` and
``ptmx.hub.snapshot.info_row`` (as the crawl does). A model whose card and tags name no base gets
the tree's parent, typed by the list that names it (children → finetune, adapters → adapter,
quantized → quantized, merges → merge). A model crawled several times keeps its newest crawl's
row (``fetched_at`` = the crawl's time stamp, ``snapshot`` its date).

**What is measured** (skip with ``--no-measure``), with ptmx's own code on OUT:

- (a) every base→derived edge of the trees judged as ``licenses audit`` judges an edge (the
  base's effective terms, i.e. its licence and its own chain, derived into the derived model's
  declared licence; ``other`` read through license_name / license_link as ptmx reads an
  ancestor's), per family; the derived models that drop or contradict the base's terms are the
  ``drift`` and ``conflict`` verdicts;
- (b) the sample's link and edge verdicts with and without inheritance, compared record by record
  (``benchmarks/licence_chains.py``'s ``inheritance``), and against the sample alone;
- (c) the unknown+ambiguous share of the derived models' own licences (``verdict_for`` under
  derive with no downstream licence decides whether a licence is known);
- (d) ``licenses audit --suggest`` findings on models whose chain comes from the trees, printed
  for reading.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import re
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ptmx.cards.hubcard import split_front_matter  # noqa: E402
from ptmx.hub.crawl_store import models_schema  # noqa: E402
from ptmx.hub.models import HubModelInfo  # noqa: E402
from ptmx.hub.snapshot import info_row  # noqa: E402

REPO = "hamidahoderinwale/model_metadata_analyses"
_STAMP = re.compile(r"(20\d{6})_(\d{6})")
_LISTS = (("children", "finetune"), ("adapters", "adapter"), ("quantized", "quantized"),
          ("merges", "merge"))
_NEEDED = {"model_id", "metadata"}
# The Hub's info JSON as huggingface_hub serialises it (snake_case) → the API's names, which
# HubModelInfo.from_payload reads.
_RENAME = {"last_modified": "lastModified", "created_at": "createdAt",
           "downloads_all_time": "downloadsAllTime", "trending_score": "trendingScore"}
# Families by the root of a tree (the crawl's file name), for the per-family counts.
FAMILIES = (("Llama 2", r"llama-2"), ("Llama 3", r"llama-3"), ("Llama 4", r"llama-4"),
            ("DeepSeek", r"deepseek|r1-1776|janus"), ("Mistral", r"mistral|deephermes"),
            ("BLOOM", r"bloom"), ("GPT-NeoX", r"neox"), ("Gemma", r"gemma"), ("Phi", r"phi-"),
            ("Stable Diffusion", r"stable-diffusion|stable-video|controlnet|orangemix|openjourney"),
            ("sentence-transformers", r"distiluse|minilm"), ("EXAONE", r"exaone"),
            ("CogVideoX", r"cogvideo"), ("ESM3", r"esm3"), ("Kokoro", r"kokoro"),
            ("other", r"."))


# ------------------------------------------------------------------------------------ reading
class Crawl:
    """One recorded tree: its name (file stem), crawl time, and rows."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        m = _STAMP.search(name)
        self.at = dt.datetime.strptime("".join(m.groups()), "%Y%m%d%H%M%S").replace(
            tzinfo=dt.UTC) if m else dt.datetime(2025, 4, 1, tzinfo=dt.UTC)
        csv.field_size_limit(1 << 30)
        reader = csv.DictReader(io.StringIO(text))
        self.ok = set(reader.fieldnames or ()) >= _NEEDED
        self.rows = list(reader) if self.ok else []
        root = name.split("_finetunes")[0].split("_20")[0]
        self.family = next(f for f, pat in FAMILIES if re.search(pat, root, re.IGNORECASE))


def _git(git_dir: Path, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(git_dir), *args], capture_output=True,
                          text=True, check=False).stdout


def _from_git(git_dir: Path) -> Iterator[Crawl]:
    """Every CSV blob in the history with the tree columns (one per distinct blob)."""
    seen: set[str] = set()
    for commit in _git(git_dir, "rev-list", "--all").split():
        for line in _git(git_dir, "ls-tree", "-r", commit).splitlines():
            meta, _, path = line.partition("\t")
            blob = meta.split()[-1]
            if not path.endswith(".csv") or blob in seen:
                continue
            seen.add(blob)
            text = _git(git_dir, "cat-file", "blob", blob)  # '' when the blob is not stored
            crawl = Crawl(Path(path).name.removesuffix(".csv"), text)
            if crawl.ok and crawl.rows:
                yield crawl


def crawls(sources: Iterable[str]) -> list[Crawl]:
    """The recorded trees in ``sources`` (CSV files, folders, git directories)."""
    out: list[Crawl] = []
    for source in sources:
        path = Path(source)
        if (path / "objects").is_dir() or (path / ".git").is_dir():
            out.extend(_from_git(path / ".git" if (path / ".git").is_dir() else path))
            continue
        files = sorted(path.rglob("*.csv")) if path.is_dir() else [path]
        for f in files:
            crawl = Crawl(f.stem, f.read_text(encoding="utf-8", errors="replace"))
            if crawl.ok and crawl.rows:
                out.append(crawl)
    return out


# ------------------------------------------------------------------------------------ rows
def _ids(cell: str | None) -> list[str]:
    """Model ids from a cell of Hub URLs (``https://huggingface.co/owner/name, ...``)."""
    out = []
    for part in (cell or "").split(","):
        part = part.strip().removeprefix("https://huggingface.co/").strip("/")
        if part.count("/") == 1 and " " not in part:
            out.append(part)
    return out


def _front_matter(row: dict[str, str], meta: dict[str, Any]) -> dict[str, Any]:
    """The card's front matter by ptmx's reader; the Hub's ``card_data`` (the same YAML without
    its fences) when the crawl kept no README."""
    front, _ = split_front_matter(row.get("card") or "")
    if not front and isinstance(meta.get("card_data"), str):
        front, _ = split_front_matter(f"---\n{meta['card_data']}\n---\n")
    elif not front and isinstance(meta.get("card_data"), dict):
        front = meta["card_data"]
    return {k: v for k, v in front.items() if v not in ([], "")}


def payload(row: dict[str, str]) -> dict[str, Any] | None:
    """The recorded model info as an /api/models/{id} answer (None if it holds none)."""
    try:
        meta = json.loads(row.get("metadata") or "")
    except ValueError:
        return None
    if not isinstance(meta, dict):
        return None
    out: dict[str, Any] = {_RENAME.get(str(k), str(k)): v for k, v in meta.items()
           if k not in ("siblings", "card_data", "cardData", "widget_data", "model_index")}
    out["id"] = meta.get("id") or row["model_id"]
    out["cardData"] = _front_matter(row, meta)
    return out


def hub_rows(trees: list[Crawl]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """``hub_models`` rows (newest crawl per model) and each model's tree family."""
    parent: dict[str, tuple[str, str]] = {}
    newest: dict[str, tuple[Crawl, dict[str, str]]] = {}
    family: dict[str, str] = {}
    for crawl in sorted(trees, key=lambda c: c.at):
        for row in crawl.rows:
            model = row["model_id"].strip()
            if not model:
                continue
            newest[model.lower()] = (crawl, row)
            family.setdefault(model.lower(), crawl.family)
            for column, relation in _LISTS:
                for child in _ids(row.get(column)):
                    parent[child.lower()] = (model, relation)
    schema = models_schema()
    out = []
    for key, (crawl, row) in sorted(newest.items()):
        data = payload(row)
        if data is None:
            continue
        try:
            info = HubModelInfo.from_payload(data, data["id"], fetched_at=crawl.at.timestamp(),
                                             source=f"recorded crawl {crawl.name} ({REPO})")
        except (ValueError, TypeError):
            continue
        if not info.base_models and key in parent:  # the tree's parent, typed by its list
            info.base_models = [parent[key][0]]
            info.base_model_relation = parent[key][1]
        elif info.base_models and not info.base_model_relation and key in parent \
                and parent[key][0].lower() in {b.lower() for b in info.base_models}:
            info.base_model_relation = parent[key][1]
        base = info_row(info.id, info)
        record = {name: base.get(name) for name in schema.names}
        record.update(license_link=info.license_link, snapshot=f"{crawl.at:%Y-%m-%d}",
                      scope="all")
        out.append(record)
    return out, family


def build(sources: list[str], out: Path, sample: Path) -> tuple[list[dict[str, Any]], dict[str, str],
                                                                   list[Crawl]]:
    """OUT = the sample + the trees as ``hub_models``; returns the rows, families and crawls."""
    trees = crawls(sources)
    if not trees:
        raise SystemExit(f"no recorded model trees found in {', '.join(sources)}")
    rows, family = hub_rows(trees)
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(sample, out)
    (out / "hub_models").mkdir()
    pq.write_table(pa.Table.from_pylist(rows, schema=models_schema()),
                   out / "hub_models" / "part-real-000000.parquet")
    return rows, family, trees


# ------------------------------------------------------------------------------------ measuring
# What a licence requires of every derivative (ptmx.licenses.imposes) that the literature counts
# as a restrictive clause: attribution alone is not one.
_RESTRICTIVE = ("non-commercial", "use restrictions", "keep the ", "user cap", "no derivatives",
                "copyleft")


def _restrictive(licenses: Iterable[str | None]) -> bool:
    from ptmx.licenses import imposes

    return any(t.startswith(_RESTRICTIVE) or " copyleft" in t
               for lic in licenses for t in imposes(lic))


def _edge_columns(rows: list[dict[str, Any]], dataset: dict[str, dict[str, Any]]
                  ) -> dict[str, list[Any]]:
    """Every base edge the trees record, as the columns ``Lineage.add_hub`` reads (those of
    ``queries.hub_bases``, which walks only upwards from the dataset's models)."""
    from ptmx.licenses.chains import HUB_COLUMNS

    by_name = {r["model"].lower(): r for r in rows}
    out: dict[str, list[Any]] = {name: [] for name in HUB_COLUMNS}
    for row in rows:
        for parent in dict.fromkeys(row["base_models"] or []):
            if parent.lower() == row["model"].lower():
                continue
            mine, theirs, up = dataset.get(row["model"].lower()), dataset.get(parent.lower()), \
                by_name.get(parent.lower())
            values = {"child": row["model"], "parent": parent,
                      "relation": row["base_model_relation"] or "unspecified",
                      "child_id": mine and mine["model_id"], "parent_id": theirs and theirs["model_id"],
                      "parent_license": theirs and theirs["license"],
                      "hub_license": up and up["license"],
                      "license_name": up and up["license_name"],
                      "license_link": up and up["license_link"], "parent_on_hub": up is not None}
            for name in HUB_COLUMNS:
                out[name].append(values[name])
    return out


def _own(row: dict[str, Any] | None, name: str, dataset: dict[str, Any] | None) -> str | None:
    """A model's own licence as ptmx reads an ancestor's: the dataset's, else the Hub's tag,
    ``other`` read through license_name / license_link / the model family."""
    from ptmx.licenses.chains import _hub_license

    row = row or {}
    return _hub_license(name, (dataset or {}).get("license"), row.get("license"),
                        row.get("license_name"), row.get("license_link"))[0]


def edges_measure(store: Any, rows: list[dict[str, Any]], family: dict[str, str]) -> dict[str, Any]:
    """(a) and (c): every tree edge judged as the audit judges an edge, with and without the
    base's own chain; the derived models' own licences, decided or not."""
    from ptmx.licenses import Lineage, queries
    from ptmx.licenses.audit import AuditRecord, _edge_verdict
    from ptmx.licenses.vocabulary import Verdict

    names = sorted({r["model"] for r in rows} | {b for r in rows for b in r["base_models"] or []})
    dataset = queries.models_by_name(store, names)
    columns = _edge_columns(rows, dataset)
    lineage = Lineage()
    lineage.add_hub(columns)
    ids = {name.lower(): mid for mid, name in lineage._names.items()}
    by_name = {r["model"].lower(): r for r in rows}
    per_family: dict[str, Counter[str]] = defaultdict(Counter)
    changes: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    findings: list[AuditRecord] = []
    for child, parent, relation, *_rest, on_hub in zip(*columns.values(), strict=True):
        fam = family.get(child.lower(), "other")
        c = per_family[fam]
        base_row, child_row = by_name.get(parent.lower()), by_name.get(child.lower())
        up = _own(base_row, parent, dataset.get(parent.lower()))
        down = _own(child_row, child, dataset.get(child.lower()))
        known = on_hub or parent.lower() in dataset
        pid = ids.get(parent.lower())
        chain = lineage.chain(pid, parent) if lineage.has_bases(pid) else None
        judged = _edge_verdict(up, down, relation, parent, known, chain)
        after = judged.verdict
        if Verdict(after) in (Verdict.DRIFT, Verdict.CONFLICT):
            findings.append(AuditRecord(
                "edge", parent, None, child, up, down, judged.activity, after, judged.reason,
                judged.fix, judged.rule, judged.upstream_family, judged.downstream_family,
                dataset[parent.lower()]["model_id"] if parent.lower() in dataset else None,
                chain=chain.json if chain else None, inherited_from=judged.inherited_from))
        before = _edge_verdict(up, down, relation, parent, known, None).verdict
        c["edges"] += 1
        c[after] += 1
        if not known:
            c["base not crawled"] += 1
        if before != after:
            c["changed"] += 1
            changes[f"{before} → {after}"] += 1
        terms = [up, *(chain.licenses if chain else ())]
        if _restrictive(terms):
            c["restrictive base"] += 1
            if after in (Verdict.DRIFT, Verdict.CONFLICT):
                c["restrictive: drift/conflict"] += 1
                if len(examples[fam]) < 3:
                    examples[fam].append(f"{parent} ({up}) → {child} ({down}): {after}")
            elif down is None:
                c["restrictive: no licence"] += 1
            elif Verdict(after).undecided:
                c["restrictive: undecided"] += 1
            else:
                c["restrictive: kept"] += 1
    return {"per_family": {f: dict(c) for f, c in sorted(per_family.items())},
            "changes": dict(changes.most_common()), "examples": dict(examples),
            "derived_licences": derived_licences(rows, lineage, ids, dataset), "lineage": lineage,
            "ids": ids,
            "dataset": dataset, "findings": findings}


def derived_licences(rows: list[dict[str, Any]], lineage: Any, ids: dict[str, int],
                     dataset: dict[str, dict[str, Any]]) -> dict[str, int]:
    """(c) the derived models' own licences: decided or not, for use by an MIT project (the
    sample's commonest project licence), own licence alone and with the chain."""
    from ptmx.licenses import Chain, judge_effective
    from ptmx.licenses.verdicts import verdict_for
    from ptmx.licenses.vocabulary import Activity, Verdict

    own_states: Counter[str] = Counter()
    for row in rows:
        if not row["base_models"]:
            continue
        name = row["model"]
        own = _own(row, name, dataset.get(name.lower()))
        mid = ids.get(name.lower())
        chain = lineage.chain(mid, name) if lineage.has_bases(mid) else Chain(name, mid)
        alone = verdict_for(own, "MIT", Activity.USE).verdict
        eff = judge_effective(own, chain, "MIT").judgement.verdict
        own_states["derived"] += 1
        own_states["undecided own"] += Verdict(alone).undecided
        own_states["undecided effective"] += Verdict(eff).undecided
        tag = row["license"]
        kind = ("no licence tag" if not tag else "other, unresolved" if own in (None, "other")
                or (own or "").lower() in ("other", "unknown") else "decided" if not
                Verdict(alone).undecided else f"undecided tag {tag}")
        own_states[kind] += 1
    return dict(own_states)


def what_if(store: Any, rows: list[dict[str, Any]], measured: dict[str, Any]) -> dict[str, Any]:
    """(b'): the sample's projects using the trees' derived models: for each derived model and
    each sample project's licence, the link verdict with and without the model's chain (the
    judgement the audit gives a link), counted per project."""
    from ptmx.licenses import Chain, judge_effective, queries

    links = queries.links(store)
    per_project = dict(zip(links.column("project_id").to_pylist(),
                           links.column("downstream").to_pylist(), strict=True))
    licences = Counter(per_project.values())
    lineage, ids, dataset = measured["lineage"], measured["ids"], measured["dataset"]
    pairs = changed = 0
    moves: Counter[str] = Counter()
    for row in rows:
        mid = ids.get(row["model"].lower())
        if not row["base_models"] or not lineage.has_bases(mid):
            continue
        own = _own(row, row["model"], dataset.get(row["model"].lower()))
        chain = lineage.chain(mid, row["model"])
        for down, n in licences.items():
            before = judge_effective(own, Chain(row["model"], mid), down).judgement.verdict
            after = judge_effective(own, chain, down).judgement.verdict
            pairs += n
            if before != after:
                changed += n
                moves[f"{before} → {after}"] += n
    return {"pairs": pairs, "changed": changed, "projects": len(per_project),
            "moves": dict(moves.most_common())}


def remedies_measure(store: Any, findings: list[Any], lineage: Any) -> list[dict[str, Any]]:
    """(d): the remedies ``--suggest`` gives the trees' drift and conflict edges (ptmx's
    remedy engine on audit records built as the audit builds an edge's; crawled hub_models rows
    as the Hub source, no live listing), one per base, derived licence and verdict."""
    from ptmx.licenses.remedies import remedies_for

    out, seen = [], set()
    for rec, rem in zip(findings, remedies_for(store, findings, lineage, hub=lambda task: []),
                        strict=True):
        key = (rec.model, rec.downstream, rec.verdict)
        if rem is None or key in seen:
            continue
        seen.add(key)
        out.append({"base": rec.model, "derived": rec.derived, "verdict": rec.verdict,
                    "upstream": rec.upstream, "downstream": rec.downstream,
                    "inherited_from": rec.inherited_from,
                    "edges": sum(1 for f in findings
                                 if (f.model, f.downstream, f.verdict) == key),
                    **rem.to_dict(), "text": rem.text()})
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", help="SOURCE ... OUT: crawls (CSV files, folders, a git "
                                                 "directory), then the dataset folder to write")
    parser.add_argument("--sample", default=str(ROOT / "data"), help="dataset to copy (default data)")
    parser.add_argument("--no-measure", action="store_true", help="only build OUT")
    parser.add_argument("--json", help="write every figure to this file")
    args = parser.parse_args()
    if len(args.paths) < 2:
        parser.error("give at least one SOURCE and the OUT folder")
    *sources, out = args.paths
    rows, family, trees = build(sources, Path(out), Path(args.sample))
    edges = sum(len(r["base_models"] or []) for r in rows)
    dates = sorted({t.at.date().isoformat() for t in trees})
    print(f"{len(trees)} recorded crawls ({dates[0]} … {dates[-1]}), {len(rows):,} models, "
          f"{edges:,} base edges → {out}/hub_models")
    if args.no_measure:
        return 0
    sys.path.insert(0, str(Path(__file__).parent))
    from licence_chains import inheritance

    from ptmx.store import open_store

    store = open_store(Path(out))
    measured = edges_measure(store, rows, family)
    report: dict[str, Any] = {k: v for k, v in measured.items()
                              if k not in ("lineage", "ids", "dataset", "findings")}
    report["what_if"] = what_if(store, rows, measured)
    report["inheritance"] = {"sample": inheritance(args.sample), "with_trees": inheritance(out)}
    report["remedies"] = remedies_measure(store, measured["findings"], measured["lineage"])
    print(json.dumps(report, indent=1, ensure_ascii=False, default=str))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
