"""The paper's headline analyses as plain data: one dataclass per section, each computed from an
open :class:`~ptmx.store.Store` and carrying the paper's published figure beside its own."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from ptmx.cards import report as cards_report
from ptmx.licenses import AuditResult
from ptmx.licenses.vocabulary import Verdict
from ptmx.paper import queries
from ptmx.paper.method import Cause, Judgement, Outcome, judge
from ptmx.store import Store

NOT_PUBLISHED = "not published"
# A dataset this size or larger is taken to be the full PeaTMOSS release (281,638 models).
FULL_MODELS = 281_000


@cache
def published() -> dict[str, Any]:
    """The paper's published numbers with their sources (:file:`published.json`)."""
    data: dict[str, Any] = json.loads(
        resources.files("ptmx.paper").joinpath("published.json").read_text(encoding="utf-8"))
    return data


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# ---------------------------------------------------------------------------------- overview
@dataclass
class Metric:
    """One number of this dataset beside the paper's."""

    key: str
    label: str
    value: int | float | None
    paper: int | float | None
    source: str  # where the paper's number comes from, or "not published"


@dataclass
class Overview:
    """Dataset sizes beside the paper's abstract."""

    full: bool
    metrics: list[Metric]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


OVERVIEW_LABELS = {
    "models": "models", "projects": "projects (GitHub repositories)",
    "links": "model→project links", "reused_models": "models reused by a project",
    "reusing_projects": "projects reusing a model",
}


def overview(store: Store) -> Overview:
    """Dataset sizes beside the paper's abstract."""
    row = store.rows(queries.OVERVIEW)[0]
    pub = published()["dataset"]
    metrics = [Metric(k, label, int(row[k] or 0), pub[k]["value"], pub[k]["source"])
               for k, label in OVERVIEW_LABELS.items()]
    return Overview(full=int(row["models"] or 0) >= FULL_MODELS, metrics=metrics)


# ----------------------------------------------------------------------------- documentation
@dataclass
class DocField:
    """How many assessed cards miss one field, and the paper's share."""

    field: str
    label: str
    severity: str
    assessed: int
    missing: int
    share: float | None
    paper_share: float | None


@dataclass
class Documentation:
    """Documentation shortcomings per field (the paper's figure)."""

    models: int
    assessed: int
    fields: list[DocField]
    source: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def documentation(store: Store) -> Documentation:
    """The share of assessed model cards missing each field, beside the paper's figure."""
    # The paper's figure counts PeaTMOSS's extraction: crawled READMEs (hub_card) stay out of it.
    rep = cards_report(store, top=1, source="peatmoss")
    pub = published()["documentation"]
    fields = [DocField(f.field, f.label, f.severity, f.assessed, f.missing, f.share,
                       pub["missing_share"].get(f.field)) for f in rep.fields]
    return Documentation(models=rep.models, assessed=rep.assessed, fields=fields,
                         source=pub["source"])


# ------------------------------------------------------------------------ licence judgements
@dataclass
class LinkJudgement:
    """The paper's judgement and ptmx's verdict for one link."""

    judgement: Judgement
    verdict: str | None


def judge_links(store: Store, audit: AuditResult) -> list[LinkJudgement]:
    """Every link judged both ways: the paper's method and ptmx's audit."""
    verdicts: dict[tuple[int, int], str] = {}
    table = audit.table
    kinds = table.column("kind").to_pylist()
    for kind, m, p, v in zip(kinds, table.column("model_id").to_pylist(),
                             table.column("project_id").to_pylist(),
                             table.column("verdict").to_pylist(), strict=True):
        if kind == "link" and m is not None and p is not None:
            verdicts[(m, p)] = v
    rows = store.query(queries.link_licenses(store.has("reuse_repository_license")))
    cache_: dict[tuple[str | None, tuple[str, ...] | None], Judgement] = {}
    out = []
    for m, p, hf, gh in zip(rows.column("model_id").to_pylist(),
                            rows.column("project_id").to_pylist(),
                            rows.column("hf").to_pylist(), rows.column("gh").to_pylist(),
                            strict=True):
        key = (hf, tuple(gh) if gh is not None else None)
        if key not in cache_:
            cache_[key] = judge(hf, gh)
        out.append(LinkJudgement(cache_[key], verdicts.get((m, p))))
    return out


# ------------------------------------------------------------------------------ consistency
@dataclass
class Consistency:
    """The paper's licence-inconsistency table on this dataset, and ptmx's verdicts beside it."""

    links: int
    skipped: int
    analysed: int
    identical: int
    compatible: int
    incompatible: int
    unknown: int
    unknown_causes: dict[str, int]
    ptmx: dict[str, int]  # ptmx verdicts over the same analysed links
    unknown_by_ptmx: dict[str, int]  # ptmx verdicts of the links the paper leaves unknown
    skipped_by_ptmx: dict[str, int]  # and of the multi-licence projects the paper skips
    decided_share: float | None  # ptmx: decided (not unknown/ambiguous) among all links
    paper: dict[str, Any]

    @property
    def unknown_decided(self) -> int:
        """Links the paper leaves unknown that ptmx decides."""
        return sum(n for v, n in self.unknown_by_ptmx.items() if not Verdict(v).undecided)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"unknown_decided": self.unknown_decided}


def _verdict_counts(verdicts: list[str | None]) -> dict[str, int]:
    counts = Counter(v or "not audited" for v in verdicts)
    order = {str(v): v.rank for v in Verdict}
    return dict(sorted(counts.items(), key=lambda kv: (order.get(kv[0], 99), kv[0])))


def consistency(judged: list[LinkJudgement]) -> Consistency:
    """Count the paper's outcomes and set ptmx's verdicts beside them."""
    outcomes = Counter(j.judgement.outcome for j in judged)
    causes = Counter(str(j.judgement.cause) for j in judged
                     if j.judgement.outcome is Outcome.UNKNOWN)
    analysed = [j for j in judged if j.judgement.outcome is not Outcome.SKIPPED]
    decided = sum(1 for j in judged if j.verdict and not Verdict(j.verdict).undecided)
    return Consistency(
        links=len(judged), skipped=outcomes[Outcome.SKIPPED], analysed=len(analysed),
        identical=sum(j.judgement.identical for j in analysed),
        compatible=outcomes[Outcome.COMPATIBLE], incompatible=outcomes[Outcome.INCOMPATIBLE],
        unknown=outcomes[Outcome.UNKNOWN],
        unknown_causes={str(c): causes.get(str(c), 0) for c in Cause},
        ptmx=_verdict_counts([j.verdict for j in analysed]),
        unknown_by_ptmx=_verdict_counts([j.verdict for j in judged
                                         if j.judgement.outcome is Outcome.UNKNOWN]),
        skipped_by_ptmx=_verdict_counts([j.verdict for j in judged
                                         if j.judgement.outcome is Outcome.SKIPPED]),
        decided_share=_share(decided, len(judged)), paper=published()["consistency"])


# ----------------------------------------------------------------------------- licence flow
@dataclass
class FlowRow:
    """Links from models under one licence to projects under another (one Sankey band)."""

    upstream: str
    downstream: str
    links: int
    paper: str  # the paper's outcome for the pair
    ptmx: dict[str, int]  # ptmx verdicts of those links


@dataclass
class LicenseFlow:
    """The licence flow from models to projects (the paper's Sankey, as a table)."""

    links: int
    upstreams: list[tuple[str, int]]  # model licences, most links first
    downstreams: list[tuple[str, int]]  # project licences, most links first
    rows: list[FlowRow]  # the biggest bands
    rest: int  # links in the bands not listed
    paper_top_unknown: list[dict[str, Any]]  # the paper's pairs, with "here": this dataset's
    source: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def license_flow(judged: list[LinkJudgement], top: int = 15) -> LicenseFlow:
    """The ``top`` biggest (model licence → project licence) bands, named as the paper's script
    names them, with both verdicts."""
    bands: dict[tuple[str, str], list[LinkJudgement]] = defaultdict(list)
    for j in judged:
        bands[(j.judgement.hf, j.judgement.gh)].append(j)
    ordered = sorted(bands.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    rows = [FlowRow(hf, gh, len(js), str(js[0].judgement.outcome),
                    _verdict_counts([j.verdict for j in js])) for (hf, gh), js in ordered[:top]]
    ups, downs = Counter(j.judgement.hf for j in judged), Counter(j.judgement.gh for j in judged)
    pub = published()["license_flow"]
    return LicenseFlow(
        links=len(judged), upstreams=ups.most_common(top), downstreams=downs.most_common(top),
        rows=rows, rest=sum(len(js) for _, js in ordered[top:]),
        paper_top_unknown=[p | {"here": len(bands.get((p["upstream"], p["downstream"]), []))}
                           for p in pub["top_unknown_pairs"]],
        source=pub["source"])


# ------------------------------------------------------------------------------------ reuse
@dataclass
class Bucket:
    """Models in one order of magnitude (of downloads or of reuse)."""

    label: str
    models: int
    reused_models: int
    reuse_total: int
    median_reuse: float | None = None
    max_reuse: int | None = None
    median_downloads: float | None = None


@dataclass
class Reuse:
    """The distribution of reuse against downloads, in log buckets."""

    by_downloads: list[Bucket]
    by_reuse: list[Bucket]
    correlated_models: int  # models with both downloads and reuse
    log_correlation: float | None  # Pearson r of ln(downloads+1) and ln(reuse)
    paper: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _bucket_label(b: int, unit: str) -> str:
    if b < 0:
        return "unknown" if unit == "downloads" else "0 (never reused)"
    if b == 0:
        return "0–9" if unit == "downloads" else "1–9"
    return f"{10 ** b:,}–{10 ** (b + 1) - 1:,}"


def reuse(store: Store) -> Reuse:
    """How reuse (projects per model) relates to downloads."""
    by_dl = [Bucket(_bucket_label(int(r["bucket"]), "downloads"), int(r["models"]),
                    int(r["reused_models"]), int(r["reuse_total"]),
                    float(r["median_reuse"]) if r["median_reuse"] is not None else None,
                    int(r["max_reuse"]) if r["max_reuse"] is not None else None)
             for r in store.rows(queries.BY_DOWNLOADS)]
    by_re = [Bucket(_bucket_label(int(r["bucket"]), "reuse"), int(r["models"]),
                    int(r["models"]) if int(r["bucket"]) >= 0 else 0, int(r["reuse_total"]),
                    median_downloads=float(r["median_downloads"])
                    if r["median_downloads"] is not None else None)
             for r in store.rows(queries.BY_REUSE)]
    corr = store.rows(queries.LOG_CORRELATION)[0]
    return Reuse(by_downloads=by_dl, by_reuse=by_re, correlated_models=int(corr["models"] or 0),
                 log_correlation=float(corr["r"]) if corr["r"] is not None else None,
                 paper=str(published()["reuse"]["source"]))


# ------------------------------------------------------------------------------- top models
@dataclass
class TopModel:
    """One of the most reused models."""

    rank: int
    model: str
    reuse_count: int
    downloads: int | None
    license: str | None


@dataclass
class TopModels:
    """The most reused models."""

    models: list[TopModel]
    paper: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def top_models(store: Store, top: int = 10) -> TopModels:
    """The ``top`` models reused by the most projects."""
    rows = store.rows(queries.TOP_MODELS, [top])
    return TopModels(
        models=[TopModel(i, str(r["model"]), int(r["reuse_count"]),
                         int(r["downloads"]) if r["downloads"] is not None else None,
                         r["license"]) for i, r in enumerate(rows, 1)],
        paper=str(published()["top_models"]["source"]))


@dataclass
class Notes:
    """Where this dataset's numbers differ from the paper's, and why."""

    lines: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
