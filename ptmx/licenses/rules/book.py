"""The rule book: every rule's verdict, reason and fix, read from ``data/rules.json``.

A rule is named by an id such as ``derive.copyleft.relicensed``; its texts are templates whose
placeholders are filled from the licences involved (see the file's ``about``). Keeping the words
out of the code means a wording change is a data change, and the code that picks a rule reads as
the decision it is.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from ptmx.errors import DataError
from ptmx.licenses.symbols import License, data_file, knowledge
from ptmx.licenses.vocabulary import Activity, Verdict


@dataclass(frozen=True)
class RuleText:
    """One rule of the book: the verdict it gives and its templates."""

    verdict: Verdict
    rule: str
    reason: str
    fix: str


@dataclass(frozen=True)
class RuleBook:
    """Rules by id and the fragments rules splice into their texts."""

    rules: Mapping[str, RuleText]
    fragments: Mapping[str, str]


@dataclass(frozen=True)
class Outcome:
    """What one rule concluded for one upstream licence and one downstream alternative."""

    verdict: Verdict
    rule: str
    reason: str
    fix: str
    deciding: str | None = None  # the upstream licence symbol whose terms decided
    rule_id: str = ""


def _rule_text(rule_id: str, raw: Mapping[str, Any]) -> RuleText:
    try:
        return RuleText(Verdict(raw["verdict"]), raw.get("rule", "{clause}"), raw["reason"],
                        raw["fix"])
    except (KeyError, ValueError, TypeError) as exc:
        raise DataError(f"ptmx licence rule {rule_id!r} is malformed ({exc})") from exc


@cache
def rule_book() -> RuleBook:
    """The rule book shipped with ptmx (loaded on first use, then shared)."""
    try:
        raw = json.loads(data_file("rules.json").read_text(encoding="utf-8"))
        rules = {rule_id: _rule_text(rule_id, entry) for rule_id, entry in raw["rules"].items()}
        fragments = {str(k): str(v) for k, v in raw["fragments"].items()}
    except (OSError, ValueError, KeyError, AttributeError) as exc:
        raise DataError(f"ptmx licence rules are unreadable ({exc})") from exc
    return RuleBook(rules, fragments)


# ------------------------------------------------------------------------------------ names
def short_name(lic: License) -> str:
    """A readable name: the SPDX id where there is one, else the licence's title."""
    return lic.name if lic.symbol.startswith("LicenseRef-") else lic.symbol


def preferred_id(symbol: str) -> str:
    """The identifier to write in a licence field (HF tag for ptmx's own symbols)."""
    return knowledge().preferred_id(symbol)


def license_id(lic: License) -> str:
    """:func:`preferred_id` of a record."""
    return preferred_id(lic.symbol)


# ------------------------------------------------------------------------------------ filling
class _Params(dict[str, object]):
    """A rule's placeholder values; the upstream licence's own ones are computed on demand,
    since most rules use only a few of them."""

    def __init__(self, lic: License | None, activity: Activity, given: Mapping[str, object]):
        super().__init__(given)
        self._lic = lic
        self._activity = activity

    def __missing__(self, key: str) -> object:
        lic = self._lic
        if lic is None:
            raise KeyError(key)
        if key == "name":
            value: object = short_name(lic)
        elif key == "id":
            value = license_id(lic)
        elif key == "clause":
            value = lic.clause(self._activity)
        elif key == "label":
            value = lic.label
        else:
            raise KeyError(key)
        self[key] = value
        return value


def outcome(rule_id: str, lic: License | None, activity: Activity, **params: object) -> Outcome:
    """The outcome of rule ``rule_id`` for upstream licence ``lic`` under ``activity``, its texts
    filled from ``params`` and the licence (placeholder values are never re-read as templates)."""
    text = rule_book().rules[rule_id]
    values = _Params(lic, activity, params)
    return Outcome(text.verdict, text.rule.format_map(values), text.reason.format_map(values),
                   text.fix.format_map(values), rule_id=rule_id)


def fragment(fragment_id: str, **params: object) -> str:
    """A piece of text that rules splice in, filled from ``params``."""
    return rule_book().fragments[fragment_id].format_map(params)


def limited(rule_id: str, lic: License) -> str:
    """The ``.limited`` variant of a rule when the licence does not grant commercial use freely
    (its duties then bind every user: use-constrained rather than ok-with-obligations)."""
    return f"{rule_id}.limited" if lic.commercial != "yes" else rule_id
