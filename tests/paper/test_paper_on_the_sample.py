"""docs/PAPER_ON_THE_SAMPLE.md states the numbers `ptmx paper` gives on the bundled sample: each
one is checked against the report, so a change of the sample or of an analysis that moves a
number makes this fail until the note is updated. The README links the note."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from ptmx.paper import PaperReport, build
from ptmx.store import Store

REPO = Path(__file__).resolve().parents[2]
NOTE = REPO / "docs" / "PAPER_ON_THE_SAMPLE.md"


@pytest.fixture(scope="module")
def report(sample_store: Store) -> PaperReport:
    return build(sample_store)


@pytest.fixture(scope="module")
def note() -> str:
    return NOTE.read_text(encoding="utf-8")


def _row(note: str, label: str) -> list[str]:
    """The cells of the note's table row whose first cell is ``label``."""
    for line in note.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0] == label:
            return cells
    raise AssertionError(f"no row {label!r} in {NOTE.name}")


def _wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    p = k / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return centre - half, centre + half


def test_the_dataset_table_is_the_reports(report: PaperReport, note: str) -> None:
    assert report.overview is not None
    for metric in report.overview.metrics:
        cells = _row(note, metric.label)
        assert cells[1:3] == [f"{metric.value:,}", f"{metric.paper:,}"], metric.label


def test_the_documentation_table_is_the_reports(report: PaperReport, note: str) -> None:
    doc = report.documentation
    assert doc is not None and f"over its {doc.assessed} cards" in note
    for f in doc.fields:
        cells = _row(note, f.label)
        if f.share is None:
            assert cells[1] == "not assessed"
            continue
        assert cells[1] == f"{f.share * 100:.0f}% ({f.missing}/{f.assessed})", f.label
        if f.paper_share is None:
            assert cells[3] == "not published"
            continue
        assert cells[3] == f"{f.paper_share * 100:.0f}%", f.label
        lo, hi = _wilson(f.missing, f.assessed)
        assert cells[2] == f"{lo * 100:.0f}–{hi * 100:.0f}%", f.label
        outside = not lo <= f.paper_share <= hi
        assert cells[4].startswith("**yes**" if outside else "no"), f.label


def test_the_consistency_table_is_the_reports(report: PaperReport, note: str) -> None:
    c = report.consistency
    assert c is not None
    share = f"{c.compatible / c.analysed * 100:.1f}%"
    assert _row(note, "links (rows)")[1:3] == [f"{c.links:,}", f"{c.paper['rows']:,}"]
    assert _row(note, "analysed")[1:3] == [f"{c.analysed:,}", f"{c.paper['analysed']:,}"]
    assert _row(note, "compatible")[1].startswith(f"{c.compatible:,} ({share})")
    assert _row(note, "incompatible")[1].startswith(f"{c.incompatible:,} ")
    assert _row(note, "unknown")[1:3] == [
        f"{c.unknown:,} ({c.unknown / c.analysed * 100:.1f}%)",
        f"{c.paper['unknown']:,} ({c.paper['unknown_share'] * 100:.1f}%)"]
    assert f"ptmx decides {c.unknown_decided:,}" in note


def test_reuse_and_top_models_figures_are_the_reports(report: PaperReport, note: str) -> None:
    r, top = report.reuse, report.top_models
    assert r is not None and top is not None
    unknown = next(b.models for b in r.by_downloads if b.label == "unknown")
    assert f"downloads are unknown for {unknown:,}" in note
    never = next(b.models for b in r.by_reuse if b.label.startswith("0 "))
    assert f"the {never:,} models that no project reuses" in note
    assert f"r = {r.log_correlation:.2f} over the {r.correlated_models:,}" in note
    for m in top.models[:5]:
        assert f"{m.model}" in note and f"{m.reuse_count:,}" in note


def test_the_readme_links_the_note() -> None:
    assert "docs/PAPER_ON_THE_SAMPLE.md" in (REPO / "README.md").read_text(encoding="utf-8")


def test_the_licence_flow_bands_are_the_reports(report: PaperReport, note: str) -> None:
    flow = report.license_flow
    assert flow is not None
    bands = {(r.upstream, r.downstream): r.links for r in flow.rows}
    for (up, down), text in [(("apache-2.0", "no license"), "apache-2.0 → no license"),
                             (("mit", "no license"), "mit → no license"),
                             (("cc-by-nc-4.0", "no license"), "cc-by-nc-4.0 → no license")]:
        assert f"{text} {bands[(up, down)]:,}" in note.replace("\n", " ")

