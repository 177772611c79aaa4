"""Card data from outside the dataset, turned into the facts the rules need.

:func:`card_facts` accepts every card shape ptmx meets:

- a ``model_card`` row or a hand-checked card (``model_metadata_sample.json``), flat fields under
  ptmx's or PeaTMOSS's names (``limitation_and_bias``, ``upstream_model``, ...);
- what :func:`ptmx.hub.models.card_from_hub` builds from the live API (``source: "hub-api"``,
  ``license``/``base_model`` there are the hub's metadata, prose only under ``readme``);
- a raw ``/api/models/{id}`` payload (``cardData``, ``tags``, ``safetensors``) or a
  ``HubModelInfo.to_dict()`` (``card_data``, ``licenses``, ``base_models``, ``papers``);
- the README itself under ``readme`` / ``text`` (YAML header and Markdown sections).

Fields only prose can reveal (limitations, usage, hyper-parameters, ...) are "not assessed" when a
card carries the hub's metadata but no prose — the README may well have them. A flat card is taken
as read by a person (as PeaTMOSS's hand-checked ones are): a field it leaves empty is missing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ptmx.cards.results import Evidence
from ptmx.cards.rules import (
    RULES,
    SOURCE_HUB,
    derived_name_hint,
    filled,
    is_link,
    license_key,
)

TEXT_KEYS = ("readme", "text", "card_text", "content", "card")
HUB_API_SOURCE = "hub-api"  # ptmx.hub.models.card_from_hub
# Keys that name a card rather than say anything in it.
_IDENTITY_KEYS = frozenset({"model", "model_id", "id", "modelId", "source", "sha"})
# The hub's structured metadata records these; the others live in README prose.
METADATA_NATIVE = frozenset({"license", "datasets", "base_model"})

# Sentences the Hugging Face card template ships with; they say nothing about the model.
_TEMPLATE_SENTENCES = (
    "Use the code below to get started with the model.",
    "Users (both direct and downstream) should be made aware of the risks, biases and "
    "limitations of the model. More information needed for further recommendations.",
    "Carbon emissions can be estimated using the [Machine Learning Impact calculator]"
    "(https://mlco2.github.io/impact#compute) presented in [Lacoste et al. (2019)]"
    "(https://arxiv.org/abs/1910.09700).",
    "This is the model card of a 🤗 transformers model that has been pushed on the Hub. "
    "This model card has been automatically generated.",
)
_PLACEHOLDER_MARK = re.compile(r"\[?more information needed\]?\.?", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
_KV = re.compile(r"^[ \t]*(?:[-*+][ \t]*)?\*\*(?P<key>[^*]+?)\*\*[ \t]*:?[ \t]*(?P<value>.*)$")

# Heading words → rules a section documents.
_SECTIONS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (key, re.compile(pattern, re.IGNORECASE)) for key, pattern in (
        ("limitations_and_bias", r"limitation|\bbias|\brisks?\b"),
        ("evaluation", r"evaluation|\bresults?\b|benchmark|performance|\bmetrics?\b"),
        ("hyper_parameters", r"hyper[- ]?parameters?"),
        ("hardware", r"hardware|compute infrastructure"),
        ("carbon", r"environmental impact|carbon|\bco2|emission"),
        ("demo", r"\bhow to\b|\busage\b|\buses?\b|\bintended\b|get(ting)? started|quick ?start"
                 r"|\bexamples?\b|\bdemo\b|\binference\b"),
        ("input_format", r"\binputs?\b"),
        ("output_format", r"\boutputs?\b"),
        ("paper", r"citation|\bcite\b|\bpapers?\b|bibtex|\breferences?\b|publication"),
        ("datasets", r"training data|\bdatasets?\b|training corpus|pre-?training data"),
        ("license", r"\blicen[cs]e\b"),
        ("grant", r"funding|\bfunded\b|\bgrants?\b|sponsor"),
        ("parameter_count", r"model size|parameter count|number of parameters"),
    )
)
# "**Key:** value" lines (the hub template's model-details list) → rules.
_KV_KEYS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (key, re.compile(pattern, re.IGNORECASE)) for key, pattern in (
        ("license", r"^licen[cs]e$"),
        ("grant", r"^funded by|^funding|^grant"),
        ("base_model", r"^(fine-?tuned from|base model)"),
        ("hardware", r"^hardware"),
        ("carbon", r"^carbon"),
        ("paper", r"^paper"),
        ("demo", r"^demo"),
        ("parameter_count", r"^(model size|parameters|number of parameters)"),
        ("datasets", r"^(training data|datasets?)$"),
    )
)
_FINETUNED_OF = re.compile(
    r"fine-?tuned (?:version|checkpoint) of \[?`?([A-Za-z0-9][\w.-]*(?:/[\w.-]+)?)", re.IGNORECASE)
_ARXIV = re.compile(r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5})|\barxiv:\s*(\d{4}\.\d{4,5})",
                    re.IGNORECASE)
_BIBTEX = re.compile(r"@(?:article|inproceedings|misc|techreport)\s*\{", re.IGNORECASE)
_PARAMS = re.compile(
    r"\b\d+(?:[.,]\d+)?\s*(?:[KMBT]|million|billion|trillion)\b\s*(?:trainable\s+)?param",
    re.IGNORECASE)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple | set):
        return list(value)
    return [value]


def _short(value: Any, limit: int = 120) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _mapping(value: Any) -> dict[str, Any]:
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, str) and value.strip().startswith("{"):
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError:
            return {}
        return parsed if isinstance(parsed, dict) else {}
    return {}


# --- README -------------------------------------------------------------------------------------

def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """A README → (its YAML header's simple keys, the Markdown body).

    Only what the rules need is read: top-level ``key: value`` scalars and ``key:`` followed by
    ``- item`` lists; a nested block (``model-index``, ``co2_eq_emissions``) is kept as its text.
    """
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        return {}, text
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
    except StopIteration:
        return {}, text
    meta: dict[str, Any] = {}
    key: str | None = None
    for line in lines[1:end]:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace() and ":" in line and not line.startswith("-"):
            key, _, value = line.partition(":")
            key = key.strip()
            value = value.strip().strip("'\"")
            meta[key] = value if value else []
        elif key is not None:
            item = line.strip()
            current = meta.get(key)
            if item.startswith("- ") and isinstance(current, list):
                current.append(item[2:].strip().strip("'\""))
            elif isinstance(current, list) and not current:
                meta[key] = item  # a nested mapping: keep its first line as evidence
            elif isinstance(current, str) and current and not item.startswith("- "):
                meta[key] = current  # further nested lines add nothing the rules need
    return meta, "\n".join(lines[end + 1:])


def _clean(body: str) -> str:
    body = _COMMENT.sub("", body)
    for sentence in _TEMPLATE_SENTENCES:
        body = body.replace(sentence, "")
    return body


def _said(lines: Sequence[str]) -> str:
    """What a block of Markdown actually says: headings dropped, "**Key:** value" reduced to the
    value, template placeholders removed."""
    kept = []
    for line in lines:
        if _HEADING.match(line):
            continue
        kv = _KV.match(line)
        text = kv.group("value") if kv else line
        text = _PLACEHOLDER_MARK.sub("", text).strip(" \t-*>|")
        if text:
            kept.append(text)
    return "\n".join(kept)


def _key_value_line(line: str, note: Callable[[str, str], None], meta: dict[str, Any]) -> None:
    """Evidence from a "**Key:** value" line (the hub template's model-details list); the first
    license and base model so named go into ``meta`` as ``_card_license`` / ``_card_base``."""
    kv = _KV.match(line)
    if not kv:
        return
    name = kv.group("key").replace("[optional]", "").strip(" :").lower()
    value = _PLACEHOLDER_MARK.sub("", kv.group("value")).strip()
    for key, pattern in _KV_KEYS:
        if pattern.search(name) and filled(value):
            note(key, f"'{kv.group('key').strip(' :')}: {_short(value, 80)}'")
            if key == "license":
                meta.setdefault("_card_license", value)
            if key == "base_model":
                meta.setdefault("_card_base", value)


def readme_evidence(text: str) -> tuple[dict[str, list[Evidence]], dict[str, Any]]:
    """Evidence per rule from a README, and what its header says (see
    :func:`split_front_matter`). Also returns, under the header key ``_card_license`` and
    ``_card_base``, a license or base model the prose names."""
    meta, body = split_front_matter(text)
    body = _clean(body)
    lines = body.splitlines()
    found: dict[str, list[Evidence]] = {}

    def note(key: str, detail: str) -> None:
        found.setdefault(key, []).append(Evidence(SOURCE_HUB, detail))

    headings = [(i, len(m.group(1)), m.group(2)) for i, line in enumerate(lines)
                if (m := _HEADING.match(line))]
    for n, (start, level, title) in enumerate(headings):
        end = next((i for i, lv, _ in headings[n + 1:] if lv <= level), len(lines))
        said = _said(lines[start + 1:end])
        for key, pattern in _SECTIONS:
            if pattern.search(title) and filled(said):
                note(key, f"section '{title.strip()}' ({len(said):,} characters)")
    for line in lines:
        _key_value_line(line, note, meta)
    if (m := _FINETUNED_OF.search(body)) and "_card_base" not in meta:
        meta["_card_base"] = m.group(1)
        note("base_model", f"text: 'fine-tuned version of {m.group(1)}'")
    arxiv = sorted({a or b for a, b in _ARXIV.findall(body)})
    if arxiv:
        note("paper", "links arXiv " + ", ".join(arxiv[:5]))
    elif _BIBTEX.search(body):
        note("paper", "BibTeX entry")
    if m := _PARAMS.search(body):
        note("parameter_count", f"text: '{_short(m.group(0), 40)}'")
    return found, meta


# --- the card -----------------------------------------------------------------------------------

class _Reading:
    """What one card says, gathered source by source: evidence per rule, the hub's license tags
    and base models, and the license and base model the card itself names."""

    def __init__(self, card: Mapping[str, Any], hub_tags: Sequence[str] | None) -> None:
        self.card = card
        self.declared = card.get("source")
        self.api_shaped = self.declared == HUB_API_SOURCE
        self.meta = _mapping(card.get("cardData")) or _mapping(card.get("card_data"))
        self.text: str | None = next(
            (card[k] for k in TEXT_KEYS if isinstance(card.get(k), str) and card[k].strip()),
            None)
        self.found: dict[str, list[Evidence]] = {}
        if self.text is not None:
            self.found, header = readme_evidence(self.text)
            for key, value in header.items():
                self.meta.setdefault(key, value)
        self.tags = [str(t).lower() for t in [*_as_list(card.get("tags")),
                                              *_as_list(self.meta.get("tags")), *(hub_tags or [])]
                     if filled(t)]
        self.hub_metadata = bool(self.meta) or bool(self.tags) or self.api_shaped \
            or hub_tags is not None or "licenses" in card
        self.label = f"{self.declared}" if self.declared else (
            SOURCE_HUB if self.hub_metadata else "card")
        self.card_license: str | None = self.meta.pop("_card_license", None)
        self.card_base: str | None = self.meta.pop("_card_base", None)
        self.tag_values: list[str] = []
        self.hub_bases: list[str] = []

    def note(self, key: str, source: str, detail: str) -> None:
        self.found.setdefault(key, []).append(Evidence(source, detail))

    def tagged(self, prefix: str) -> list[str]:
        return [t for t in self.tags if t.startswith(prefix)]

    def flat_fields(self) -> None:
        """Flat fields (the card as a person read it), or the hub's metadata when API-shaped:
        in ptmx.hub's shapes the top-level license/base model/datasets are the hub's."""
        card = self.card
        hub_fields = {"license", "base_model", "datasets"} \
            if self.api_shaped or "licenses" in card or "base_models" in card else set()
        for r in RULES:
            for name in r.card_keys:
                value = card.get(name)
                if not filled(value):
                    continue
                if r.key in hub_fields:  # noted once later, with the rest of the metadata
                    self._hub_field(r.key, f"{name} = {_short(value)}", value)
                    continue
                self._card_field(r.key, f"{name} = {_short(value)}", value)
                break

    def _hub_field(self, key: str, where: str, value: Any) -> None:
        if key == "license":
            self.tag_values += [v.strip() for v in str(value).split(" AND ")]
        elif key == "base_model":
            self.hub_bases += [v.strip() for v in str(value).split(";") if v.strip()]
        else:
            self.note(key, SOURCE_HUB, f"metadata {where}")

    def _card_field(self, key: str, where: str, value: Any) -> None:
        self.note(key, self.label, where)
        if key == "license" and self.card_license is None and isinstance(value, str):
            self.card_license = value
        if key == "base_model" and self.card_base is None:
            self.card_base = str(value)

    def hub_extras(self) -> None:
        """HubModelInfo.to_dict() / raw payload extras."""
        card = self.card
        self.tag_values += [str(v) for v in _as_list(card.get("licenses")) if filled(v)]
        self.hub_bases += [str(v) for v in _as_list(card.get("base_models")) if filled(v)]
        safetensors = card.get("safetensors")
        if isinstance(safetensors, Mapping) and filled(safetensors.get("total")):
            self.note("parameter_count", SOURCE_HUB,
                      f"safetensors total = {safetensors['total']}")

    def metadata(self, license_tags: Sequence[str] | None) -> None:
        """The YAML header / cardData, and the hub's tags."""
        meta = self.meta
        self.tag_values = [str(t) for t in license_tags or []] + self.tag_values
        if filled(meta.get("license")):
            self.tag_values += [str(v) for v in _as_list(meta["license"]) if filled(v)]
        self.tag_values += [t.split(":", 1)[1] for t in self.tagged("license:")]
        if self.tag_values:
            self.note("license", SOURCE_HUB,
                      "license tag " + ", ".join(dict.fromkeys(self.tag_values)))
        if filled(meta.get("datasets")):
            self.note("datasets", SOURCE_HUB, f"metadata datasets = {_short(meta['datasets'])}")
        if datasets := self.tagged("dataset:"):
            self.note("datasets", SOURCE_HUB, "tags " + ", ".join(datasets)[:120])
        self.hub_bases += [str(v) for v in _as_list(meta.get("base_model")) if filled(v)]
        self.hub_bases += [t.split(":")[-1] for t in self.tagged("base_model:")]
        # tags are lower case: keep each base once, first spelling first
        self.hub_bases = list({b.lower(): b for b in reversed(self.hub_bases)}.values())[::-1]
        if self.hub_bases:
            self.note("base_model", SOURCE_HUB, "metadata base_model " + ", ".join(self.hub_bases))
        if arxiv := self.tagged("arxiv:"):
            self.note("paper", SOURCE_HUB, "tags " + ", ".join(arxiv))
        if filled(meta.get("model-index")):
            self.note("evaluation", SOURCE_HUB, "metadata model-index")
        if filled(meta.get("co2_eq_emissions")):
            self.note("carbon", SOURCE_HUB,
                      f"metadata co2_eq_emissions = {_short(meta['co2_eq_emissions'])}")

    def presence(self, prose: bool) -> dict[str, bool | None]:
        """Per rule: documented, not documented, or None (nothing read here can tell)."""
        has: dict[str, bool | None] = {}
        for r in RULES:
            documented = bool(self.found.get(r.key))
            if r.in_card_schema:
                can_tell = prose or r.key in METADATA_NATIVE or documented
            else:  # only prose or an explicit field can say (grant)
                can_tell = self.text is not None or documented \
                    or any(k in self.card for k in r.card_keys)
            has[r.key] = documented if can_tell else None
        return has

    def license_facts(self) -> dict[str, Any]:
        """The license the card names and the hub's tags, as comparable keys."""
        meta, card = self.meta, self.card
        license_name = meta.get("license_name") or card.get("license_name")
        license_link = meta.get("license_link") or card.get("license_link")
        card_key = license_key(self.card_license)
        if card_key in (None, "other") and filled(license_name):  # `other`, named in metadata
            card_key = license_key(license_name)
        return {
            "license_tags": list(dict.fromkeys(self.tag_values)),
            "license_tag_keys": sorted({k for t in self.tag_values if (k := license_key(t))}),
            "card_license": self.card_license, "card_license_key": card_key,
            "card_license_link": is_link(self.card_license) or filled(license_link),
        }


def card_facts(
    card: Mapping[str, Any],
    *,
    model: str | None = None,
    license_tags: Sequence[str] | None = None,
    hub_tags: Sequence[str] | None = None,
    prose: bool | None = None,
) -> tuple[dict[str, Any], dict[str, list[Evidence]], list[str]]:
    """(facts row, evidence per rule, notes) for one card dict.

    The row has the facts :mod:`ptmx.cards.scoring` evaluates, as :func:`ptmx.cards.queries.
    scored_sql` computes them for a dataset (``assessed``, ``has_<rule>`` (None: cannot tell),
    license keys, base models, ...), so both paths decide statuses with the same rules.
    ``license_tags``/``hub_tags`` add the hub's metadata when the caller has it separately;
    ``prose`` says whether the card's prose was read (default: a README is present, or the card
    is not bare hub metadata).
    """
    if not isinstance(card, Mapping):
        raise TypeError("a card must be a mapping of field names to values")
    reading = _Reading(card, hub_tags)
    if prose is None:
        prose = reading.text is not None or not reading.hub_metadata
    model = model or card.get("model") or card.get("id") or card.get("modelId")
    reading.flat_fields()
    reading.hub_extras()
    reading.metadata(license_tags)
    has = reading.presence(prose)
    notes = [] if prose else ["no card prose (README) in this data: fields only prose records "
                              "are not assessed"]
    row: dict[str, Any] = {
        "model_id": None, "model": model, "reuse_count": 0,
        "assessed": bool(reading.found) or any(filled(v) for k, v in card.items()
                                               if k not in _IDENTITY_KEYS),
        "card_source": reading.label, "derived_hint": derived_name_hint(model),
        **reading.license_facts(),
        "card_base_model": reading.card_base, "card_has_base_model": filled(reading.card_base),
        "hub_tags": reading.tags, "has_hub_tags": reading.hub_metadata,
        "model_bases": reading.hub_bases, "hub_base_row": bool(reading.hub_bases),
        "tag_base_model": False,  # base_model: tags are among model_bases already
        **{f"has_{k}": v for k, v in has.items()},
    }
    return row, reading.found, notes
