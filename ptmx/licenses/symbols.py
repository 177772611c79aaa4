"""Licence identifiers → canonical symbols → knowledge records.

Three vocabularies meet in PeaTMOSS: Hugging Face licence tags on models (``openrail++``,
``llama2``, ``other``), ScanCode keys on projects (``bsd-new``, ``gpl-3.0-plus``,
``stable-diffusion-2022-08-22``) and SPDX ids everywhere else. ``data/aliases.csv`` maps each
spelling to one symbol (an SPDX id where one exists, else ``LicenseRef-ptmx-*`` or
``LicenseRef-scancode-*``), with the source of every row; ``data/knowledge.json`` holds one record
per symbol. A ScanCode key that neither file knows is classified from its ScanCode LicenseDB
category (the index ships with license-expression), so no real key ends up "unknown" just for
being rare.
"""

from __future__ import annotations

import csv
import difflib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ptmx.errors import DataError, NotFoundError
from ptmx.licenses.vocabulary import Family

# ScanCode LicenseDB categories → family, for keys that have no record of their own.
CATEGORY_FAMILY = {
    "Permissive": Family.PERMISSIVE, "Public Domain": Family.PUBLIC_DOMAIN,
    "Copyleft": Family.STRONG_COPYLEFT, "Copyleft Limited": Family.WEAK_COPYLEFT,
    "Proprietary Free": Family.CUSTOM_AGREEMENT, "Source-available": Family.CUSTOM_AGREEMENT,
    "Free Restricted": Family.USE_RESTRICTED, "Commercial": Family.NO_GRANT,
    "Non-Commercial": Family.NON_COMMERCIAL, "CLA": Family.NOT_A_LICENSE,
    "Patent License": Family.NOT_A_LICENSE, "Unstated License": Family.UNKNOWN,
}
_COPYLEFT = {Family.STRONG_COPYLEFT: "strong", Family.WEAK_COPYLEFT: "weak"}
_NC_WORDS = ("research", "non-commercial", "noncommercial", "prosperity")

DATA = "data"
SCANCODE_SOURCE = "ScanCode LicenseDB (license-expression scancode-licensedb-index.json)"


@dataclass(frozen=True, eq=False)
class License:
    """What ptmx knows about one licence symbol (one record of ``knowledge.json``).

    Records are singletons per symbol, so identity comparison and hashing are enough.
    """

    symbol: str
    name: str
    family: Family
    commercial: str = "yes"  # yes | capped (user/revenue caps, no-sale) | no
    copyleft: str = "none"  # none | weak | strong | network | share-alike
    no_derivatives: bool = False
    use_restrictions: bool = False
    agreement: str | None = None  # a custom agreement a derivative must keep (version-locked)
    cap: str | None = None
    naming: str | None = None
    obligations: tuple[str, ...] = ()
    carriers: tuple[str, ...] = ()  # licences a derivative may declare to honour copyleft/SA
    candidates: tuple[str, ...] = ()  # for an ambiguous family tag: what it may stand for
    may_declare: str = ""
    clauses: Mapping[str, str] = field(default_factory=dict)
    weights_signal: bool = False  # seeing it in a project's scan suggests shipped weights
    or_later: str | None = None
    url: str | None = None
    source: str = ""
    curated: bool = True
    note: str | None = None
    version: str | None = None  # the licence text's version or date the record was read from

    def __post_init__(self) -> None:
        # A family spelled as a string (a caller's own record) becomes the enum, so the rules
        # can compare members by identity.
        object.__setattr__(self, "family", Family(self.family))

    @property
    def label(self) -> str:
        """Human name of the family."""
        return self.family.label

    def clause(self, activity: str) -> str:
        """The clause that governs ``activity`` (use / redistribute / derive)."""
        text = self.clauses.get(activity) if self.clauses else None
        return text or f"{self.symbol} ({self.label})"

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output and the TUI."""
        return {
            "symbol": self.symbol, "name": self.name, "family": self.family,
            "commercial": self.commercial, "copyleft": self.copyleft,
            "no_derivatives": self.no_derivatives, "use_restrictions": self.use_restrictions,
            "agreement": self.agreement, "cap": self.cap, "naming": self.naming,
            "obligations": list(self.obligations), "carriers": list(self.carriers),
            "candidates": list(self.candidates), "may_declare": self.may_declare,
            "clauses": dict(self.clauses), "url": self.url, "version": self.version,
            "source": self.source, "curated": self.curated, "note": self.note,
        }


def normalise(text: str) -> str:
    """The lookup key of a spelling: lower case, spaces and underscores as hyphens."""
    return re.sub(r"[\s_]+", "-", text.strip().lower())


def data_file(name: str) -> Path:
    return Path(str(resources.files("ptmx.licenses").joinpath(DATA).joinpath(name)))


class KnowledgeBase:
    """Records by symbol and aliases by normalised spelling, loaded once per process."""

    def __init__(self, records: list[dict[str, Any]], aliases: list[dict[str, str]],
                 compat: dict[str, Any]) -> None:
        self.records: dict[str, License] = {}
        for raw in records:
            lic = _record(raw)
            self.records[lic.symbol] = lic
        self._by_lower = {s.lower(): lic for s, lic in self.records.items()}
        self.aliases: dict[str, str] = {}
        self.alias_rows = aliases
        for row in aliases:
            self.aliases.setdefault(normalise(row["alias"]), row["symbol"])
        self._scancode: dict[str, dict[str, Any]] | None = None
        self._hub_ids: dict[str, str] | None = None
        self._osadl = set(compat.get("licenses", []))
        self._compat = compat
        self._osadl_verdicts: dict[tuple[str, str], str] | None = None  # built on first use
        self.compat_source = compat.get("source", "")

    # -- lookups ------------------------------------------------------------------------
    def get(self, symbol: str) -> License | None:
        """The record of a canonical symbol (case-insensitive)."""
        return self.records.get(symbol) or self._by_lower.get(symbol.lower())

    def resolve(self, text: str) -> License | None:
        """Any spelling (HF tag, SPDX id, ScanCode key, card wording) → its record, or None."""
        exact = self.records.get(text.strip())
        if exact is not None:
            # An exact canonical symbol wins over a case-insensitive alias: SPDX "OpenSSL" is
            # not ScanCode's key "openssl" (= SPDX OpenSSL-standalone).
            return exact
        key = normalise(text)
        if not key:
            return None
        symbol = self.aliases.get(key)
        if symbol:
            return self.get(symbol)
        direct = self._by_lower.get(key)
        if direct:
            return direct
        return self._from_scancode(key)

    def _from_scancode(self, key: str) -> License | None:
        """A record built from the ScanCode LicenseDB category of ``key`` (key or SPDX id)."""
        index = self._scancode_index()
        entry = index.get(key)
        if entry is None:
            return None
        symbol = entry.get("spdx_license_key") or f"LicenseRef-scancode-{entry['license_key']}"
        known = self.get(symbol)
        if known:
            return known
        category = entry.get("category", "")
        family = Family.EXCEPTION if entry.get("is_exception") else \
            CATEGORY_FAMILY.get(category, Family.UNKNOWN)
        lkey = entry["license_key"]
        commercial = "yes"
        if family is Family.CUSTOM_AGREEMENT and any(w in lkey for w in _NC_WORDS):
            family = Family.NON_COMMERCIAL
        if family in (Family.NO_GRANT, Family.NON_COMMERCIAL, Family.UNKNOWN):
            commercial = "no"
        elif category == "Source-available":
            commercial = "capped"
        lic = License(
            symbol=symbol, name=lkey, family=family, commercial=commercial,
            copyleft=_COPYLEFT.get(family, "none"),
            use_restrictions=family is Family.USE_RESTRICTED,
            agreement=symbol if family is Family.CUSTOM_AGREEMENT else None,
            url=f"https://scancode-licensedb.aboutcode.org/{lkey}.html",
            source=f"{SCANCODE_SOURCE} key {lkey}, category {category}", curated=False,
        )
        self.records[symbol] = lic
        self._by_lower[symbol.lower()] = lic
        return lic

    def _scancode_index(self) -> dict[str, dict[str, Any]]:
        if self._scancode is None:
            index: dict[str, dict[str, Any]] = {}
            try:
                import license_expression

                path = Path(license_expression.__file__).parent / "data" / \
                    "scancode-licensedb-index.json"
                entries = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                entries = []
            for entry in entries:
                index.setdefault(entry["license_key"].lower(), entry)
            for entry in entries:
                for spdx in [entry.get("spdx_license_key"), *entry.get("other_spdx_license_keys",
                                                                        [])]:
                    if spdx:
                        index.setdefault(spdx.lower(), entry)
            self._scancode = index
        return self._scancode

    def osadl(self, upstream: str, downstream: str) -> str | None:
        """The OSADL matrix's opinion on including ``upstream`` in a work under ``downstream``:
        'same', 'yes', 'no', 'unknown', 'check', or None when either licence is not in it."""
        if upstream not in self._osadl or downstream not in self._osadl:
            return None
        if upstream == downstream:
            return "same"
        if self._osadl_verdicts is None:
            # ~4,000 pairs, 2 ms: left to the first question that needs them (a page whose
            # links are all permissive never does).
            self._osadl_verdicts = {
                (up, down): value for value in ("no", "unknown", "check")
                for up, downs in self._compat.get(value, {}).items() for down in downs}
        return self._osadl_verdicts.get((upstream, downstream), "yes")

    def suggest(self, text: str, n: int = 5) -> list[str]:
        """Close spellings for a 'did you mean' hint."""
        key = normalise(text)
        pool = list(self.aliases) + list(self._by_lower)
        return difflib.get_close_matches(key, pool, n=n, cutoff=0.6)

    def preferred_id(self, symbol: str) -> str:
        """The id a user should write: the symbol, or for ptmx's own LicenseRef symbols the
        Hugging Face tag (``llama3`` rather than ``LicenseRef-ptmx-llama3``)."""
        if not symbol.startswith("LicenseRef-ptmx-"):
            return symbol
        return self.hub_id(symbol) or symbol

    def hub_id(self, symbol: str) -> str | None:
        """The Hugging Face Hub's licence id for ``symbol`` (what a model card's ``license:``
        accepts: ``cc-by-nc-4.0``, ``gemma``), or None when the Hub's list has none, so a card
        must say ``other`` and name it in ``license_name``."""
        if self._hub_ids is None:
            self._hub_ids = {}
            for row in self.alias_rows:
                if row["vocabulary"] == "hf":
                    self._hub_ids.setdefault(row["symbol"].lower(), row["alias"])
        return self._hub_ids.get(symbol.lower())

    def aliases_of(self, symbol: str) -> list[dict[str, str]]:
        """The alias rows (alias, vocabulary, source) that lead to ``symbol``."""
        return [row for row in self.alias_rows if row["symbol"] == symbol]


def _record(raw: Mapping[str, Any]) -> License:
    return License(
        symbol=raw["symbol"], name=raw.get("name") or raw["symbol"], family=Family(raw["family"]),
        commercial=raw.get("commercial", "yes"), copyleft=raw.get("copyleft", "none"),
        no_derivatives=bool(raw.get("no_derivatives")),
        use_restrictions=bool(raw.get("use_restrictions")), agreement=raw.get("agreement"),
        cap=raw.get("cap"), naming=raw.get("naming"),
        obligations=tuple(raw.get("obligations", ())), carriers=tuple(raw.get("carriers", ())),
        candidates=tuple(raw.get("candidates", ())), may_declare=raw.get("may_declare", ""),
        clauses=dict(raw.get("clauses") or {}), weights_signal=bool(raw.get("weights_signal")),
        or_later=raw.get("or_later"), url=raw.get("url"), source=raw.get("source", ""),
        curated=bool(raw.get("curated", True)), note=raw.get("note"), version=raw.get("version"),
    )


@cache
def knowledge() -> KnowledgeBase:
    """The knowledge base shipped with ptmx (loaded on first use, then shared)."""
    try:
        records = json.loads(data_file("knowledge.json").read_text(encoding="utf-8"))["records"]
        with data_file("aliases.csv").open(newline="", encoding="utf-8") as handle:
            aliases = list(csv.DictReader(handle))
        compat = json.loads(data_file("compat.json").read_text(encoding="utf-8"))
        return KnowledgeBase(records, aliases, compat)
    except (OSError, ValueError, KeyError) as exc:  # ValueError: also a family nobody knows
        raise DataError(f"ptmx licence data is unreadable ({exc})") from exc


def resolve(text: str) -> License | None:
    """Any licence spelling → its record (None when nothing matches)."""
    return knowledge().resolve(text)


def lookup(text: str) -> License:
    """Like :func:`resolve`, but a miss is a :class:`NotFoundError` with suggestions."""
    lic = resolve(text)
    if lic is None:
        close = knowledge().suggest(text)
        hint = ("did you mean " + ", ".join(close) + "?") if close else \
            "use an SPDX id, a Hugging Face licence tag or a ScanCode key"
        raise NotFoundError(f"unknown licence {text!r}", hint=hint)
    return lic


def tags_in_family(tags: list[str], family: str) -> list[str]:
    """The ``tags`` whose license belongs to ``family``, matched on the family's id or label
    ("copyleft" matches weak and strong copyleft; "rail" the use-restricted family).
    Unrecognised tags belong to no family."""
    wanted = family.strip().lower()
    if not wanted:
        return []
    found = []
    for tag in tags:
        lic = resolve(tag)
        if lic is None:
            continue
        names = (lic.family, lic.family.label)
        if any(wanted in n.lower() for n in names):
            found.append(tag)
    return found
