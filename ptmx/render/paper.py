"""`ptmx paper` as text: one set of blocks (title, columns, rows, caption) built from the
:class:`~ptmx.paper.PaperReport`, drawn three ways — rich tables with bar charts for a terminal,
Markdown with text bars, and one self-contained HTML file with inline CSS bars.

Every cell is plain text; every cell (model ids and licence names come from the dataset) reaches a
terminal as inert ``Text`` (:func:`ptmx.render.safe.safe_text`), Markdown with its special
characters escaped, and HTML through :func:`html.escape`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ptmx.render.styles import verdict_style
from ptmx.safetext import visible

if TYPE_CHECKING:
    from rich.console import RenderableType

    from ptmx.paper import PaperReport
    from ptmx.paper.analyses import (
        Consistency,
        Documentation,
        LicenseFlow,
        Overview,
        Reuse,
        TopModels,
    )

NOT_PUBLISHED = "not published"


@dataclass
class Bar:
    """A horizontal bar: ``share`` of the full width (None: nothing to draw)."""

    share: float | None
    style: str = "cyan"


Cell = str | Bar


@dataclass
class Block:
    """One table of a section: plain-text cells, a few of them bars."""

    title: str
    columns: list[str]
    rows: list[list[Cell]]
    right: set[int] = field(default_factory=set)  # right-aligned (numeric) columns
    caption: list[str] = field(default_factory=list)
    styles: dict[int, Callable[[str], str]] = field(default_factory=dict)  # per column
    wrap: set[int] = field(default_factory=set)  # columns that may wrap (the rest never do)


# ------------------------------------------------------------------------------ formatting
def pct(share: float | None, digits: int = 1) -> str:
    """A share as a percentage, or a dash."""
    if share is None:
        return "—"
    if 0 < share < 0.01:  # 0.24 %, not 0.2 %
        digits = max(digits, 2)
    return f"{share * 100:.{digits}f}%"


def num(value: Any) -> str:
    """A count with thousands separators, a dash for None, or the text as it is."""
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int) or value.is_integer() or abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def _verdicts(counts: dict[str, int]) -> str:
    return " · ".join(f"{v} {n:,}" for v, n in counts.items())


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# --------------------------------------------------------------------------------- sections
def _overview(ov: Overview) -> list[Block]:
    rows: list[list[Cell]] = [[m.label, num(m.value), num(m.paper) if m.paper is not None
                               else NOT_PUBLISHED, m.source] for m in ov.metrics]
    scope = "the full PeaTMOSS release" if ov.full else \
        "a subset of PeaTMOSS: the paper's counts are for the full release"
    return [Block("The dataset beside the paper's", ["", "this dataset", "paper", "source"],
                  rows, right={1, 2}, caption=[f"This dataset is {scope}."], wrap={0, 3})]


def _documentation(doc: Documentation) -> list[Block]:
    rows: list[list[Cell]] = []
    for f in doc.fields:
        rows.append([f.label, f.severity, Bar(f.share, "red"),
                     f"{pct(f.share, 0)} ({f.missing:,}/{f.assessed:,})" if f.share is not None
                     else "not assessed",
                     Bar(f.paper_share, "grey50"),
                     pct(f.paper_share, 0) if f.paper_share is not None else NOT_PUBLISHED])
    return [Block(
        "Documentation shortcomings per field (the paper's figure)",
        ["field", "severity", "this dataset", "missing", "paper", "paper missing"], rows,
        right={3, 5}, wrap={0},
        caption=[f"{doc.assessed:,} of {doc.models:,} models have card data and were assessed.",
                 f"Paper: {doc.source}."])]


def _flow(flow: LicenseFlow) -> list[Block]:
    biggest = max((r.links for r in flow.rows), default=0)
    rows: list[list[Cell]] = [[r.upstream, "→", r.downstream, Bar(_ratio(r.links, biggest)),
                               f"{r.links:,}", r.paper, _verdicts(r.ptmx)] for r in flow.rows]
    paper_rows: list[list[Cell]] = [
        [p["upstream"], "→", p["downstream"], f"{p['links']:,}", num(p["here"])]
        for p in flow.paper_top_unknown]
    return [
        Block("Licence flow from models to projects (the paper's Sankey, biggest bands)",
              ["model licence", "", "project licence", "links", "", "paper's method",
               "ptmx verdicts"], rows, right={4},
              caption=[f"{flow.links:,} links; {flow.rest:,} more in smaller bands. Licences "
                       "are named as the paper's script names them (aliases, 'other', "
                       "'no license')."],
              styles={5: _outcome_style}, wrap={0, 2, 6}),
        Block("The paper's biggest unknown bands", ["model licence", "", "project licence",
                                                    "paper links", "this dataset"],
              paper_rows, right={3, 4}, wrap={0, 2}, caption=[f"Paper: {flow.source}."]),
    ]


def _outcome_style(text: str) -> str:
    return {"compatible": "green", "incompatible": "bold red", "unknown": "yellow",
            "skipped": "dim"}.get(text, "")


def _reuse(r: Reuse) -> list[Block]:
    total = sum(b.reuse_total for b in r.by_downloads)
    by_dl: list[list[Cell]] = [
        [b.label, f"{b.models:,}", f"{b.reused_models:,}", Bar(_ratio(b.reuse_total, total)),
         f"{b.reuse_total:,}", num(b.median_reuse), num(b.max_reuse)] for b in r.by_downloads]
    models = sum(b.models for b in r.by_reuse)
    by_re: list[list[Cell]] = [
        [b.label, Bar(_ratio(b.models, models)), f"{b.models:,}", f"{b.reuse_total:,}",
         num(b.median_downloads)] for b in r.by_reuse]
    corr = "—" if r.log_correlation is None else f"{r.log_correlation:.2f}"
    return [
        Block("Reuse by downloads (log buckets)",
              ["downloads", "models", "reused", "share of reuse", "reuse", "median", "max"],
              by_dl, right={1, 2, 4, 5, 6}),
        Block("Models by reuse (projects per model, log buckets)",
              ["projects per model", "", "models", "reuse", "median downloads"], by_re,
              right={2, 3, 4},
              caption=[f"Correlation of log downloads and log reuse over the "
                       f"{r.correlated_models:,} models with both: r = {corr}.",
                       f"Paper: {r.paper}."]),
    ]


def _top(t: TopModels) -> list[Block]:
    biggest = max((m.reuse_count for m in t.models), default=0)
    rows: list[list[Cell]] = [[str(m.rank), m.model, Bar(_ratio(m.reuse_count, biggest)),
                               f"{m.reuse_count:,}", num(m.downloads), m.license or "—"]
                              for m in t.models]
    return [Block("Most reused models (projects per model)",
                  ["#", "model", "", "projects", "downloads", "licence"], rows,
                  right={0, 3, 4}, wrap={1, 5}, caption=[f"Paper: {t.paper}."])]


def _consistency(c: Consistency) -> list[Block]:
    p = c.paper

    def row(label: str, n: int, whole: int, pn: int | None, pshare: float | None) -> list[Cell]:
        share = _ratio(n, whole)
        paper = NOT_PUBLISHED if pn is None and pshare is None else \
            " ".join(x for x in (num(pn) if pn is not None else "", f"({pct(pshare)})"
                                 if pshare is not None else "") if x)
        return [label, f"{n:,}", pct(share), Bar(share, _outcome_style(label) or "cyan"), paper]

    a = c.analysed
    rows: list[list[Cell]] = [
        ["links (rows)", f"{c.links:,}", "", Bar(None), num(p["rows"])],
        row("skipped", c.skipped, c.links, p["skipped_multi_license"], None),
        row("analysed", a, c.links, p["analysed"], None),
        row("identical", c.identical, a, None, p["identical_share"]),
        row("compatible", c.compatible, a, p["compatible"], p["compatible_share"]),
        row("incompatible", c.incompatible, a, p["incompatible"], p["incompatible_share"]),
        row("unknown", c.unknown, a, p["unknown"], p["unknown_share"]),
    ]
    causes: list[list[Cell]] = [[k, f"{n:,}", Bar(_ratio(n, c.unknown), "yellow"),
                                 num(p["unknown_causes"].get(k))]
                                for k, n in c.unknown_causes.items()]
    verdicts = sorted(set(c.ptmx) | set(c.unknown_by_ptmx) | set(c.skipped_by_ptmx),
                      key=lambda v: list(c.ptmx).index(v) if v in c.ptmx else 99)
    ptmx_rows: list[list[Cell]] = [
        [v, f"{c.ptmx.get(v, 0):,}", f"{c.unknown_by_ptmx.get(v, 0):,}",
         Bar(_ratio(c.unknown_by_ptmx.get(v, 0), c.unknown), verdict_style(v) or "cyan"),
         f"{c.skipped_by_ptmx.get(v, 0):,}"] for v in verdicts]
    return [
        Block("Licence consistency by the paper's method (LF table on HF tag × GitHub key)",
              ["outcome", "this dataset", "share", "", "paper"], rows, right={1, 2, 4},
              styles={0: _outcome_style}, caption=[f"Paper: {p['source']}."]),
        Block("Why the paper's method says unknown", ["cause", "links", "", "paper"], causes,
              right={1, 3}),
        Block("ptmx's verdicts on the same links",
              ["ptmx verdict", "analysed links", "of the paper's unknown", "",
               "of the skipped"], ptmx_rows, right={1, 2, 4}, styles={0: verdict_style},
              caption=[f"ptmx decides {c.unknown_decided:,} of the {c.unknown:,} links the "
                       f"paper's method leaves unknown ({pct(_ratio(c.unknown_decided, c.unknown))}"
                       f"); {pct(c.decided_share)} of all {c.links:,} links are decided."]),
    ]


BUILDERS: dict[str, Callable[[Any], list[Block]]] = {
    "overview": _overview, "documentation": _documentation, "license-flow": _flow,
    "reuse": _reuse, "top-models": _top, "consistency": _consistency,
}


def blocks(rep: PaperReport) -> list[tuple[str, list[Block]]]:
    """Each asked-for section as (name, blocks), in order."""
    return [(name, BUILDERS[name](rep.section(name))) for name in rep.sections]


# ------------------------------------------------------------------------------------ rich
def _rich_bar(bar: Bar, width: int) -> RenderableType:
    from rich.text import Text

    if bar.share is None:
        return Text("")
    n = round(max(0.0, min(1.0, bar.share)) * width)
    return Text("█" * n, style=bar.style) + Text("░" * (width - n), style="grey23")


def _rich_block(block: Block, width: int, heading: str) -> RenderableType:
    from rich.table import Table

    from ptmx.render.safe import safe_text

    title = None if block.title == heading else safe_text(block.title, "bold", newlines=False)
    table = Table(title=title, title_justify="left",
                  header_style="bold", box=None, pad_edge=False, padding=(0, 1))
    for i, name in enumerate(block.columns):
        # Cells of a column that does not wrap keep their full width (numbers are never cut);
        # its header wraps instead.
        cells = [width if isinstance(r[i], Bar) else len(visible(r[i], newlines=False))
                 for r in block.rows]
        table.add_column(safe_text(name, newlines=False),
                         justify="right" if i in block.right else "left",
                         min_width=None if i in block.wrap else max(cells, default=None),
                         overflow="fold")
    for row in block.rows:
        table.add_row(*[_rich_bar(c, width) if isinstance(c, Bar) else
                        safe_text(c, block.styles[i](c) if i in block.styles else "",
                                  newlines=False)
                        for i, c in enumerate(row)])
    return table


def renderables(rep: PaperReport, width: int = 20) -> list[RenderableType]:
    """The report as rich renderables: a heading per section, its tables, captions, the notes."""
    from rich.rule import Rule
    from rich.text import Text

    from ptmx.paper import TITLES
    from ptmx.render.safe import safe_text

    out: list[RenderableType] = [
        Text("PeaTMOSS paper (Jiang et al., MSR 2024) reproduced on ", style="bold")
        + safe_text(rep.dataset or "this dataset", "bold cyan", newlines=False)]
    for name, section in blocks(rep):
        out.append(Rule(safe_text(TITLES[name], newlines=False), align="left"))
        for block in section:
            out.append(_rich_block(block, width, TITLES[name]) if block.rows
                       else safe_text(f"{block.title}: nothing to show", "dim"))
            out.extend(safe_text(line, "dim") for line in block.caption)
            out.append(Text(""))
    out.append(Rule("Where this dataset differs from the paper, and why", align="left"))
    out.extend(safe_text(f"• {line}") for line in rep.notes)
    return out


# -------------------------------------------------------------------------------- markdown
# What Markdown (and the HTML a renderer makes of it) would act on inside a line: emphasis,
# code, links, raw HTML and entities, table pipes. Cells and captions never start a line.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|&~])")


def md_escape(value: object) -> str:
    """Outside text made inert in Markdown (and in the HTML a Markdown renderer makes of it)."""
    text = visible(value, newlines=False)
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_bar(bar: Bar, width: int = 20) -> str:
    if bar.share is None:
        return ""
    n = round(max(0.0, min(1.0, bar.share)) * width)
    return "`" + "█" * n + "░" * (width - n) + "`"


def to_markdown(rep: PaperReport) -> str:
    """A self-contained Markdown report with the same tables and text bars."""
    from ptmx.paper import TITLES

    lines = [f"# PeaTMOSS paper reproduced on {md_escape(rep.dataset or 'this dataset')}", "",
             "Jiang et al., *PeaTMOSS: A Dataset and Initial Analysis of Pre-Trained Models in "
             "Open-Source Software*, MSR 2024 (arXiv 2402.00699).", ""]
    for name, section in blocks(rep):
        lines += [f"## {md_escape(TITLES[name])}", ""]
        for block in section:
            if block.title != TITLES[name]:
                lines += [f"### {md_escape(block.title)}", ""]
            lines.append("| " + " | ".join(md_escape(c) for c in block.columns) + " |")
            lines.append("|" + "|".join("---:" if i in block.right else "---"
                                        for i in range(len(block.columns))) + "|")
            for row in block.rows:
                lines.append("| " + " | ".join(_md_bar(c) if isinstance(c, Bar) else md_escape(c)
                                               for c in row) + " |")
            lines.append("")
            lines += [md_escape(c) + "  " for c in block.caption]
            lines.append("")
    lines += ["## Where this dataset differs from the paper, and why", ""]
    lines += [f"- {md_escape(line)}" for line in rep.notes]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------ html
_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1em}th,td{padding:.15em .6em;text-align:left;
vertical-align:top}th{border-bottom:1px solid #999}td.n{text-align:right;font-variant-numeric:
tabular-nums}.bar{background:#eee;width:12em;height:.9em;display:inline-block}
.bar>span{display:block;height:100%;background:#3a7bd5}.cap{color:#555;margin:.2em 0}
.red>span{background:#c0392b}.grey50>span{background:#999}.yellow>span{background:#d4a017}
.green>span{background:#2e8b57}
"""


def _e(value: object) -> str:
    return html.escape(visible(value, newlines=False), quote=True)


def _html_bar(bar: Bar) -> str:
    if bar.share is None:
        return ""
    width = round(max(0.0, min(1.0, bar.share)) * 100, 1)
    cls = re.sub(r"[^a-z0-9]", "", bar.style.split()[-1]) if bar.style else ""
    return f'<span class="bar {cls}"><span style="width:{width}%"></span></span>'


def _html_block(block: Block, titled: bool = True) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in block.columns)
    numeric = ' class="n"'
    body = "".join(
        "<tr>" + "".join(
            f"<td{numeric if i in block.right else ''}>"
            f"{_html_bar(c) if isinstance(c, Bar) else _e(c)}</td>"
            for i, c in enumerate(row)) + "</tr>\n" for row in block.rows)
    caps = "".join(f'<p class="cap">{_e(c)}</p>' for c in block.caption)
    title = f"<h3>{_e(block.title)}</h3>\n" if titled else ""
    return (f"{title}<table><thead><tr>{head}</tr></thead><tbody>\n{body}"
            f"</tbody></table>\n{caps}\n")


def to_html(rep: PaperReport) -> str:
    """One self-contained HTML file (inline CSS bars, no scripts, nothing fetched)."""
    from ptmx.paper import TITLES

    parts = ["<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
             f"<title>PeaTMOSS paper reproduced on {_e(rep.dataset or 'this dataset')}</title>",
             f"<style>{_CSS}</style></head><body>",
             f"<h1>PeaTMOSS paper reproduced on {_e(rep.dataset or 'this dataset')}</h1>",
             "<p>Jiang et al., <em>PeaTMOSS: A Dataset and Initial Analysis of Pre-Trained "
             "Models in Open-Source Software</em>, MSR 2024 (arXiv 2402.00699).</p>"]
    for name, section in blocks(rep):
        parts.append(f"<h2>{_e(TITLES[name])}</h2>")
        parts += [_html_block(b, b.title != TITLES[name]) for b in section]
    parts.append("<h2>Where this dataset differs from the paper, and why</h2><ul>")
    parts += [f"<li>{_e(line)}</li>" for line in rep.notes]
    parts.append("</ul></body></html>\n")
    return "\n".join(parts)
