"""`ptmx paper`: the PeaTMOSS paper's headline analyses, reproduced on the open dataset.

Jiang et al., "PeaTMOSS: A Dataset and Initial Analysis of Pre-Trained Models in Open-Source
Software", MSR 2024 (arXiv 2402.00699). Each section is a plain dataclass holding this dataset's
numbers beside the paper's published ones (:file:`published.json`, a source per number;
"not published" where none was found), and the licence sections set ptmx's own verdicts beside
the paper's method (:mod:`ptmx.paper.method`). Plain data out: no rich, no Textual.

- :func:`build` (store, sections=None, top=10) → :class:`PaperReport`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from ptmx.errors import MissingTableError, UsageError
from ptmx.licenses import audit
from ptmx.paper.analyses import (
    NOT_PUBLISHED,
    Consistency,
    Documentation,
    LicenseFlow,
    Overview,
    Reuse,
    TopModels,
    consistency,
    documentation,
    judge_links,
    license_flow,
    overview,
    published,
    reuse,
    top_models,
)
from ptmx.paper.notes import differences
from ptmx.store import Store

# Sections in report order; `ptmx paper --section NAME` prints one.
SECTIONS = ("overview", "documentation", "license-flow", "reuse", "top-models", "consistency")
TITLES = {
    "overview": "The dataset beside the paper's",
    "documentation": "Documentation shortcomings per field (the paper's figure)",
    "license-flow": "Licence flow from models to projects (the paper's Sankey)",
    "reuse": "Reuse against downloads",
    "top-models": "Most reused models",
    "consistency": "Licence consistency: the paper's method beside ptmx's verdicts",
}


@dataclass
class PaperReport:
    """Every analysis asked for (None: not asked), and the closing notes."""

    dataset: str | None
    sections: tuple[str, ...]
    overview: Overview | None = None
    documentation: Documentation | None = None
    license_flow: LicenseFlow | None = None
    reuse: Reuse | None = None
    top_models: TopModels | None = None
    consistency: Consistency | None = None
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def section(self, name: str) -> Any:
        """The analysis of section ``name`` (None when not computed)."""
        return getattr(self, name.replace("-", "_"))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: one key per computed section, plus notes."""
        out: dict[str, Any] = {"dataset": self.dataset, "paper": published()["paper"],
                               "sections": list(self.sections)}
        for name in self.sections:
            out[name] = self.section(name).to_dict()
        out["notes"] = list(self.notes)
        return out


def build(store: Store, sections: list[str] | tuple[str, ...] | None = None,
          top: int = 10) -> PaperReport:
    """Compute ``sections`` (default: all) on ``store``; ``top`` bounds ranked lists."""
    started = time.perf_counter()
    names = tuple(sections or SECTIONS)
    unknown = [n for n in names if n not in SECTIONS]
    if unknown:
        raise UsageError(f"unknown section {unknown[0]!r}",
                         f"choose from {', '.join(SECTIONS)}")
    rep = PaperReport(dataset=str(store.manifest.get("name") or store.folder), sections=names)
    rep.overview = overview(store)  # always: the notes compare sizes
    skipped: list[str] = []
    if "documentation" in names:
        try:
            rep.documentation = documentation(store)
        except MissingTableError as exc:
            if sections:  # asked for by name: say why it cannot be shown
                raise
            skipped.append(f"Documentation is not shown: {exc.message}.")
            rep.sections = tuple(n for n in names if n != "documentation")
    if "license-flow" in names or "consistency" in names:
        judged = judge_links(store, audit(store))
        if "license-flow" in names:
            rep.license_flow = license_flow(judged, top=max(top, 5))
        if "consistency" in names:
            rep.consistency = consistency(judged)
    if "reuse" in names:
        rep.reuse = reuse(store)
    if "top-models" in names:
        rep.top_models = top_models(store, top)
    rep.notes = skipped + differences(rep.overview, rep.documentation, rep.consistency,
                                      rep.reuse)
    rep.seconds = time.perf_counter() - started
    return rep


__all__ = ["NOT_PUBLISHED", "SECTIONS", "TITLES", "PaperReport", "build", "published"]
