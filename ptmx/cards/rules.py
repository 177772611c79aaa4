"""The documentation rules: one per model-card field, with its severity and where evidence comes from.

A rule says *what* must be documented; :mod:`ptmx.cards.queries` (a dataset) and
:mod:`ptmx.cards.hubcard` (a live hub card) decide *whether* it is. Both use the text helpers
below, so "filled in", "placeholder" and "same license" mean the same thing everywhere.

Scoring, one implementation (:mod:`ptmx.cards.scoring`, SQL) for the dataset and for a single card:

- completeness = 100 × Σ weight·credit / Σ weight over the rules that count for the model, with
  weights critical 3, important 2, nice 1 and credit pass 1, inconsistent ½, missing 0. A rule
  counts when its field could be assessed (the evidence source has it) and it applies: the base
  model rule applies only to models known to be derived.
- risk = reuse (projects reusing the model) × missing critical fields that count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ptmx.cards.vocabulary import Severity

# Evidence sources.
SOURCE_CARD = "model_card"
SOURCE_PEATMOSS = "PeaTMOSS"
SOURCE_HUB = "hub card"
SOURCE_NAME = "model name"


@dataclass(frozen=True)
class Rule:
    """One documentation requirement."""

    key: str                       # stable id, also the model_card column name
    label: str                     # what a person calls the field
    severity: Severity
    sources: tuple[str, ...]       # where evidence can come from, best first
    question: str                  # what the rule checks, in one line
    card_keys: tuple[str, ...] = ()  # names of the field in card dicts (ptmx, groundTruth, HF)
    in_card_schema: bool = True    # the hand-checked card schema (and model_card) covers it
    derived_only: bool = False     # counts only for models known (or named) as derived

    @property
    def weight(self) -> int:
        """Weight in the completeness score."""
        return self.severity.weight


RULES: tuple[Rule, ...] = (
    Rule("license", "license", Severity.CRITICAL,
         ("model_card.license", "model_to_license (hub license tag)", "hub card: license"),
         "Does the card state the license?",
         ("license",)),
    Rule("datasets", "datasets", Severity.CRITICAL,
         ("model_card.datasets", "model_to_dataset", "model_to_tag (dataset:…)",
          "hub card: datasets"),
         "Does the card name the training data?",
         ("datasets", "dataset", "training_data")),
    Rule("base_model", "base model", Severity.CRITICAL,
         ("model_card.base_model", "model_base", "model_to_tag (base_model:…)",
          "hub card: base_model"),
         "Does a derived model name the model it was derived from?",
         ("base_model", "upstream_model", "finetuned_from"), derived_only=True),
    Rule("limitations_and_bias", "limitations and bias", Severity.CRITICAL,
         ("model_card.limitations_and_bias", "hub card: limitations/bias section"),
         "Does the card describe limitations, biases and risks?",
         ("limitations_and_bias", "limitation_and_bias", "limitations", "bias")),
    Rule("evaluation", "evaluation", Severity.CRITICAL,
         ("model_card.evaluation", "hub card: model-index or evaluation section"),
         "Does the card report evaluation results?",
         ("evaluation", "eval_results", "results")),
    Rule("paper", "paper", Severity.IMPORTANT,
         ("model_card.paper", "model_to_paper", "model_to_tag (arxiv:…)", "hub card: citation"),
         "Does the card cite a paper or report?",
         ("paper", "papers", "citation")),
    Rule("parameter_count", "parameter count", Severity.IMPORTANT,
         ("model_card.parameter_count", "hub card: safetensors total or text"),
         "Does the card say how many parameters the model has?",
         ("parameter_count", "parameters", "num_parameters")),
    Rule("demo", "intended use / demo", Severity.IMPORTANT,
         ("model_card.demo", "hub card: usage section"),
         "Does the card show how to use the model (intended use, code or demo)?",
         ("demo", "code_demo", "intended_use", "usage")),
    Rule("input_format", "input format", Severity.IMPORTANT,
         ("model_card.input_format", "hub card: input section"),
         "Does the card describe the expected input?",
         ("input_format",)),
    Rule("output_format", "output format", Severity.IMPORTANT,
         ("model_card.output_format", "hub card: output section"),
         "Does the card describe the output?",
         ("output_format",)),
    Rule("hyper_parameters", "hyper-parameters", Severity.IMPORTANT,
         ("model_card.hyper_parameters", "hub card: training hyper-parameters section"),
         "Does the card give the training hyper-parameters?",
         ("hyper_parameters", "hyperparameters", "training_hyperparameters")),
    Rule("hardware", "hardware", Severity.NICE,
         ("model_card.hardware", "hub card: hardware / compute section"),
         "Does the card say what hardware trained the model?",
         ("hardware", "compute_infrastructure")),
    Rule("carbon", "carbon emitted", Severity.NICE,
         ("model_card.carbon", "hub card: co2_eq_emissions or environmental-impact section"),
         "Does the card estimate the carbon emitted in training?",
         ("carbon", "carbon_emitted", "co2_eq_emissions")),
    Rule("grant", "grant / funding", Severity.NICE,
         ("hub card: funded-by line or funding section",),
         "Does the card say who funded the work?",
         ("grant", "funded_by", "funding"), in_card_schema=False),
)
RULES_BY_KEY = {r.key: r for r in RULES}


def rule(key: str) -> Rule:
    """The rule called ``key`` (KeyError names the known ones)."""
    try:
        return RULES_BY_KEY[key]
    except KeyError:
        raise KeyError(f"no rule {key!r}; known: {', '.join(RULES_BY_KEY)}") from None


# --- what "filled in" means ---------------------------------------------------------------------

# Text a card (or a template) puts where the author wrote nothing.
PLACEHOLDERS = (
    "[more information needed]", "more information needed", "n/a", "na", "none", "unknown",
    "tbd", "todo", "-", "?",
)
# A value that says nothing, matched against the whole text: blank, JSON-ish with no value in it
# ('[""]', '{}', '{"": ""}', as list-valued card fields leave behind), or a placeholder. One
# regular expression, spelled without \s, so that Python and DuckDB's RE2 agree exactly and the
# vectorised report stays fast.
_WS = r"[ \t\n\r\f]*"
EMPTY_PATTERN = (
    r'(?i)[ \t\n\r\f\[\]{}",:]*|' + _WS
    + "(" + "|".join(re.escape(p) for p in PLACEHOLDERS) + ")" + _WS
)
_EMPTY = re.compile(EMPTY_PATTERN)


def filled(value: Any) -> bool:
    """Whether a card value says something: text that is not blank or a placeholder, a list or
    dict with some filled value, or any number."""
    if value is None:
        return False
    if isinstance(value, int | float):  # bool included: a value was given
        return True
    if isinstance(value, dict):
        return any(filled(v) for v in value.values())
    if isinstance(value, list | tuple | set):
        return any(filled(v) for v in value)
    return _EMPTY.fullmatch(str(value)) is None


# --- licenses -----------------------------------------------------------------------------------

LICENSE_STOPWORDS = ("license", "licence", "version", "the")
# After tokenising: spellings people write on cards → the hub's license tag.
LICENSE_ALIASES = {
    "apache": "apache-2.0", "apache-2": "apache-2.0", "apache2": "apache-2.0",
    "apache2.0": "apache-2.0", "apache-v2": "apache-2.0", "apache-v2.0": "apache-2.0",
    "gplv3": "gpl-3.0", "gpl-3": "gpl-3.0", "gpl3": "gpl-3.0", "gplv2": "gpl-2.0",
    "gpl-2": "gpl-2.0", "agplv3": "agpl-3.0", "agpl-3": "agpl-3.0", "lgplv3": "lgpl-3.0",
    "bsd-3": "bsd-3-clause", "bsd-2": "bsd-2-clause", "cc-by-4": "cc-by-4.0",
    "cc-by-sa-4": "cc-by-sa-4.0", "cc-by-nc-4": "cc-by-nc-4.0", "cc-by-nc-sa-4": "cc-by-nc-sa-4.0",
    "llama-2-community": "llama2", "llama-2": "llama2", "mit-x11": "mit",
}
LICENSE_TOKEN_SPLIT = r"[^a-z0-9.+]+"
LINK_PATTERN = r"^[ \t\n\r\f]*(https?://|www\.)"
_LINK = re.compile(LINK_PATTERN, re.IGNORECASE)


def is_link(text: str | None) -> bool:
    """Whether ``text`` is a URL (a license given as a link)."""
    return text is not None and _LINK.match(text) is not None


def license_key(text: str | None) -> str | None:
    """Card license text → a comparable key, or None (blank, placeholder, or a link).

    "Apache License, Version 2.0" → "apache-2.0"; "CC BY 4.0" → "cc-by-4.0";
    "CreativeML OpenRAIL-M" → "creativeml-openrail-m". Hub tags map to themselves.
    """
    if not filled(text) or is_link(text):
        return None
    tokens = [t for t in re.split(LICENSE_TOKEN_SPLIT, str(text).lower())
              if t and t not in LICENSE_STOPWORDS]
    key = "-".join(tokens)
    if not key:
        return None
    return LICENSE_ALIASES.get(key, key)


# --- derived models -----------------------------------------------------------------------------

# Words in a model id that say it was made from another model (fine-tune, quantisation, adapter,
# merge). Only a hint, reported as such in the evidence.
DERIVED_NAME_PATTERN = (
    r"(^|[^a-z0-9])(fine-?tuned?|finetune|ft|sft|lora|qlora|peft|gptq|gguf|ggml|awq|"
    r"4bit|8bit|int4|int8|quantized|merged)([^a-z0-9]|$)"
)
_DERIVED = re.compile(DERIVED_NAME_PATTERN)


def derived_name_hint(model: str | None) -> str | None:
    """The word in a model id that suggests a derived model ("finetuned", "gptq", ...), or None."""
    if not model:
        return None
    found = _DERIVED.search(model.lower())
    return found.group(2) if found else None
