"""The documentation report as one self-contained HTML file a person can open and share.

No scripts, fonts, images or style sheets are fetched: the CSS is inline and the bars are plain
``div`` elements. Every value that comes from data goes through :func:`html.escape` (control
characters made visible first, by :func:`ptmx.safetext.visible`).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from ptmx.cards.report import CardsReport, label, number
from ptmx.cards.report import missing_text as _missing
from ptmx.safetext import visible

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto;
       max-width: 72rem; padding: 0 1rem; color: #1d1d1f; background: #fff; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { padding: .3rem .5rem; border-bottom: 1px solid #e5e5e5; text-align: left;
         vertical-align: top; }
th { background: #f5f5f7; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.bar { background: #eee; width: 14rem; height: .8rem; border-radius: 2px; }
.bar > div { height: 100%; border-radius: 2px; }
.critical > div { background: #c62828; } .important > div { background: #ef6c00; }
.nice > div { background: #9e9e9e; }
.sev { font-size: .75rem; padding: .05rem .35rem; border-radius: 3px; color: #fff; }
.sev.critical { background: #c62828; } .sev.important { background: #ef6c00; }
.sev.nice { background: #757575; }
.muted { color: #6e6e73; } code { font-size: .85rem; }
"""


def _e(value: object) -> str:
    return html.escape("—" if value is None else visible(value), quote=True)


def _pct(share: float | None) -> str:
    return "not assessed" if share is None else f"{share * 100:.0f}%"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int]) -> str:
    """``rows`` hold already-escaped HTML cells."""
    head = "".join(f'<th{" class=num" if i in numeric else ""}>{_e(h)}</th>'
                   for i, h in enumerate(header))
    body = "".join(
        "<tr>" + "".join(f'<td{" class=num" if i in numeric else ""}>{cell}</td>'
                         for i, cell in enumerate(row)) + "</tr>"
        for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def to_html(rep: CardsReport) -> str:
    """The whole report as a standalone HTML document."""
    title = f"Model-card documentation: {rep.dataset or 'dataset'}"
    fields = _table(
        ["field", "severity", "missing", "share", "", "paper (11.7k cards)"],
        [[_e(f.label), f'<span class="sev {_e(f.severity)}">{_e(f.severity)}</span>',
          _missing(f), _e(_pct(f.share)),
          (f'<div class="bar {_e(f.severity)}" title="{_e(_pct(f.share))}">'
           f'<div style="width:{(f.share or 0) * 100:.1f}%"></div></div>')
          if f.share is not None else '<span class="muted">nothing here records it</span>',
          _e(_pct(f.paper_share)) if f.paper_share is not None else "—"]
         for f in rep.fields],
        numeric={2, 3, 5})
    riskiest = _table(
        ["#", "model", "reused by", "completeness", "missing critical fields", "risk"],
        [[str(i), f"<code>{_e(m.model)}</code>", number(m.reuse_count),
          number(m.completeness, "%"),
          _e(", ".join(label(k) for k in m.missing_critical) or "—"), number(m.risk)]
         for i, m in enumerate(rep.riskiest, 1)],
        numeric={0, 2, 3, 5}) if rep.riskiest else "<p>No assessed model matches.</p>"
    grouped = ""
    if rep.by not in ("field", "model"):
        grouped = (
            f"<h2>By {_e(rep.by)} (top {len(rep.groups):,} of {rep.total_groups:,}, "
            "most risk first)</h2>"
            + _table(
                [rep.by, "models", "assessed", "not assessed", "reuse", "completeness",
                 "missing critical", "risk", "most often missing"],
                [[_e(g.group), number(g.models), number(g.assessed), number(g.not_assessed),
                  number(g.reuse), number(g.completeness, "%"), number(g.missing_critical_models),
                  number(g.risk), _e(", ".join(g.most_missing) or "—")] for g in rep.groups],
                numeric={1, 2, 3, 4, 5, 6, 7}))
    scope = (f" Only models reused by at least {rep.min_reuse:,} "
           f"project{'s' if rep.min_reuse != 1 else ''}."
             if rep.min_reuse else "")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<style>{_CSS}</style>
</head>
<body>
<h1>{_e(title)}</h1>
<p>{rep.assessed:,} of {rep.models:,} models have card data and were assessed;
{rep.not_assessed:,} are <strong>not assessed</strong> (no card data, so not counted as
missing).{_e(scope)}</p>
<h2>Share of assessed cards missing each field</h2>
{fields}
<h2>Riskiest models (reuse × missing critical fields)</h2>
{riskiest}
{grouped}
<p class="muted">Completeness weighs critical fields 3, important 2, nice-to-have 1; the base
model counts only for models known to be derived. Generated by ptmx.</p>
</body>
</html>
"""
