"""Scan a project: its model references joined with the dataset, license verdicts, card checks.

:func:`scan_project` walks the folder, detects references, groups them per model, looks each
model up in the dataset (and, when asked, live on the hub), then asks the license engine
(:mod:`ptmx.licenses`) whether the model's license fits the project's and the card rules
(:mod:`ptmx.cards`) how well the model is documented (:mod:`ptmx.scan.checks` keeps what the scan
reports of both). The result is plain data that the table, JSON, SARIF and CycloneDX writers all
render.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ptmx.cards import CardAssessment, assess_card_dict, assess_ids
from ptmx.errors import DataError, NotFoundError, UsageError
from ptmx.licenses import Lineage, judge_effective, verdict_for
from ptmx.licenses.audit import AuditRecord
from ptmx.licenses.audit import lineage as load_lineage
from ptmx.licenses.remedies import REMEDIED, HubSource, Remedies
from ptmx.licenses.vocabulary import Activity
from ptmx.safetext import visible
from ptmx.scan.boundary import Boundary, readable
from ptmx.scan.checks import CardCheck, LicenseCheck, VerdictFn, card_check, license_check
from ptmx.scan.detect import HUGGINGFACE, Reference, best_found_by, detect_file
from ptmx.scan.live import add_live
from ptmx.scan.project_license import (
    NOASSERTION,
    ProjectLicense,
    detect_project_license,
    read_package_json,
    read_pyproject,
)
from ptmx.scan.queries import ModelIndex, model_index
from ptmx.scan.usage import mark_weak
from ptmx.scan.vendored import VendorMap
from ptmx.scan.walker import WalkStats, walk
from ptmx.store import Store, model_page, normalise_model_id

if TYPE_CHECKING:
    from ptmx.hub import HubClient

ACTIVITIES = tuple(a.value for a in Activity)

# assess_ids(store, dataset ids) → one card assessment per id, in order.
AssessMany = Callable[[Store, Sequence[int]], list[CardAssessment]]

# --fail-on thresholds: each names the least serious finding that fails the run. The hub's
# risks (found with --hub) sit beside the card's fields of the same weight: files the hub's own
# security scan flags are critical, pickle-only weights (loading them runs code) important.
FAIL_ON = {
    "conflict": ("license-conflict",),
    "drift": ("license-conflict", "license-drift"),
    "critical": ("card-critical", "hub-scan-issues"),
    "important": ("card-critical", "card-important", "hub-scan-issues", "pickle-weights"),
}

# Finding rules → SARIF level, most serious first (also the order of the summary).
RULES: dict[str, tuple[str, str]] = {
    "license-conflict": ("error", "The model's license conflicts with the project's license"),
    "license-drift": ("error", "The project's license grants more than the model's allows"),
    "license-constrained": ("warning", "The model's license restricts how the project may be "
                                       "used (non-commercial, use restrictions, agreements)"),
    "license-unknown": ("warning", "The license relation could not be decided"),
    "card-critical": ("warning", "The model card misses a critical field"),
    "card-important": ("note", "The model card misses an important field"),
    "hub-scan-issues": ("error", "The hub's security scan flags files of the model"),
    "pickle-weights": ("warning", "The model's weights are pickle files, which can run code "
                                  "when loaded"),
    "model-unknown": ("note", "The model is not in the dataset"),
    "reference-unresolved": ("note", "A model is loaded under a name only known at run time"),
}


@dataclass
class Finding:
    """One problem worth a line in CI: what, how serious, where, and how to fix it."""

    rule: str
    level: str
    message: str
    model: str | None = None
    fix: str | None = None
    locations: list[dict[str, Any]] = field(default_factory=list)
    remedy: dict[str, Any] | None = None  # with --suggest: alternatives and the licence to carry

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return asdict(self)


@dataclass
class ModelUse:
    """One model the project loads, with what the dataset (and the hub) say about it."""

    model: str                       # the dataset's id when known, else the id as referenced
    source_hub: str                  # huggingface | pytorch-hub
    in_dataset: bool
    references: list[Reference]
    dataset_id: int | None = None
    revisions: list[str] = field(default_factory=list)   # revisions pinned in the code
    licenses: list[str] = field(default_factory=list)    # hub license tags
    license_source: str | None = None                    # dataset | hub
    author: str | None = None
    sha: str | None = None
    repo_url: str | None = None
    downloads: int | None = None
    reuse_count: int | None = None
    base_models: list[dict[str, Any]] = field(default_factory=list)
    card: dict[str, Any] | None = None
    tags: list[str] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)
    verdict: LicenseCheck | None = None
    card_check: CardCheck | None = None
    live: dict[str, Any] | None = None
    vendored: bool = False           # found only inside vendored library copies / catalogues

    @property
    def found_by(self) -> str:
        """How the model was found: its most trustworthy reference's way (see FOUND_BY)."""
        return best_found_by(self.references)

    def shown_references(self, include_vendored: bool = False) -> list[Reference]:
        """The references a table, SARIF or BOM shows: the project's own, unless asked."""
        own = [r for r in self.references if include_vendored or not r.vendored]
        return own or list(self.references)

    @property
    def license_expression(self) -> str | None:
        """The license tags joined with AND (None when unknown)."""
        return " AND ".join(self.licenses) if self.licenses else None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        data = asdict(self)
        data["license"] = self.license_expression
        data["found_by"] = self.found_by
        data["references"] = [r.to_dict() for r in self.references]
        return data


@dataclass
class ScanReport:
    """Everything ``ptmx scan`` found in one folder."""

    root: str
    project: dict[str, Any]
    project_license: ProjectLicense
    activity: str
    models: list[ModelUse]
    unresolved: list[Reference]
    findings: list[Finding]
    stats: dict[str, Any]
    dataset: dict[str, Any]
    engines: dict[str, str | None]
    warnings: list[str] = field(default_factory=list)
    include_vendored: bool = False
    # What was set aside as vendored: {"references": n, "models": n, "unresolved": n,
    # "folders": {folder or file: references}}.
    set_aside: dict[str, Any] = field(default_factory=dict)

    def listed(self) -> list[ModelUse]:
        """The models the table, SARIF and BOM list: the project's own unless
        ``include_vendored``."""
        return [m for m in self.models if self.include_vendored or not m.vendored]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return {
            "root": self.root, "project": {**self.project,
                                           "license": self.project_license.expression,
                                           "license_detail": self.project_license.to_dict()},
            "activity": self.activity, "dataset": self.dataset, "engines": self.engines,
            "models": [m.to_dict() for m in self.models],
            "unresolved": [r.to_dict() for r in self.unresolved],
            "findings": [f.to_dict() for f in self.findings],
            "summary": self.summary(), "stats": self.stats, "warnings": self.warnings,
            "include_vendored": self.include_vendored, "set_aside": self.set_aside,
        }

    def summary(self) -> dict[str, int]:
        """How many findings of each rule (rules with none are left out)."""
        counts: dict[str, int] = {}
        for f in self.findings:
            counts[f.rule] = counts.get(f.rule, 0) + 1
        return {rule: counts[rule] for rule in RULES if rule in counts}

    def failing(self, fail_on: Iterable[str]) -> list[Finding]:
        """The findings that fail the run under the given ``--fail-on`` thresholds."""
        rules = {rule for name in fail_on for rule in FAIL_ON[name]}
        return [f for f in self.findings if f.rule in rules]


# -- scanning -----------------------------------------------------------------------------------
def known_model_ids(store: Store) -> ModelIndex:
    """Every model id in the dataset, for exact string-literal matching (``in``) and lookup."""
    return model_index(store)


def project_identity(root: Path, boundary: Boundary | None = None) -> dict[str, Any]:
    """The project's name and version from its metadata, else the folder name."""
    name, version = None, None
    data = read_pyproject(root, boundary)
    if data is not None:
        project = data.get("project") or (data.get("tool") or {}).get("poetry") or {}
        name, version = project.get("name"), project.get("version")
    pkg = read_package_json(root, boundary) if name is None else {}
    if pkg:
        name, version = pkg.get("name"), pkg.get("version")
    return {"name": str(name) if name else readable(root.resolve().name),
            "version": str(version) if version else None}


def scan_project(
    root: str | Path,
    store: Store,
    *,
    activity: str = "use",
    hub: bool = False,
    hub_client: HubClient | None = None,
    max_bytes: int | None = None,
    verdict_fn: VerdictFn = verdict_for,
    assess_many: AssessMany = assess_ids,
    include_vendored: bool = False,
    suggest: bool = False,
    suggest_hub: HubSource | None = None,
) -> ScanReport:
    """Scan the folder ``root`` and check what it loads against ``store``.

    ``verdict_fn`` and ``assess_many`` are the license engine and the card rules (tests pass
    stand-ins). References inside vendored library copies and library catalogues are
    marked ``vendored`` and, unless ``include_vendored``, left out of :meth:`ScanReport.listed`,
    the unresolved list and the findings (``ScanReport.set_aside`` counts them, per folder).
    Files the scan cannot or must not read are skipped with a warning each. Models of the
    dataset are judged on their effective terms (their licence and their bases', see
    :mod:`ptmx.licenses.chains`); ``suggest`` adds a remedy to each conflict, drift and
    use-constrained verdict; with ``suggest_hub`` (``--suggest --hub``), Hub models of the same
    task too (crawled ``hub_models`` rows and what the source lists; a
    :class:`ptmx.errors.HubError` it raises ends the scan).
    """
    folder = Path(root)
    shown = visible(folder, newlines=False)  # the user's argument, echoed: made inert
    if not folder.exists():
        raise NotFoundError(f"{shown}: no such folder")
    if not folder.is_dir():
        raise UsageError(f"{shown}: not a folder (ptmx scan reads a project checkout)")
    if activity not in ACTIVITIES:
        raise UsageError(f"unknown activity {activity!r}",
                         hint=f"choose from {', '.join(ACTIVITIES)}")
    known = known_model_ids(store)
    stats = WalkStats()
    boundary = Boundary(folder, stats.warnings)
    warnings = boundary.warnings
    refs: list[Reference] = []
    kwargs = {"max_bytes": max_bytes} if max_bytes else {}
    vendors = VendorMap(folder, boundary)
    walked: list[str] = []
    in_copies: list[str] = []
    for rel in walk(folder, stats=stats, boundary=boundary, **kwargs):
        walked.append(rel.as_posix())
        found = detect_file(folder, rel, known, boundary=boundary)
        why = vendors.reason(rel.as_posix())
        if why:
            in_copies.append(rel.as_posix())
        for ref in found:
            if why and not ref.vendored:
                ref.vendored, ref.vendored_reason = True, why
        refs.extend(found)
    if any(not r.vendored for r in refs):
        mark_weak(folder, walked, refs, boundary, in_copies)

    project_license = detect_project_license(folder, boundary)
    models = _group(store, known, refs, fill_vendored=include_vendored)
    set_aside = _set_aside(refs, models, vendors)
    checked = [m for m in models if not m.vendored] if not include_vendored else models
    if hub:
        add_live(store, checked, hub_client, warnings)
    assessments = _assess_all(store, checked, assess_many, warnings)
    # Chains only with the real engine: a stand-in engine (tests) judges own licences alone.
    chains = load_lineage(store) if verdict_fn is verdict_for else None
    for use in checked:
        _check(use, project_license.expression, activity, verdict_fn, assessments, warnings,
               chains)
    if suggest and chains is not None:
        _suggest(store, chains, checked, project_identity(folder, boundary)["name"], warnings,
                 suggest_hub)
    unresolved = [r for r in refs if not r.resolved and (include_vendored or not r.vendored)]
    report = ScanReport(
        root=readable(folder),
        project=project_identity(folder, boundary),
        project_license=project_license,
        activity=activity,
        models=models,
        unresolved=unresolved,
        findings=[],
        stats={"files_scanned": stats.files, "ignored": stats.ignored, "binary": stats.binary,
               "too_large": stats.too_large, "skipped_dirs": stats.skipped_dirs,
               "references": len(refs)},
        dataset={"name": store.manifest.get("name"), "folder": readable(store.folder)},
        engines={"licenses": "ptmx.licenses", "cards": "ptmx.cards",
                 "hub": "ptmx.hub" if hub else None},
        warnings=warnings,
        include_vendored=include_vendored,
        set_aside=set_aside,
    )
    report.findings = _findings(report)
    return report


def _set_aside(refs: list[Reference], models: list[ModelUse],
               vendors: VendorMap) -> dict[str, Any]:
    """How many references (and models found only there) were set aside, and where."""
    folders: dict[str, int] = {}
    count = 0
    reasons: dict[str, int] = {}
    for ref in refs:
        if not ref.vendored:
            continue
        count += 1
        if ref.set_aside:
            reasons[ref.set_aside] = reasons.get(ref.set_aside, 0) + 1
            continue
        where = vendors.folder_of(ref.path) or ref.path
        folders[where] = folders.get(where, 0) + 1
    return {"references": count,
            "models": sum(1 for m in models if m.vendored),
            "unresolved": sum(1 for r in refs if r.vendored and not r.resolved),
            "weak": dict(sorted(reasons.items())),
            "folders": dict(sorted(folders.items(), key=lambda kv: (-kv[1], kv[0])))}


def _resolve(index: ModelIndex, ref: Reference) -> tuple[int | None, str]:
    """The dataset's numeric id and canonical name for a reference (None when absent)."""
    for candidate in [ref.model, *ref.alternatives]:
        if not candidate:
            continue
        found = index.find(normalise_model_id(candidate))
        if found is not None:
            return found, index.name(found)
    return None, ref.model or ""


def _group(store: Store, index: ModelIndex, refs: list[Reference], *,
           fill_vendored: bool = True) -> list[ModelUse]:
    """One ModelUse per model; dataset details are filled in for the models that are listed
    (a model found only in a vendored copy keeps its id and dataset id only, unless
    ``fill_vendored``)."""
    by_model: dict[str, ModelUse] = {}
    for ref in refs:
        if not ref.resolved or not ref.model:
            continue
        dataset_id, name = _resolve(index, ref)
        key = name.lower()
        use = by_model.get(key)
        if use is None:
            use = by_model[key] = ModelUse(model=name, source_hub=ref.hub,
                                           in_dataset=dataset_id is not None, references=[],
                                           dataset_id=dataset_id)
        use.references.append(ref)
        if ref.revision and ref.revision not in use.revisions:
            use.revisions.append(ref.revision)
    for use in by_model.values():
        use.vendored = all(r.vendored for r in use.references)
        if use.dataset_id is not None and (fill_vendored or not use.vendored):
            _fill_from_dataset(store, use)
    return sorted(by_model.values(), key=lambda u: u.model.lower())


def _fill_from_dataset(store: Store, use: ModelUse) -> None:
    try:
        page = model_page(store, use.model)
    except NotFoundError:  # pragma: no cover - the id came from the same store
        use.in_dataset = False
        return
    use.licenses = list(page.licenses)
    use.license_source = "dataset" if page.licenses else None
    use.author, use.sha, use.repo_url = page.author, page.sha, page.repo_url
    use.downloads, use.reuse_count = page.downloads, page.reuse_count
    use.base_models = list(page.base_models)
    use.card = page.card
    use.tags, use.datasets = list(page.tags), list(page.datasets)


def downstream_expression(project_license: str | None) -> str | None:
    """The project's license as the engine reads it: ``NONE`` when the project declares none,
    None when it has a license nobody recognised (unknown, not absent)."""
    if project_license is None:
        return "NONE"
    if project_license == NOASSERTION:
        return None
    return project_license


def _assess_all(store: Store, models: list[ModelUse], assess_many: AssessMany,
                warnings: list[str]) -> dict[int, CardAssessment]:
    """Card assessments of every model that is in the dataset, in one call."""
    ids = [u.dataset_id for u in models if u.dataset_id is not None]
    if not ids:
        return {}
    try:
        return dict(zip(ids, assess_many(store, ids), strict=True))
    except (ValueError, TypeError, LookupError, NotFoundError, DataError) as exc:
        warnings.append(f"card check failed: {exc}")
        return {}


def _judge(use: ModelUse, upstream: str | None, downstream: str | None, activity: str,
           verdict_fn: VerdictFn, chains: Lineage | None) -> LicenseCheck:
    """The verdict on the model's effective terms when the dataset records its bases, else
    on its own licence."""
    if chains is None or not chains.has_bases(use.dataset_id):
        return license_check(verdict_fn(upstream, downstream, activity), upstream, downstream,
                             activity)
    eff = judge_effective(upstream, chains.chain(use.dataset_id, use.model), downstream,
                          Activity(activity))
    check = license_check(eff.judgement, upstream, downstream, activity)
    check.chain = eff.chain_rows()
    check.inherited_from = eff.inherited_from.model if eff.inherited_from else None
    return check


def _suggest(store: Store, chains: Lineage, uses: list[ModelUse], project: str,
             warnings: list[str], hub: HubSource | None = None) -> None:
    """A remedy for each conflict, drift and use-constrained verdict (see
    :mod:`ptmx.licenses.remedies`); with ``hub``, Hub models of the same task too. A hub
    failure is not caught here: it is the run's (exit 3), not a partial remedy."""
    found = [u for u in uses if u.verdict is not None and u.verdict.verdict in REMEDIED]
    if not found:
        return
    finder = Remedies(store, chains, hub)
    try:
        finder.prepare([u.dataset_id for u in found if u.dataset_id is not None])
        for use in found:
            v = use.verdict
            assert v is not None
            rec = AuditRecord(
                kind="link", model=use.model, project=project, derived=None,
                upstream=v.upstream, downstream=v.downstream, activity=v.activity,
                verdict=v.verdict.value, reason=v.reason or "", fix=v.fix or "",
                rule=v.clause or "", upstream_family="", downstream_family="",
                model_id=use.dataset_id, inherited_from=v.inherited_from,
                chain=json.dumps(v.chain) if v.chain is not None else None)
            remedy = finder.for_record(rec)
            v.remedy = remedy.to_dict() if remedy is not None else None
    except (ValueError, TypeError, LookupError, DataError) as exc:
        warnings.append(f"remedies failed: {exc}")


def _check(use: ModelUse, project_license: str | None, activity: str, verdict_fn: VerdictFn,
           assessments: dict[int, CardAssessment], warnings: list[str],
           chains: Lineage | None = None) -> None:
    downstream = downstream_expression(project_license)
    if use.in_dataset or use.licenses:
        upstream = use.license_expression
        try:
            use.verdict = _judge(use, upstream, downstream, activity, verdict_fn, chains)
        except (ValueError, TypeError, LookupError, UsageError, DataError, NotFoundError) as exc:
            warnings.append(f"license check of {use.model} failed: {exc}")
    try:
        if use.dataset_id is not None and use.dataset_id in assessments:
            use.card_check = card_check(assessments[use.dataset_id])
        elif not use.in_dataset and use.card:
            use.card_check = card_check(assess_card_dict(
                use.card, model=use.model, license_tags=use.licenses or None))
    except (ValueError, TypeError, LookupError, NotFoundError, DataError) as exc:
        warnings.append(f"card check of {use.model} failed: {exc}")


def _locations(refs: Iterable[Reference]) -> list[dict[str, Any]]:
    return [{"path": r.path, "line": r.line, "column": r.column, "cell": r.cell,
             "snippet": r.snippet} for r in refs]


_CARD_FIX = ("ask the model's authors to document it, or record what you know in your own "
             "documentation")


def _license_findings(use: ModelUse, project_license: str | None,
                      where: list[dict[str, Any]]) -> list[Finding]:
    v = use.verdict
    if v is None or not v.finding:
        return []
    rule = f"license-{v.category}"
    text = f"{use.model} ({use.license_expression or 'no license'}) in a project " \
           f"licensed {project_license or 'without a license'}: {v.verdict}"
    if v.reason:
        text += f" — {v.reason}"
    return [Finding(rule, RULES[rule][0], text, use.model, v.fix, where, v.remedy)]


def _card_findings(use: ModelUse, where: list[dict[str, Any]]) -> list[Finding]:
    check = use.card_check
    if check is None or not check.assessed:
        return []
    out = []
    for severity in ("critical", "important"):
        gaps = check.missing_of(severity)
        if gaps:
            labels = ", ".join(str(gap.label or gap.field) for gap in gaps)
            rule = f"card-{severity}"
            out.append(Finding(rule, RULES[rule][0],
                               f"{use.model}: the model card does not document {labels}",
                               use.model, _CARD_FIX, where))
    return out


def _unknown_findings(use: ModelUse, where: list[dict[str, Any]]) -> list[Finding]:
    if use.in_dataset or (use.live is not None and use.live.get("id")):
        return []
    if use.live is not None:
        why = f" and the hub answered {use.live.get('status')}"
        hint = f" ({use.live['message']})" if use.live.get("message") else ""
    else:
        why = ""
        hint = " (look it up with --hub)" if use.source_hub == HUGGINGFACE else ""
    return [Finding("model-unknown", RULES["model-unknown"][0],
                    f"{use.model} is not in the dataset{why}: its license and card are "
                    f"unknown{hint}", use.model, None, where)]


# A hub risk's severity as a finding level (SARIF levels).
_RISK_LEVEL = {"critical": "error", "important": "warning", "nice": "note"}
_PICKLE_FIX = "prefer a safetensors revision, or pin and scan it"


def hub_risks(use: ModelUse) -> list[dict[str, Any]]:
    """The supply-chain risks ``--hub`` found for the model (``live["risks"]``)."""
    risks = (use.live or {}).get("risks")
    return [r for r in risks if isinstance(r, dict) and r.get("id")] \
        if isinstance(risks, list) else []


def _risk_findings(use: ModelUse, where: list[dict[str, Any]]) -> list[Finding]:
    out = []
    for risk in hub_risks(use):
        rule = str(risk["id"])
        if rule not in RULES:
            continue  # other risks (no weights, missing license file) stay in the JSON
        level = _RISK_LEVEL.get(str(risk.get("severity")), RULES[rule][0])
        files = ", ".join(str(f) for f in risk.get("files") or [])
        text = f"{use.model}: {risk.get('explanation') or RULES[rule][1]}" \
            + (f" ({files})" if files else "")
        fix = str(risk.get("fix") or "") or (_PICKLE_FIX if rule == "pickle-weights" else None)
        out.append(Finding(rule, level, text, use.model, fix, where))
    return out


def _findings(report: ScanReport) -> list[Finding]:
    out: list[Finding] = []
    for use in report.listed():
        where = _locations(use.shown_references(report.include_vendored))
        out += _license_findings(use, report.project_license.expression, where)
        out += _card_findings(use, where)
        out += _unknown_findings(use, where)
        out += _risk_findings(use, where)
    for ref in report.unresolved:
        out.append(Finding("reference-unresolved", RULES["reference-unresolved"][0],
                           f"{ref.call or ref.kind}: model not known before run time "
                           f"({ref.reason})", None,
                           "pin the model id as a literal or module constant so it can be "
                           "checked", _locations([ref])))
    order = list(RULES)
    out.sort(key=lambda f: (order.index(f.rule), f.model or "", f.locations[0]["path"]
                            if f.locations else ""))
    return out
