"""``license: other`` resolved: a Hugging Face card that says ``other`` names its licence in
``license_name`` (a slug) and ``license_link`` (a URL or an in-repo LICENSE path); old cards say
nothing and are known by their model family (``facebook/opt-*`` carry the OPT-175B agreement).

:func:`resolve_other` tries, in order, ``license_name`` through the alias table, ``license_link``
against the link patterns of ``data/families.json``, and the model id against its family patterns;
the answer says which was used and its source, so a reader can check it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from ptmx.errors import DataError
from ptmx.licenses.symbols import License, data_file, knowledge

UNDECIDED_TAGS = frozenset({"other", "unknown", "licenseref-ptmx-other", "noassertion"})


@dataclass(frozen=True)
class Resolution:
    """What an ``other`` licence was resolved to, how (license_name, license_link or model
    family) and on what source."""

    license: License
    how: str
    matched: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        """Plain data: the licence record plus how it was found."""
        return {"license": self.license.to_dict(), "how": self.how, "matched": self.matched,
                "source": self.source}


@dataclass(frozen=True)
class _Pattern:
    regex: re.Pattern[str]
    symbol: str
    source: str


@cache
def _patterns() -> tuple[tuple[_Pattern, ...], tuple[_Pattern, ...]]:
    try:
        raw = json.loads(data_file("families.json").read_text(encoding="utf-8"))
        links = tuple(_Pattern(re.compile(e["pattern"], re.IGNORECASE), e["license"], e["source"])
                      for e in raw["links"])
        models = tuple(_Pattern(re.compile(e["pattern"], re.IGNORECASE), e["license"],
                                e["source"]) for e in raw["models"])
    except (OSError, ValueError, KeyError, re.error) as exc:
        raise DataError(f"ptmx licence families are unreadable ({exc})") from exc
    return links, models


def _by_pattern(text: str | None, patterns: tuple[_Pattern, ...]) -> _Pattern | None:
    if not text:
        return None
    return next((p for p in patterns if p.regex.search(text)), None)


def is_other(license_text: str | None) -> bool:
    """Whether a card's licence is ``other`` / ``unknown`` (nothing to judge by itself)."""
    return license_text is not None and license_text.strip().lower() in UNDECIDED_TAGS


def resolve_other(license_name: str | None = None, license_link: str | None = None,
                  model: str | None = None) -> Resolution | None:
    """The licence behind ``license: other``, from the card's ``license_name``, its
    ``license_link``, or the model's family (in that order); None when none of them is known."""
    kb = knowledge()
    if license_name and license_name.strip() and not is_other(license_name):
        lic = kb.resolve(license_name)
        if lic is not None and lic.family.is_grant:
            return Resolution(lic, "license_name", license_name.strip(), lic.source)
    links, models = _patterns()
    for how, text, patterns in (("license_link", license_link, links),
                                ("model family", model, models)):
        hit = _by_pattern(text, patterns)
        if hit is not None:
            lic = kb.get(hit.symbol)
            if lic is None:
                raise DataError(f"families.json names an unknown licence {hit.symbol!r}")
            return Resolution(lic, how, hit.regex.pattern, hit.source)
    return None
