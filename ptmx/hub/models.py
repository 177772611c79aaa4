"""What the hub says about a model, normalised: :class:`HubModelInfo` and :class:`HubListItem`.

The API's types drift (``gated`` as bool or "auto"/"manual", ``license`` and ``base_model`` as a
string or a list, ``datasets`` as a bare string, ``baseModels`` as a dict or a list,
``childrenModelCount`` as an int or a dict of counts); everything is normalised here once so the
CLI, the TUI, the drift and the snapshot writer all read the same plain fields.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from ptmx.hub.artifacts import Artifacts, artifacts_from

RELATIONS = ("finetune", "quantized", "adapter", "merge")

# `expand` values asked for on /api/models/{id}: one tested constant (a typo gives HTTP 400).
MODEL_INFO_EXPAND = (
    "author", "sha", "lastModified", "createdAt", "private", "gated", "disabled", "downloads",
    "downloadsAllTime", "likes", "library_name", "pipeline_tag", "tags", "cardData", "config",
    "baseModels", "childrenModelCount", "safetensors", "usedStorage", "trendingScore",
    "siblings", "gguf", "spaces",
)
# The second, optional call (``expand`` cannot be combined with these): file sizes and the hub's
# own security scan.
FILES_PARAMS = (("blobs", "true"), ("securityStatus", "true"))
# The hub lists at most this many Spaces per model.
SPACES_CAP = 100
# ... and on /api/models listings (children, search).
LIST_EXPAND = (
    "author", "downloads", "likes", "pipeline_tag", "library_name", "tags", "lastModified",
    "createdAt", "gated", "private", "siblings",
)

# createdAt values at (or a second after) this floor mean "created before the hub stored dates".
_CREATED_FLOOR = "2022-03-02T23:29:0"

_REPO_ID = re.compile(r"^(?:[\w\-.]+/)?[\w\-.]{1,96}$")


def valid_repo_id(text: str) -> bool:
    """The hub's own client-side rule for repo ids (``name`` or ``namespace/name``)."""
    return (
        bool(_REPO_ID.match(text)) and "--" not in text and ".." not in text
        and not text.endswith(".git") and not text.startswith(("-", ".")) and len(text) <= 96 * 2
    )


def as_list(value: Any) -> list[str]:
    """A str-or-list field as a list of non-empty strings."""
    if value is None or value is False:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list | tuple):
        return [str(v) for v in value if v is not None and str(v).strip()]
    return [str(value)]


def _gated(value: Any) -> str | None:
    if value in (None, False, "false", "False", ""):
        return None
    if value is True:
        return "auto"  # legacy boolean gating was migrated to "auto"
    return str(value)


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    return None


def _text(value: Any) -> str | None:
    """A field the API types as a string: None when the answer holds anything else."""
    return value if isinstance(value, str) else None


def _tag_values(tags: list[str], prefix: str) -> list[str]:
    return [t[len(prefix):] for t in tags if t.startswith(prefix) and len(t) > len(prefix)]


def _base_models(payload: dict[str, Any], tags: list[str], card: dict[str, Any]
                 ) -> tuple[list[str], str | None, str]:
    """(parent ids, relation, where it came from): baseModels > tags > cardData."""
    raw = payload.get("baseModels")
    if isinstance(raw, dict):
        models = [m.get("id") if isinstance(m, dict) else m for m in raw.get("models") or []]
        ids = [str(m) for m in models if m]
        if ids:
            return ids, _text(raw.get("relation")), "baseModels"
    elif isinstance(raw, list) and raw:
        ids = [str(m.get("id") if isinstance(m, dict) else m) for m in raw if m]
        if ids:
            return ids, None, "baseModels"
    relation = None
    typed: list[str] = []
    for rel in RELATIONS:
        found = _tag_values(tags, f"base_model:{rel}:")
        if found:
            relation = relation or rel
            typed.extend(found)
    if typed:
        return list(dict.fromkeys(typed)), relation, "tags"
    plain = [t for t in _tag_values(tags, "base_model:")
             if not any(t.startswith(f"{rel}:") for rel in RELATIONS)]
    if plain:
        return plain, None, "tags"
    declared = as_list(card.get("base_model"))
    card_relation = card.get("base_model_relation")
    return declared, (str(card_relation) if card_relation else None), \
        "cardData" if declared else "none"


def _corrected(relation: str | None, bases: list[str], artifacts: Artifacts
               ) -> tuple[str | None, str | None]:
    """(relation, the hub's relation when the files contradict it): an adapter-only repository
    is an adapter, a GGUF/GPTQ/AWQ/EXL2 one is quantized, whatever its tag says."""
    hint = artifacts.relation_hint
    if not bases or hint is None or hint == relation or relation == "merge":
        return relation, None
    return hint, relation or "unspecified"


def _children_counts(value: Any) -> dict[str, int]:
    if isinstance(value, dict):
        return {str(k): int(v) for k, v in value.items() if _int(v) is not None}
    count = _int(value)
    return {"all": count} if count is not None else {}


@dataclass
class HubModelInfo:
    """A model as the hub shows it now (or as the cache last saw it)."""

    id: str  # canonical id now (the new one after a rename)
    requested_id: str
    renamed_from: str | None
    author: str | None
    sha: str | None
    last_modified: str | None
    created_at: str | None  # None when the hub only has its pre-2022 floor date
    private: bool
    gated: str | None  # None, "auto" or "manual"
    disabled: bool
    downloads: int | None  # last 30 days
    downloads_all_time: int | None
    likes: int | None
    trending_score: int | None
    library_name: str | None
    pipeline_tag: str | None
    licenses: list[str]
    license_name: str | None  # for license "other": the slug the card gives
    license_link: str | None
    tags: list[str]
    datasets: list[str]
    papers: list[str]
    base_models: list[str]
    base_model_relation: str | None
    base_model_source: str  # baseModels | tags | cardData | none
    children_count: dict[str, int]
    parameter_count: int | None
    model_type: str | None
    used_storage: int | None
    card_data: dict[str, Any]
    fetched_at: float  # epoch seconds
    artifacts: Artifacts | None = None  # weight files, formats, risks
    spaces: list[str] = field(default_factory=list)  # Spaces using the model (hub caps at 100)
    declared_base_models: list[str] = field(default_factory=list)  # card parents the hub omits
    relation_corrected_from: str | None = None  # the hub's relation when the files contradict it
    source: str = "live"  # live | cache | offline-cache
    stale: bool = False  # served from an expired cache entry (offline)
    warnings: list[str] = field(default_factory=list)

    @property
    def renamed(self) -> bool:
        """Whether the hub answered under another id than the one asked for."""
        return self.renamed_from is not None

    @property
    def availability(self) -> str:
        """public / gated (auto|manual) / private / disabled."""
        if self.disabled:
            return "disabled"
        if self.private:
            return "private"
        if self.gated:
            return f"gated ({self.gated})"
        return "public"

    @property
    def license(self) -> str | None:
        """The license tags joined with AND (as the snapshot shows them), or None."""
        return " AND ".join(self.licenses) if self.licenses else None

    @property
    def children_total(self) -> int | None:
        """Derived models of every relation, if the hub said."""
        return sum(self.children_count.values()) if self.children_count else None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (includes the derived ``availability`` and ``license``)."""
        data = asdict(self)
        data["availability"] = self.availability
        data["license"] = self.license
        data["children_total"] = self.children_total
        data["artifacts"] = self.artifacts.to_dict() if self.artifacts else None
        data["weights"] = self.weights
        data["risks"] = [r.to_dict() for r in self.artifacts.risks] if self.artifacts else []
        data["spaces_capped"] = self.spaces_capped
        data["lineage"] = self.lineage
        return data

    @property
    def weights(self) -> str:
        """The repository's kind of weights (see :data:`ptmx.hub.artifacts.WEIGHT_KINDS`)."""
        return self.artifacts.weights if self.artifacts else "unknown"

    def supply_chain(self) -> dict[str, Any]:
        """What a scan or a model page shows about the files and lineage, in one dict:
        ``weights``, ``weight_formats``, ``pickle_only``, ``risks`` (dicts with id, severity,
        explanation, fix, files), ``security`` (the hub's scan), ``lineage``, ``spaces``."""
        art = self.artifacts
        return {
            "weights": self.weights, "weight_formats": art.formats if art else [],
            "pickle_only": art.pickle_only if art else False,
            "risks": [r.to_dict() for r in art.risks] if art else [],
            "security": art.security if art else None, "lineage": self.lineage,
            "spaces": self.spaces, "spaces_capped": self.spaces_capped,
        }

    @property
    def spaces_capped(self) -> bool:
        """Whether the Spaces list hit the hub's cap (there may be more)."""
        return len(self.spaces) >= SPACES_CAP

    @property
    def lineage(self) -> list[dict[str, Any]]:
        """Typed parent edges: ``{parent, relation, source}``; ``source`` is ``hub`` (baseModels
        or tags), ``declared`` (only the card names it) ; ``corrected_from`` when ptmx changed the
        hub's relation from the files."""
        edges: list[dict[str, Any]] = []
        declared_only = self.base_model_source == "cardData"
        for parent in self.base_models:
            edges.append({"parent": parent, "relation": self.base_model_relation,
                          "source": "declared" if declared_only else "hub",
                          "corrected_from": self.relation_corrected_from})
        for parent in self.declared_base_models:
            edges.append({"parent": parent, "relation": None, "source": "declared",
                          "corrected_from": None})
        return edges

    def attach_files(self, payload: Any) -> None:
        """Merge a ``blobs=true&securityStatus=true`` answer: sizes and the hub's scan."""
        if not isinstance(payload, dict):
            return
        merged = {"siblings": payload.get("siblings"),
                  "securityRepoStatus": payload.get("securityRepoStatus")}
        before = self.artifacts
        if before is not None and not isinstance(merged["siblings"], list):
            return
        self.artifacts = artifacts_from(
            {**merged, "safetensors": {"parameters": before.dtypes, "total": before.parameters}
             if before and before.dtypes else payload.get("safetensors"),
             "gguf": before.gguf if before and before.gguf else payload.get("gguf")},
            repo_id=self.id, tags=self.tags, license_link=self.license_link)

    @classmethod
    def from_payload(cls, payload: Any, requested_id: str, *, fetched_at: float,
                     source: str = "live") -> HubModelInfo:
        """Normalise an /api/models/{id} JSON object; ValueError if it is not one."""
        if not isinstance(payload, dict) or not isinstance(payload.get("id"), str):
            raise ValueError("the answer is not a model object (no 'id')")
        raw_card = payload.get("cardData")
        card: dict[str, Any] = raw_card if isinstance(raw_card, dict) else {}
        tags = as_list(payload.get("tags"))
        live_id = payload["id"]
        licenses = as_list(card.get("license")) or _tag_values(tags, "license:")
        bases, relation, base_source = _base_models(payload, tags, card)
        created = payload.get("createdAt")
        if isinstance(created, str) and created.startswith(_CREATED_FLOOR):
            created = None
        safetensors = payload.get("safetensors")
        raw_config = payload.get("config")
        config: dict[str, Any] = raw_config if isinstance(raw_config, dict) else {}
        artifacts = artifacts_from(payload, repo_id=live_id, tags=tags,
                                   license_link=_text(card.get("license_link")))
        relation, corrected_from = _corrected(relation, bases, artifacts)
        known = {b.lower() for b in bases}
        declared = [d for d in as_list(card.get("base_model")) if d.lower() not in known]
        spaces = [s for s in as_list(payload.get("spaces"))]
        return cls(
            id=live_id,
            requested_id=requested_id,
            renamed_from=requested_id if live_id.lower() != requested_id.lower() else None,
            author=_text(payload.get("author")) or (live_id.split("/")[0] if "/" in live_id else None),
            sha=_text(payload.get("sha")),
            last_modified=_text(payload.get("lastModified")),
            created_at=_text(created),
            private=bool(payload.get("private")),
            gated=_gated(payload.get("gated")),
            disabled=bool(payload.get("disabled")),
            downloads=_int(payload.get("downloads")),
            downloads_all_time=_int(payload.get("downloadsAllTime")),
            likes=_int(payload.get("likes")),
            trending_score=_int(payload.get("trendingScore")),
            library_name=_text(payload.get("library_name")) or _text(card.get("library_name")),
            pipeline_tag=_text(payload.get("pipeline_tag")) or _text(card.get("pipeline_tag")),
            licenses=[lic.lower() for lic in licenses],
            license_name=_text(card.get("license_name")),
            license_link=_text(card.get("license_link")),
            tags=tags,
            datasets=as_list(card.get("datasets")) or _tag_values(tags, "dataset:"),
            papers=_tag_values(tags, "arxiv:"),
            base_models=bases,
            base_model_relation=relation,
            base_model_source=base_source,
            children_count=_children_counts(payload.get("childrenModelCount")),
            parameter_count=_int(safetensors.get("total")) if isinstance(safetensors, dict)
            else artifacts.parameters,
            model_type=_text(config.get("model_type")),
            used_storage=_int(payload.get("usedStorage")),
            card_data=card,
            fetched_at=fetched_at,
            artifacts=artifacts,
            spaces=list(dict.fromkeys(spaces)),
            declared_base_models=list(dict.fromkeys(declared)),
            relation_corrected_from=corrected_from,
            source=source,
        )


@dataclass
class HubListItem:
    """One model in a listing (search results, children of a base model)."""

    id: str
    author: str | None
    downloads: int | None
    likes: int | None
    pipeline_tag: str | None
    library_name: str | None
    licenses: list[str]
    relation: str | None  # relation to the parent, for children listings (ptmx's reading)
    gated: str | None
    last_modified: str | None
    weights: str = "unknown"  # from the listed files (see ptmx.hub.artifacts.WEIGHT_KINDS)
    hub_relation: str | None = None  # the hub's tag, when the files made ptmx correct it
    pickle_only: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        data = asdict(self)
        data["license"] = " AND ".join(self.licenses) if self.licenses else None
        return data

    @classmethod
    def from_payload(cls, payload: Any, parent: str | None = None) -> HubListItem:
        """Normalise one item of /api/models; ValueError if it is not a model object."""
        if not isinstance(payload, dict) or not isinstance(payload.get("id"), str):
            raise ValueError("a listed item is not a model object (no 'id')")
        tags = as_list(payload.get("tags"))
        relation = None
        if parent:
            wanted = parent.lower()
            for rel in RELATIONS:
                if any(t.lower() == wanted for t in _tag_values(tags, f"base_model:{rel}:")):
                    relation = rel
                    break
        artifacts = artifacts_from(payload, repo_id=payload["id"], tags=tags, license_link=None)
        hub_relation = None
        if parent:
            relation, hub_relation = _corrected(relation, [parent], artifacts)
        return cls(
            weights=artifacts.weights, hub_relation=hub_relation,
            pickle_only=artifacts.pickle_only,
            id=payload["id"],
            author=payload.get("author"),
            downloads=_int(payload.get("downloads")),
            likes=_int(payload.get("likes")),
            pipeline_tag=payload.get("pipeline_tag"),
            library_name=payload.get("library_name"),
            licenses=[lic.lower() for lic in _tag_values(tags, "license:")],
            relation=relation,
            gated=_gated(payload.get("gated")),
            last_modified=_text(payload.get("lastModified")),
        )


# Framework-ish tags the hub adds, for a card-shaped view of the live metadata.
_FRAMEWORK_TAGS = ("pytorch", "tf", "tensorflow", "jax", "flax", "onnx", "keras", "safetensors",
                   "gguf", "rust", "coreml", "tflite", "openvino", "mlx")


def card_from_hub(info: HubModelInfo, readme: str | None = None) -> dict[str, Any]:
    """The live metadata shaped like a ``model_card`` row, so both can be compared or scored.

    Only fields the API can reveal are filled (the rest stay None: they live in README prose);
    ``readme`` (the raw README.md, when fetched) is passed along under the key ``readme``.
    """
    card = info.card_data
    co2 = card.get("co2_eq_emissions")
    hardware = co2.get("hardware_used") if isinstance(co2, dict) else None
    carbon = None
    if isinstance(co2, dict) and co2.get("emissions") is not None:
        carbon = str(co2.get("emissions"))
    elif isinstance(co2, int | float | str) and not isinstance(co2, bool):
        carbon = str(co2)
    index = card.get("model-index")
    frameworks = [t for t in info.tags if t in _FRAMEWORK_TAGS]
    if info.library_name and info.library_name not in frameworks:
        frameworks.insert(0, info.library_name)
    result: dict[str, Any] = {
        "model": info.id,
        "datasets": info.datasets or None,
        "frameworks": frameworks or None,
        "task": info.pipeline_tag,
        "model_type": info.model_type,
        "license": info.license,
        # An `other` license is only actionable with its name or link (card rules check this).
        "license_name": card.get("license_name"),
        "license_link": card.get("license_link"),
        "base_model": "; ".join(info.base_models) if info.base_models else None,
        "paper": "; ".join(f"arxiv:{p}" for p in info.papers) if info.papers else None,
        "github": None,
        "parameter_count": str(info.parameter_count) if info.parameter_count else None,
        "hardware": str(hardware) if hardware else None,
        "carbon": carbon,
        "limitations_and_bias": None,
        "demo": None,
        "input_format": None,
        "output_format": None,
        "hyper_parameters": None,
        "evaluation": json.dumps(index) if isinstance(index, list) and index else None,
        "source": "hub-api",
    }
    if readme is not None:
        result["readme"] = readme
    return result


# model_card columns the API can reveal; drift compares card fields on these only, since the
# others come from README prose that the API does not carry.
API_CARD_FIELDS = ("datasets", "frameworks", "task", "model_type", "license", "base_model",
                   "paper", "parameter_count", "hardware", "carbon", "evaluation")
