"""An AI bill of materials as SPDX 3.0.1 JSON-LD, built with the official SPDX 3 bindings.

The document (``SpdxDocument`` → ``software_Sbom``) describes the scanned project as a
``software_Package`` (purpose: application) and each model it loads as an ``ai_AIPackage``:

- name, version (the hub commit or the pinned revision), download location, package URL;
- ``suppliedBy`` the hub namespace (an ``Organization``), ``originatedBy`` the author;
- ``ai_typeOfModel`` (the architecture, e.g. ``llama``), ``ai_domain`` (the task),
  ``ai_limitation``, ``ai_hyperparameter`` and ``ai_metric`` where the card has them;
- relationships: project ``dependsOn`` model; model ``hasDeclaredLicense`` its license
  expression; model ``descendantOf`` each base model (itself an ``ai_AIPackage``; the kind of
  derivation — finetune, adapter, quantized, merge — its source — the dataset's, ``hub``, or
  ``declared`` for a parent only the card names — and the hub's relation when ptmx corrected it
  from the files are the relationship's comment);
- an ``Annotation`` per finding ptmx has about the model (license verdict, hub risks such as
  ``pickle-weights``), so SPDX tools show them next to the package.

Only this module knows the SPDX shape; the bindings check every property's type as it is set.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from spdx_python_model import v3_0_1 as spdx3

from ptmx import __version__
from ptmx.scan.bom import purl_for, spdx_id_for_tag
from ptmx.scan.detect import HUGGINGFACE, PYTORCH_HUB
from ptmx.scan.project_license import NOASSERTION
from ptmx.scan.report import ModelUse, ScanReport

CONTEXT_URL = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
SPEC_VERSION = "3.0.1"
_REF_CHARS = re.compile(r"[^A-Za-z0-9.\-]+")
_REL = spdx3.RelationshipType.NAMED_INDIVIDUALS
_PURPOSE = spdx3.software_SoftwarePurpose.NAMED_INDIVIDUALS
_PROFILE = spdx3.ProfileIdentifierType.NAMED_INDIVIDUALS


def license_ref(tag: str) -> str:
    """A hub license tag as an SPDX license id, else a ``LicenseRef-`` for it."""
    ident = spdx_id_for_tag(tag)
    if ident:
        return ident
    return "LicenseRef-" + (_REF_CHARS.sub("-", tag).strip("-") or "unknown")


def license_expression(tags: Iterable[str]) -> str | None:
    """Several license tags are all granted together: their AND."""
    refs = list(dict.fromkeys(license_ref(t) for t in tags if t and t.strip()))
    return " AND ".join(refs) if refs else None


class _Builder:
    """Elements of one document, with IRIs under one namespace."""

    def __init__(self, namespace: str, created: str) -> None:
        self.ns = namespace
        self.objects = spdx3.SHACLObjectSet()
        self.by_id: dict[str, Any] = {}  # every element, in the order it was made
        self.info = spdx3.CreationInfo(_id="_:creationinfo", specVersion=SPEC_VERSION,
                                       created=dt.datetime.fromisoformat(created))
        tool = self.element(spdx3.Tool, "tool/ptmx", name=f"ptmx {__version__}")
        agent = self.element(spdx3.SoftwareAgent, "agent/ptmx",
                             name="ptmx (pre-trained-model supply-chain explorer)")
        self.info.createdBy = [agent._id]
        self.info.createdUsing = [tool._id]
        self.agents: dict[str, Any] = {}
        self.licenses: dict[str, Any] = {}
        self.count = 0

    def iri(self, kind: str, name: str) -> str:
        return f"{self.ns}{kind}/{quote(name, safe='')}"

    def element(self, cls: Any, path: str, **props: Any) -> Any:
        kind, _, name = path.partition("/")
        iri = self.iri(kind, name)
        if iri in self.by_id:
            return self.by_id[iri]
        obj = cls(_id=iri, creationInfo=self.info)
        for key, value in props.items():
            if value not in (None, [], ""):
                setattr(obj, key, value)
        self.by_id[iri] = obj
        return self.objects.add(obj)

    def organization(self, name: str) -> Any:
        if name not in self.agents:
            self.agents[name] = self.element(spdx3.Organization, f"agent/{name}", name=name)
        return self.agents[name]

    def license(self, expression: str) -> Any:
        if expression not in self.licenses:
            self.licenses[expression] = self.element(
                spdx3.simplelicensing_LicenseExpression, f"license/{expression}",
                simplelicensing_licenseExpression=expression)
        return self.licenses[expression]

    def relate(self, source: Any, kind: str, targets: list[Any], comment: str | None = None
               ) -> Any:
        self.count += 1
        return self.element(spdx3.Relationship, f"relationship/{self.count}", from_=source,
                            relationshipType=_REL[kind], to=targets, comment=comment)

    def annotate(self, subject: Any, statement: str) -> None:
        self.count += 1
        self.element(spdx3.Annotation, f"annotation/{self.count}",
                     annotationType=spdx3.AnnotationType.NAMED_INDIVIDUALS["review"],
                     subject=subject, statement=statement)


def _location(use: ModelUse) -> str:
    if use.source_hub == HUGGINGFACE:
        return use.repo_url or f"https://huggingface.co/{use.model}"
    if use.source_hub == PYTORCH_HUB:
        return f"https://github.com/{use.model.split(':')[0]}"
    return "NOASSERTION"


def _entries(value: Any) -> list[Any]:
    """A card's hyperparameters or metrics (dict, JSON text, list or text) → DictionaryEntry."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (json.JSONDecodeError, RecursionError):
            return [spdx3.DictionaryEntry(key="text", value=value)]
    items: list[tuple[str, Any]] = []
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = [(str(i), v) for i, v in enumerate(value)]
    return [spdx3.DictionaryEntry(
        key=str(k), value=v if isinstance(v, str) else json.dumps(v, ensure_ascii=False,
                                                                  default=str))
        for k, v in items if v is not None and str(k)]


def _metrics(card: dict[str, Any]) -> list[Any]:
    """Evaluation results as metric entries: ``{"test": "ROUGE-1", "result": "42.9"}`` (and the
    like) becomes ROUGE-1 = 42.9; anything else stays as its JSON text."""
    evaluation = card.get("evaluation")
    if isinstance(evaluation, str):
        try:
            evaluation = json.loads(evaluation)
        except (json.JSONDecodeError, RecursionError):
            return _entries(evaluation)
    if not isinstance(evaluation, list):
        return _entries(evaluation) if evaluation else []
    out = []
    for i, entry in enumerate(evaluation):
        if isinstance(entry, dict):
            kind = next((entry[k] for k in ("metric", "test", "name", "type") if entry.get(k)),
                        None)
            value = next((entry[k] for k in ("result", "value", "score")
                          if entry.get(k) is not None), None)
            if kind is not None and value is not None and not isinstance(value, dict | list):
                out.append(spdx3.DictionaryEntry(key=str(kind), value=str(value)))
                continue
        if entry is not None:
            out.append(spdx3.DictionaryEntry(key=str(i), value=json.dumps(
                entry, ensure_ascii=False, default=str)))
    return out


def _model_props(use: ModelUse) -> dict[str, Any]:
    card = use.card or {}
    live = use.live or {}
    version = use.sha or live.get("sha") or (use.revisions[0] if len(use.revisions) == 1
                                             else None)
    types = [str(card["model_type"])] if card.get("model_type") else []
    return {
        "name": use.model,
        "software_packageVersion": version,
        "software_downloadLocation": _location(use),
        "software_packageUrl": purl_for(use),
        "software_primaryPurpose": _PURPOSE["model"],
        "ai_typeOfModel": types,
        "ai_domain": [str(card["task"])] if card.get("task") else [],
        "ai_limitation": str(card["limitations_and_bias"])
        if card.get("limitations_and_bias") else None,
        "ai_hyperparameter": _entries(card.get("hyper_parameters"))
        if card.get("hyper_parameters") else [],
        "ai_metric": _metrics(card),
        "ai_informationAboutTraining": "datasets: " + ", ".join(map(str, use.datasets))
        if use.datasets else None,
    }


def derivation(base: dict[str, Any]) -> str:
    """A ``descendantOf`` comment: the kind of derivation, where ptmx learnt of the parent, and
    the hub's relation when ptmx corrected it from the files, e.g. ``quantized (source: hub,
    corrected from finetune)`` or ``unspecified (source: declared)``."""
    text = f"{base.get('relation') or 'unspecified'} (source: {base.get('source') or 'unknown'}"
    if base.get("corrected_from"):
        text += f", corrected from {base['corrected_from']}"
    return text + ")"


def _model(b: _Builder, use: ModelUse) -> Any:
    pkg = b.element(spdx3.ai_AIPackage, f"model/{use.source_hub}:{use.model}",
                    **_model_props(use))
    owner = use.model.partition(":")[0] if use.source_hub == PYTORCH_HUB \
        else use.model.rpartition("/")[0]
    if owner:
        pkg.suppliedBy = b.organization(owner.split("/")[0])
    if use.author and use.author != owner:
        pkg.originatedBy = [b.organization(use.author)]
    expression = license_expression(use.licenses)
    if expression:
        b.relate(pkg, "hasDeclaredLicense", [b.license(expression)])
    for base in use.base_models:
        name = base.get("base_model")
        if not name:
            continue
        parent = b.element(spdx3.ai_AIPackage, f"model/{use.source_hub}:{name}", name=str(name),
                           software_downloadLocation=f"https://huggingface.co/{name}"
                           if use.source_hub == HUGGINGFACE else "NOASSERTION",
                           software_primaryPurpose=_PURPOSE["model"])
        b.relate(pkg, "descendantOf", [parent], comment=derivation(base))
    _annotations(b, pkg, use)
    return pkg


def _annotations(b: _Builder, pkg: Any, use: ModelUse) -> None:
    if use.verdict:
        text = f"ptmx license verdict ({use.verdict.verdict}): {use.verdict.reason}"
        if use.verdict.fix:
            text += f" Fix: {use.verdict.fix}"
        b.annotate(pkg, text)
    live = use.live or {}
    if live.get("weights"):
        b.annotate(pkg, f"ptmx weights on the hub: {live['weights']}")
    for risk in live.get("risks") or []:
        if isinstance(risk, dict) and risk.get("id"):
            b.annotate(pkg, f"ptmx risk {risk['id']} ({risk.get('severity')}): "
                            f"{risk.get('explanation')}. Fix: {risk.get('fix')}")


def to_spdx(report: ScanReport, *, namespace: str | None = None,
            created: str | None = None) -> dict[str, Any]:
    """The scan as an SPDX 3.0.1 JSON-LD document (a JSON-ready dict)."""
    ns = namespace or f"https://spdx.org/spdxdocs/ptmx/{uuid.uuid4()}/"
    stamp = created or dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat() \
        .replace("+00:00", "Z")
    b = _Builder(ns, stamp)
    name = report.project.get("name") or "project"
    project = b.element(spdx3.software_Package, f"project/{name}", name=name,
                        software_packageVersion=report.project.get("version"),
                        software_primaryPurpose=_PURPOSE["application"],
                        software_downloadLocation="NOASSERTION")
    expression = report.project_license.expression
    if expression and expression != NOASSERTION:
        b.relate(project, "hasDeclaredLicense", [b.license(expression)])
    models = [_model(b, use) for use in report.models]
    if models:
        b.relate(project, "dependsOn", models,
                 comment=f"the project's code loads these models (activity: {report.activity})")
    sbom = b.element(spdx3.software_Sbom, f"sbom/{name}", name=f"AI BOM of {name}",
                     software_sbomType=[spdx3.software_SbomType.NAMED_INDIVIDUALS["analyzed"]],
                     rootElement=[project])
    elements = [o for o in b.by_id.values() if o is not sbom]
    sbom.element = elements
    b.element(spdx3.SpdxDocument, f"document/{name}", name=f"ptmx scan of {name}",
              rootElement=[sbom], element=[sbom, *elements],
              profileConformance=[_PROFILE[p] for p in ("core", "software", "ai",
                                                        "simpleLicensing")],
              dataLicense=b.license("CC0-1.0"))
    data: dict[str, Any] = spdx3.JSONLDSerializer().serialize_data(b.objects)
    return data
