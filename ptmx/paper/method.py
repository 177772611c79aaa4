"""The PeaTMOSS paper's licence-consistency method, as its artifact's script applies it.

``licenseCompatibilitiesSankey.py`` (PurdueDualityLab/PeaTMOSS-Artifact) looks the pair
(Hugging Face licence tag, GitHub licence key) up in the Linux Foundation compatibility table
(:file:`lf_table.json`, the xlsx it reads): ``yes`` → compatible, ``no`` → incompatible, ``?`` or
either licence absent from the table → unknown. A project with more than one GitHub licence is
skipped; a missing licence on either side is "no license" (which the table does not hold, so
unknown); a small list of keys collapses to "other"; ``unlicense`` is treated as no licence (a
quirk of the script, kept so the numbers are the paper's).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

NO_LICENSE = "no license"
OTHER = "other"

# The script's `aliases` and `others` (same file, `process_license`).
ALIASES = {
    "bsd-new": "bsd-3-clause", "bsd-modified": "bsd-3-clause", "bsd-simplified": "bsd-2-clause",
    "openrail++": "openrail", "gpl-2.0": "gpl-2.0-only", "gpl-3.0": "gpl-3.0-only",
    "gpl-3.0-plus": "gpl-3.0-or-later", "agpl-3.0": "agpl-3.0-only", "lgpl-3.0": "lgpl-3.0-only",
    "lgpl-3.0-plus": "lgpl-3.0-or-later", "lgpl-2.1": "lgpl-2.1-only",
}
OTHERS = frozenset({"other", "unknown", "unknown-license-reference", "warranty-disclaimer",
                    "generic-cla", "commercial-license", "other-permissive", "other-copyleft"})


class Outcome(StrEnum):
    """What the paper's method says about one link."""

    COMPATIBLE = "compatible"
    INCOMPATIBLE = "incompatible"
    UNKNOWN = "unknown"
    SKIPPED = "skipped"  # the project has more than one GitHub licence


class Cause(StrEnum):
    """Why the paper's method leaves a link unknown."""

    GH_NOT_IN_TABLE = "gh-not-in-table"
    HF_NOT_IN_TABLE = "hf-not-in-table"
    BOTH_NOT_IN_TABLE = "both-not-in-table"
    QUESTION_MARK = "question-mark-cell"


@dataclass(frozen=True, slots=True)
class Judgement:
    """The paper's verdict on one (hf, gh) pair, with the licences as the script names them."""

    hf: str
    gh: str
    outcome: Outcome
    cause: Cause | None = None
    identical: bool = False


@dataclass(frozen=True, slots=True)
class LfTable:
    """The Linux Foundation table: upstream (HF) columns, downstream (GH) rows, yes/no/? cells."""

    upstream: frozenset[str]
    downstream: frozenset[str]
    cells: dict[str, dict[str, str]]
    source: str


@cache
def lf_table() -> LfTable:
    """The table the paper's script reads (bundled as JSON)."""
    raw: dict[str, Any] = json.loads(
        resources.files("ptmx.paper").joinpath("lf_table.json").read_text(encoding="utf-8"))
    return LfTable(upstream=frozenset(raw["upstream"]), downstream=frozenset(raw["downstream"]),
                   cells=raw["cells"], source=str(raw["source"]))


def process_license(name: str | None) -> str:
    """The script's ``process_license``: no licence, the "other" bucket, then aliases."""
    if name is None or name == "unlicense":
        return NO_LICENSE
    if name in OTHERS:
        return OTHER
    return ALIASES.get(name, name)


def judge(hf_tag: str | None, gh_keys: list[str] | None) -> Judgement:
    """The paper's outcome for a link between a model tagged ``hf_tag`` and a project whose
    licence scan found ``gh_keys`` (None or empty: no licence)."""
    hf = process_license(hf_tag.lower() if hf_tag else NO_LICENSE)
    keys = list(gh_keys or [])
    if len(keys) > 1:
        return Judgement(hf, " AND ".join(keys), Outcome.SKIPPED)
    gh = process_license(keys[0] if keys else None)
    table = lf_table()
    hf_known, gh_known = hf in table.upstream, gh in table.downstream
    identical = hf == gh
    if not (hf_known and gh_known):
        cause = (Cause.BOTH_NOT_IN_TABLE if not (hf_known or gh_known)
                 else Cause.GH_NOT_IN_TABLE if hf_known else Cause.HF_NOT_IN_TABLE)
        return Judgement(hf, gh, Outcome.UNKNOWN, cause, identical)
    if identical:
        return Judgement(hf, gh, Outcome.COMPATIBLE, identical=True)
    cell = table.cells.get(gh, {}).get(hf)
    if cell == "yes":
        return Judgement(hf, gh, Outcome.COMPATIBLE)
    if cell == "no":
        return Judgement(hf, gh, Outcome.INCOMPATIBLE)
    return Judgement(hf, gh, Outcome.UNKNOWN, Cause.QUESTION_MARK)
