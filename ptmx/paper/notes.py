"""The closing note: where this dataset's numbers differ from the paper's, and why."""

from __future__ import annotations

from ptmx.paper.analyses import Consistency, Documentation, Overview, Reuse

# How far a share may drift from the paper's before the note names it (percentage points).
TOLERANCE = 0.05


def _pct(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f}%"


def _sizes(ov: Overview) -> list[str]:
    if ov.full:
        return []
    m = {x.key: x for x in ov.metrics}
    return [
        f"This is not the full PeaTMOSS release ({m['models'].value:,} models here, "
        f"{m['models'].paper:,} in the paper): every paper figure describes the full release, "
        "so counts are not comparable, only shares.",
        f"Links: {m['links'].value:,} here vs {m['links'].paper:,}. A sample built from the "
        "paper's artifact (`ptmx sample build`) holds the edges of its licence analysis "
        "(mapping.csv), not the full mapping table; "
        f"it reaches {m['reused_models'].value:,} of the paper's {m['reused_models'].paper:,} "
        f"reused models and {m['reusing_projects'].value:,} of its "
        f"{m['reusing_projects'].paper:,} reusing projects.",
    ]


def _docs(doc: Documentation) -> list[str]:
    off = [f for f in doc.fields if f.share is not None and f.paper_share is not None
           and abs(f.share - f.paper_share) > TOLERANCE]
    lines = []
    if doc.assessed < 1000:
        lines.append(
            f"Documentation: {doc.assessed:,} cards assessed here vs ~11,700 in the paper "
            "(a sample holds the artifact's 50 hand-checked cards, not the LLM extraction of "
            "every card), so one card moves a share by "
            f"{100 / max(doc.assessed, 1):.0f} points.")
    if off:
        lines.append("Documentation shares more than 5 points from the paper's: " + "; ".join(
            f"{f.label} {_pct(f.share)} vs {_pct(f.paper_share)}" for f in off) + ".")
    never = [f.label for f in doc.fields if f.share is None and f.paper_share is not None]
    if never:
        lines.append("Not measurable here (nothing in this dataset records them): "
                     + ", ".join(never) + ".")
    return lines


def _licences(c: Consistency) -> list[str]:
    p = c.paper
    lines = [
        f"Licence consistency by the paper's method: {c.links:,} links here vs {p['rows']:,} "
        f"rows in the paper's script; {c.skipped:,} skipped as multi-licence projects "
        f"(paper {p['skipped_multi_license']:,}); {c.analysed:,} analysed "
        f"(paper {p['analysed']:,}): compatible {_pct(c.compatible / c.analysed if c.analysed else None)} "
        f"(paper {_pct(p['compatible_share'])}), incompatible {c.incompatible:,} "
        f"(paper {p['incompatible']:,}), unknown {_pct(c.unknown / c.analysed if c.analysed else None)} "
        f"(paper {_pct(p['unknown_share'])}).",
    ]
    if c.links != p["rows"]:
        lines.append(
            f"The counts differ by {abs(p['rows'] - c.links):,} because ptmx counts distinct "
            "(model, project) links while the paper's script counts rows of mapping.csv, where "
            "a pair listed under two licence tags appears twice (on the sample: one model, "
            "judged here by its alphabetically first tag); every other count follows from that.")
    if c.unknown:
        lines.append(
            f"ptmx decides {c.unknown_decided:,} of the {c.unknown:,} links the paper's method "
            f"leaves unknown ({_pct(c.unknown_decided / c.unknown)}): a project with no licence "
            "is not a conflict for a project that only loads a model, and ptmx knows the ML "
            "licences (RAIL, CC, Llama) the Linux Foundation table lacks.")
    return lines


def _reuse(r: Reuse) -> list[str]:
    unknown = next((b.models for b in r.by_downloads if b.label == "unknown"), 0)
    total = sum(b.models for b in r.by_downloads)
    if not unknown:
        return []
    return [f"Reuse vs downloads: downloads are unknown for {unknown:,} of {total:,} models "
            "(a sample takes downloads only from the artifact's filtered_models.json); the paper "
            "publishes no such distribution, so there is nothing to compare."]


def differences(ov: Overview | None, doc: Documentation | None, cons: Consistency | None,
                reuse: Reuse | None) -> list[str]:
    """Plain sentences, one per difference, in section order."""
    lines: list[str] = []
    if ov is not None:
        lines += _sizes(ov)
    if doc is not None:
        lines += _docs(doc)
    if cons is not None:
        lines += _licences(cons)
    if reuse is not None:
        lines += _reuse(reuse)
    lines.append("Top reused models: the paper publishes no ranked list with counts "
                 "(shown as 'not published').")
    return lines
