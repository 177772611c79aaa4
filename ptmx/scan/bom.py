"""An AI bill of materials: the scan as a CycloneDX 1.6 JSON document.

The scanned project is the root ``metadata.component``; each model it loads is one
``machine-learning-model`` component with its version (the hub commit, or the revision the code
pins), licenses (an SPDX id where the hub tag is one, else the tag as a named license), supplier,
the ``modelCard`` fields ptmx knows, ``pedigree.ancestors`` for its base models, and
``evidence.occurrences`` for the files and lines that load it. Verdicts and card gaps travel as
``ptmx:*`` properties. Only this module knows the CycloneDX shape.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Callable
from typing import Any

from ptmx import __version__
from ptmx.errors import PtmxError
from ptmx.licenses import License, resolve
from ptmx.licenses.vocabulary import Family
from ptmx.scan.detect import HUGGINGFACE, PYTORCH_HUB
from ptmx.scan.project_license import NOASSERTION, spdx
from ptmx.scan.report import ModelUse, ScanReport, hub_risks

SPEC_VERSION = "1.6"
SCHEMA_URL = "http://cyclonedx.org/schema/bom-1.6.schema.json"

# Hub tags that do not pin an SPDX license: families, or GPL-style ids that do not say "only" or
# "or later". Writing GPL-3.0-only for "gpl-3.0" would claim more than the model card does.
_AMBIGUOUS_TAGS = frozenset({
    "gpl", "lgpl", "agpl", "bsd", "cc", "openrail", "gfdl", "other", "unknown", "gpl-2.0",
    "gpl-3.0", "lgpl-2.1", "lgpl-3.0", "agpl-3.0",
})
_SHA = re.compile(r"^[0-9a-f]{40}$")


def spdx_id_for_tag(tag: str) -> str | None:
    """A hub license tag → a single SPDX license id, or None when it is not exactly one.

    Uses the license engine's knowledge (:mod:`ptmx.licenses`) when it knows the tag, so the BOM
    and the verdicts read a tag the same way; otherwise a plain SPDX parse that refuses tags which
    do not pin a version clause.
    """
    record = _record(tag)
    if record is not None:
        symbol = record.symbol
        if record.family == Family.AMBIGUOUS or symbol.startswith(("LicenseRef-", "NOASSERTION")):
            return None
        return symbol if spdx(symbol) == symbol else None
    if tag.lower() in _AMBIGUOUS_TAGS:
        return None
    found = spdx(tag)
    if not found or " " in found or found.startswith(("LicenseRef-", "DocumentRef-")):
        return None
    return found


def _record(tag: str) -> License | None:
    try:
        return resolve(tag)
    except PtmxError:
        return None


def _license_list(tags: list[str], names: dict[str, str] | None = None) -> list[dict[str, Any]]:
    out = []
    for tag in tags:
        ident = spdx_id_for_tag(tag)
        lic: dict[str, Any]
        if ident:
            lic = {"id": ident}
        else:
            record = _record(tag)
            lic = {"name": (names or {}).get(tag) or (record.name if record else tag)}
            if record is not None and record.url:
                lic["url"] = record.url
        lic["acknowledgement"] = "declared"
        out.append({"license": lic})
    return out


def _project_licenses(expression: str | None) -> list[dict[str, Any]] | None:
    if not expression or expression == NOASSERTION:
        return None
    if " " not in expression and not expression.startswith("LicenseRef-"):
        return [{"license": {"id": expression, "acknowledgement": "declared"}}]
    return [{"expression": expression, "acknowledgement": "declared"}]


def _prop(name: str, value: Any) -> dict[str, str]:
    if not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False, default=str)
    return {"name": f"ptmx:{name}", "value": value}


def model_ref(use: ModelUse) -> str:
    """The component's bom-ref (unique per hub and id)."""
    return f"model:{use.source_hub}:{use.model}"


def purl_for(use: ModelUse) -> str | None:
    """The model's package URL (``pkg:huggingface/owner/name[@sha]``), shared by CycloneDX and
    SPDX; None for models of other hubs."""
    if use.source_hub != HUGGINGFACE:
        return None
    from urllib.parse import quote

    owner, _, name = use.model.rpartition("/")
    path = f"{quote(owner.lower())}/{quote(name)}" if owner else quote(name)
    sha = use.sha or next((r for r in use.revisions if _SHA.match(r)), None)
    return f"pkg:huggingface/{path}" + (f"@{sha}" if sha and _SHA.match(sha) else "")


def _model_card(use: ModelUse) -> dict[str, Any] | None:
    """The ``modelCard`` of a component: the card fields ptmx knows, in CycloneDX's places."""
    card = use.card or {}
    out: dict[str, Any] = {}
    for key, value in (("modelParameters", _parameters(card, use)),
                       ("quantitativeAnalysis", _analysis(card)),
                       ("considerations", _considerations(card)),
                       ("properties", _card_properties(card))):
        if value:
            out[key] = value
    return out or None


# (card field, modelParameters key, how the value is written)
_PARAMETERS: tuple[tuple[str, str, Callable[[Any], Any]], ...] = (
    ("task", "task", str),
    ("model_type", "architectureFamily", str),
    ("input_format", "inputs", lambda v: [{"format": str(v)}]),
    ("output_format", "outputs", lambda v: [{"format": str(v)}]),
)
_CARD_PROPERTIES = ("parameter_count", "hyper_parameters", "paper", "demo", "license",
                    "frameworks", "source")


def _parameters(card: dict[str, Any], use: ModelUse) -> dict[str, Any]:
    params = {key: write(card[field]) for field, key, write in _PARAMETERS if card.get(field)}
    datasets = [d for d in (card.get("datasets") or use.datasets or []) if d]
    if datasets:
        params["datasets"] = [{"type": "dataset", "name": str(d)} for d in datasets]
    # CycloneDX's order: task, architectureFamily, datasets, inputs, outputs.
    order = ("task", "architectureFamily", "datasets", "inputs", "outputs")
    return {key: params[key] for key in order if key in params}


def _analysis(card: dict[str, Any]) -> dict[str, Any] | None:
    evaluation = card.get("evaluation")
    if isinstance(evaluation, str):
        try:
            evaluation = json.loads(evaluation)
        except (json.JSONDecodeError, RecursionError):
            evaluation = {"evaluation": evaluation}
    metrics = []
    if isinstance(evaluation, dict):
        metrics = [{"type": str(k), "value": v if isinstance(v, str) else json.dumps(v)}
                   for k, v in evaluation.items() if v is not None]
    elif isinstance(evaluation, list):
        metrics = [_metric(v) for v in evaluation if v is not None]
    return {"performanceMetrics": metrics} if metrics else None


def _considerations(card: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if card.get("limitations_and_bias"):
        out["technicalLimitations"] = [str(card["limitations_and_bias"])]
    env = [{"name": k, "value": str(card[k])} for k in ("carbon", "hardware") if card.get(k)]
    if env:
        out["environmentalConsiderations"] = {"properties": env}
    return out


def _card_properties(card: dict[str, Any]) -> list[dict[str, str]]:
    return [{"name": k, "value": str(card[k]) if not isinstance(card[k], dict | list)
             else json.dumps(card[k], ensure_ascii=False)}
            for k in _CARD_PROPERTIES if card.get(k)]


def _metric(entry: Any) -> dict[str, str]:
    """One evaluation entry ({"test": "ROUGE-1", "result": "42.9"} and similar) → a metric."""
    if isinstance(entry, dict):
        kind = next((entry[k] for k in ("metric", "test", "name", "type") if entry.get(k)), None)
        value = next((entry[k] for k in ("result", "value", "score") if entry.get(k) is not None),
                     None)
        if kind is not None and value is not None:
            metric = {"type": str(kind), "value": str(value)}
            data = next((entry[k] for k in ("dataset", "slice", "split") if entry.get(k)), None)
            if data:
                metric["slice"] = str(data)
            return metric
    return {"type": "evaluation", "value": json.dumps(entry, ensure_ascii=False, default=str)}


def _external_refs(use: ModelUse) -> list[dict[str, str]]:
    refs = []
    if use.source_hub == HUGGINGFACE:
        url = use.repo_url or f"https://huggingface.co/{use.model}"
        refs.append({"type": "model-card", "url": url})
        refs.append({"type": "distribution", "url": url})
    elif use.source_hub == PYTORCH_HUB:
        repo = use.model.split(":")[0]
        refs.append({"type": "vcs", "url": f"https://github.com/{repo}"})
    github = (use.card or {}).get("github")
    if isinstance(github, str) and github.startswith("http"):
        refs.append({"type": "vcs", "url": github})
    return refs


def _ancestors(use: ModelUse) -> list[dict[str, Any]]:
    out = []
    for base in use.base_models:
        name = base.get("base_model")
        if not name:
            continue
        owner, _, short = str(name).rpartition("/")
        comp: dict[str, Any] = {"type": "machine-learning-model", "name": short or str(name)}
        if owner:
            comp["group"] = owner
        comp["properties"] = [_prop("relation", base.get("relation") or "unspecified"),
                              _prop("in_dataset", bool(base.get("in_dataset"))),
                              _prop("source", base.get("source") or "")]
        if base.get("corrected_from"):  # the hub's relation, which the files contradict
            comp["properties"].append(_prop("relation_corrected_from",
                                            str(base["corrected_from"])))
        out.append(comp)
    return out


def model_component(use: ModelUse, include_vendored: bool = False) -> dict[str, Any]:
    """One ``machine-learning-model`` component (evidence: the project's own references)."""
    comp = _identity(use)
    if use.licenses:
        names = {"other": str(use.live["license_name"])} \
            if use.live and use.live.get("license_name") else {}
        comp["licenses"] = _license_list(use.licenses, names)
    for key, value in (("purl", purl_for(use)), ("externalReferences", _external_refs(use)),
                       ("modelCard", _model_card(use))):
        if value:
            comp[key] = value
    ancestors = _ancestors(use)
    if ancestors:
        comp["pedigree"] = {"ancestors": ancestors}
    comp["evidence"] = {"occurrences": [_occurrence(r)
                                        for r in use.shown_references(include_vendored)]}
    comp["properties"] = _properties(use)
    return comp


def _identity(use: ModelUse) -> dict[str, Any]:
    """Name, group, supplier, authors, version and description of a model component."""
    if use.source_hub == PYTORCH_HUB:
        group, _, short = use.model.partition(":")
    else:
        group, _, short = use.model.rpartition("/")
    comp: dict[str, Any] = {"type": "machine-learning-model", "bom-ref": model_ref(use),
                            "name": short or use.model}
    if group:
        comp["group"] = group
        owner = group.split("/")[0]
        supplier_url = (f"https://huggingface.co/{owner}" if use.source_hub == HUGGINGFACE
                        else f"https://github.com/{owner}")
        comp["supplier"] = {"name": owner, "url": [supplier_url]}
    if use.author:
        comp["authors"] = [{"name": use.author}]
    version = use.sha or (use.revisions[0] if len(use.revisions) == 1 else None)
    if version:
        comp["version"] = version
    if use.card and use.card.get("task"):
        comp["description"] = f"{use.card['task']} model"
    return comp


def _properties(use: ModelUse) -> list[dict[str, str]]:
    """The ``ptmx:*`` properties: where the data came from, the verdict, the card's gaps."""
    props = [_prop("hub", use.source_hub), _prop("in_dataset", use.in_dataset),
             _prop("found_by", use.found_by)]
    if use.license_source:
        props.append(_prop("license_source", use.license_source))
    live = use.live or {}
    if live.get("weights"):
        props.append(_prop("weights", str(live["weights"])))
    for risk in hub_risks(use):
        props.append(_prop("risk", f"{risk['id']} ({risk.get('severity')}): "
                                   f"{risk.get('explanation') or ''}".rstrip(": ")))
    if use.revisions:
        props.append(_prop("revision_pinned", ", ".join(use.revisions)))
    if use.reuse_count is not None:
        props.append(_prop("dataset_reuse_count", str(use.reuse_count)))
    if use.verdict:
        props.append(_prop("license_verdict", use.verdict.verdict))
        for key, value in (("reason", use.verdict.reason), ("fix", use.verdict.fix),
                           ("clause", use.verdict.clause)):
            if value:
                props.append(_prop(f"license_{key}", str(value)))
    if use.card_check:
        if use.card_check.completeness is not None:
            props.append(_prop("card_completeness", str(use.card_check.completeness)))
        for gap in use.card_check.missing:
            props.append(_prop(f"card_missing_{gap.severity or 'field'}",
                               str(gap.label or gap.field)))
    if use.live:
        props.append(_prop("hub_status", str(use.live.get("status"))))
        if use.live.get("sha") and use.live.get("sha") != use.sha:
            props.append(_prop("hub_sha_now", str(use.live["sha"])))
    return props


def _occurrence(ref: Any) -> dict[str, Any]:
    occ: dict[str, Any] = {"location": ref.path if ref.cell is None
                           else f"{ref.path}#cell={ref.cell}"}
    occ["line"] = ref.line
    occ["offset"] = ref.column
    if ref.call:
        occ["symbol"] = ref.call
    if ref.snippet:
        occ["additionalContext"] = ref.snippet
    return occ


def to_cyclonedx(report: ScanReport, *, serial: str | None = None,
                 timestamp: str | None = None) -> dict[str, Any]:
    """The scan as a CycloneDX 1.6 BOM (a JSON-ready dict)."""
    name = report.project.get("name") or "project"
    root_ref = f"project:{name}"
    root: dict[str, Any] = {"type": "application", "bom-ref": root_ref, "name": name}
    if report.project.get("version"):
        root["version"] = report.project["version"]
    licenses = _project_licenses(report.project_license.expression)
    if licenses:
        root["licenses"] = licenses
    meta_props = [_prop("activity", report.activity)]
    for source in report.project_license.sources:
        meta_props.append(_prop("project_license_source", f"{source['file']} ({source['kind']}): "
                                f"{source.get('spdx') or source['found']}"))
    if report.dataset.get("name"):
        meta_props.append(_prop("dataset", str(report.dataset["name"])))
    for note in report.project_license.notes:
        meta_props.append(_prop("project_license_note", note))
    for ref in report.unresolved:
        meta_props.append(_prop("unresolved_reference", f"{ref.location}: {ref.reason}"))
    stamp = timestamp or dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat() \
        .replace("+00:00", "Z")
    if report.set_aside.get("references"):
        meta_props.append(_prop("vendored_set_aside",
                                f"{report.set_aside['references']} reference(s), "
                                f"{report.set_aside['models']} model(s) only found in vendored "
                                "library copies or catalogues (--include-vendored lists them)"))
    components = [model_component(u, report.include_vendored) for u in report.listed()]
    return {
        "$schema": SCHEMA_URL,
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "serialNumber": serial or f"urn:uuid:{uuid.uuid4()}",
        "version": 1,
        "metadata": {
            "timestamp": stamp,
            "tools": {"components": [{
                "type": "application", "name": "ptmx", "version": __version__,
                "description": "pre-trained-model supply-chain explorer (PeaTMOSS)"}]},
            "component": root,
            "properties": meta_props,
        },
        "components": components,
        "dependencies": [
            {"ref": root_ref, "dependsOn": [c["bom-ref"] for c in components]},
            *({"ref": c["bom-ref"]} for c in components),
        ],
    }
