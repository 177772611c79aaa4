"""`ptmx cards`: model-card documentation — a dataset report, one model's rules, a CI gate.

    ptmx cards report [--by field|model|author|task|library|license] [--top N] [--min-reuse K]
                      [--source peatmoss|readme|all] [--format table|json|csv|markdown|html]
                      [--out FILE]
    ptmx cards show MODEL [--source peatmoss|readme|all] [--format table|json]
    ptmx cards check [--model ID | --project OWNER/NAME] [--fail-on critical|important|nice]
                     [--source peatmoss|readme|all]

Card data comes from PeaTMOSS's extraction (``model_card``) and from READMEs crawled by
``ptmx hub crawl --cards`` (``hub_card``); with ``--source all`` (default) a model that has both
is read from its README, the newer of the two.

`check` exits 1 when a model (or any model the project reuses) misses a field of that severity or
worse; models without card data are reported as "not assessed" and do not fail the gate.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ptmx.cli.common import (
    add_data_option,
    add_format_option,
    non_negative_int,
    positive_int,
    store_from,
    working,
)
from ptmx.cli.outfile import output_to
from ptmx.render import emit
from ptmx.render.output import console_for, dumps

if TYPE_CHECKING:  # imported lazily at run time, so `ptmx --help` stays quick
    from rich.table import Table

    from ptmx.cards import CardAssessment
    from ptmx.cards.report import CardsReport

REPORT_FORMATS = ("table", "json", "csv", "markdown", "html")
SOURCES = ("peatmoss", "readme", "all")


def _add_source_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--source", choices=SOURCES, default="all",
                   help="card data: peatmoss (PeaTMOSS extraction), readme (READMEs from "
                        "`hub crawl --cards`) or all (default; a README wins, being newer)")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `ptmx cards ...`."""
    from ptmx.cards import VIEWS

    p = sub.add_parser("cards", help="model-card documentation: report, show one model, CI check")
    actions = p.add_subparsers(dest="cards_command", metavar="ACTION", required=True,
                               parser_class=type(p))

    r = actions.add_parser(
        "report", help="share of cards missing each field, riskiest models, grouped views",
        description="Which models are badly documented, and which of those matter: the share "
                    "of assessed cards missing each field, then the models whose missing "
                    "critical fields hurt most downstream (risk = reuse × missing critical "
                    "fields). Models without card data are counted as not assessed.")
    r.add_argument("--by", choices=VIEWS, default="field",
                   help="view: per field (default), per model, or grouped by author, task, "
                        "library or license (csv writes this view only)")
    r.add_argument("--top", type=positive_int, default=20, metavar="N",
                   help="riskiest models and groups to list (default 20)")
    r.add_argument("--min-reuse", type=non_negative_int, default=0, metavar="K",
                   help="only models reused by at least K projects (default 0)")
    _add_source_option(r)
    add_format_option(r, REPORT_FORMATS)
    r.add_argument("--out", type=Path, metavar="FILE", help="write to FILE instead of stdout")
    add_data_option(r)
    r.set_defaults(handler=_report)

    s = actions.add_parser("show", help="every rule for one model: pass/missing/inconsistent "
                                        "and the evidence")
    s.add_argument("model", help="hub id, e.g. bert-base-uncased or owner/name")
    _add_source_option(s)
    add_format_option(s, ("table", "json"))
    add_data_option(s)
    s.set_defaults(handler=_show)

    c = actions.add_parser(
        "check", help="CI gate: exit 1 when a model misses a field of a severity",
        description="Exit 1 when the model (or any model the project reuses; default: every "
                    "model with card data) misses a field of the given severity or worse. "
                    "Models without card data are listed as not assessed and do not fail.")
    which = c.add_mutually_exclusive_group()
    which.add_argument("--model", metavar="ID", help="one model (hub id)")
    which.add_argument("--project", metavar="OWNER/NAME", help="every model a project reuses")
    c.add_argument("--fail-on", choices=("critical", "important", "nice"), default="critical",
                   help="lowest severity that fails (default: critical)")
    c.add_argument("--strict", action="store_true",
                   help="an inconsistency (e.g. license tag vs card text) at that severity "
                        "fails too")
    _add_source_option(c)
    add_format_option(c)
    add_data_option(c)
    c.set_defaults(handler=_check)


# --- report ---------------------------------------------------------------------------------

def _report(args: argparse.Namespace) -> int:
    from ptmx.cards import report

    store = store_from(args)
    with working(args, "cards report", "assessing model cards"):
        rep = report(store, by=args.by, top=args.top, min_reuse=args.min_reuse,
                     source=args.source)
    with output_to(args.out) as out:
        if args.format == "json":
            out.write(dumps(rep.to_dict()) + "\n")
        elif args.format == "csv":
            emit(rep.rows(), "csv", out=out)
        elif args.format == "markdown":
            from ptmx.cards.markdown import to_markdown

            out.write(to_markdown(rep))
        elif args.format == "html":
            from ptmx.cards.html import to_html

            out.write(to_html(rep))
        else:
            _print_report(rep, out)
    print(f"{rep.assessed:,} of {rep.models:,} models assessed in {rep.seconds * 1000:.0f} ms",
          file=sys.stderr)
    return 0


def _pct(share: float | None) -> str:
    return "not assessed" if share is None else f"{share * 100:.0f}%"


def bar_chart(rep: CardsReport, width: int | None = None) -> Table:
    """Missing share per field as horizontal bars, coloured by severity; ``width`` (the bar's)
    defaults to what the terminal leaves after the other columns."""
    from rich.table import Table
    from rich.text import Text

    from ptmx.cards.report import missing_text
    from ptmx.render.styles import severity_style

    if width is None:
        width = max(10, min(40, console_for().width - 68))
    table = Table(title="share of assessed cards missing each field", header_style="bold",
                  box=None, pad_edge=False, title_justify="left")
    table.add_column("field", no_wrap=True, max_width=22, overflow="ellipsis")
    table.add_column("severity", no_wrap=True)
    table.add_column("", no_wrap=True)
    table.add_column("missing", justify="right", no_wrap=True)
    table.add_column("paper", justify="right", no_wrap=True)
    for f in rep.fields:
        style = severity_style(f.severity)
        if f.share is None:
            bar = Text("— no source records it"[:width], style="dim")
            share = "not assessed"
        else:
            n = round(f.share * width)
            bar = Text("█" * n, style=style) + Text("░" * (width - n), style="grey23")
            share = f"{_pct(f.share)} ({missing_text(f).replace(' / ', '/')})"
        table.add_row(f.label, Text(f.severity, style=style), bar, share,
                      _pct(f.paper_share) if f.paper_share is not None else "—")
    return table


def _print_report(rep: CardsReport, out: TextIO) -> None:
    console = console_for(out)
    scope = f", reused by ≥ {rep.min_reuse:,} project{'s' * (rep.min_reuse != 1)}" \
        if rep.min_reuse else ""
    console.print(f"[bold]{rep.assessed:,}[/bold] of {rep.models:,} models{scope} have card "
                  f"data and were assessed; [bold]{rep.not_assessed:,}[/bold] are not assessed "
                  "(no card data — not counted as missing).")
    console.print(f"card data: {rep.from_peatmoss:,} from the PeaTMOSS extraction, "
                  f"{rep.from_readme:,} from crawled READMEs (--source {rep.source}).",
                  style="dim", markup=False)
    console.print(bar_chart(rep))
    console.print(_riskiest_table(rep) if rep.riskiest else "no assessed model matches")
    if rep.groups:
        console.print(_groups_table(rep))


def _riskiest_table(rep: CardsReport) -> Table:
    from rich.table import Table

    from ptmx.cards.report import label, number
    from ptmx.render.safe import safe_text

    risky = Table(title="riskiest models (risk = reuse × missing critical fields)",
                  header_style="bold")
    for col, right in (("#", True), ("model", False), ("reused by", True),
                       ("completeness", True), ("missing critical fields", False),
                       ("risk", True), ("source", False)):
        risky.add_column(col, justify="right" if right else "left", overflow="fold")
    for i, m in enumerate(rep.riskiest, 1):
        risky.add_row(str(i), safe_text(m.model), number(m.reuse_count),
                      number(m.completeness, "%"),
                      ", ".join(label(k) for k in m.missing_critical) or "—", number(m.risk),
                      safe_text(m.source))
    return risky


def _groups_table(rep: CardsReport) -> Table:
    """The grouped view; group names (authors, tasks, licenses) are the dataset's text."""
    from rich.table import Table

    from ptmx.cards.report import number
    from ptmx.render.safe import safe_text

    grouped = Table(title=f"by {rep.by}: top {len(rep.groups):,} of "
                          f"{rep.total_groups:,}, most risk first", header_style="bold")
    for col in (rep.by, "assessed", "reuse", "complete", "risk", "most often missing"):
        grouped.add_column(col, justify="left" if col in (rep.by, "most often missing")
                           else "right", overflow="fold")
    for g in rep.groups:
        grouped.add_row(safe_text(g.group), f"{g.assessed:,}/{g.models:,}", number(g.reuse),
                        number(g.completeness, "%"), number(g.risk),
                        ", ".join(g.most_missing) or "—")
    return grouped


# --- show -----------------------------------------------------------------------------------

def _show(args: argparse.Namespace) -> int:
    from ptmx.cards.readme import assess_by_source

    result, other = assess_by_source(store_from(args), args.model, args.source)
    if args.format == "json":
        print(dumps(result.to_dict() | {"other_source": other.to_dict() if other else None}))
        return 0
    from rich.text import Text

    from ptmx.render.safe import safe_text

    console = console_for()
    console.print(_facts_grid(result))
    console.print(_rules_table(result))
    for f in result.findings:
        console.print(Text(f"inconsistent {f.rule}: ", style="yellow")
                      + safe_text(f.message, "yellow"))
    for note in result.notes:
        console.print(safe_text(note, "dim"))
    if other is not None:
        console.print(safe_text(f"also: {other.source}: completeness "
                                f"{_pct_or(other.completeness)} (use --source to see it)", "dim"))
    return 0


def _pct_or(value: float | None) -> str:
    return "not assessed" if value is None else f"{value:.0f}%"


def _facts_grid(result: CardAssessment) -> Table:
    """What is known about the model; its id and card source are the dataset's text."""
    from rich.table import Table

    from ptmx.cards.report import number
    from ptmx.render.safe import safe_text

    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()
    facts.add_row("model", safe_text(result.model))
    facts.add_row("source", safe_text(result.source or "none: not assessed"))
    facts.add_row("completeness", number(result.completeness, "%") if result.assessed
                  else "not assessed")
    facts.add_row("reused by", f"{result.reuse_count:,} projects")
    facts.add_row("risk", f"{result.risk:,} (reuse × {result.missing_critical} missing "
                          "critical)" if result.risk is not None else "not assessed")
    return facts


def _rules_table(result: CardAssessment) -> Table:
    """Every rule with its status; the evidence quotes the card, so it is shown as inert text."""
    from rich.table import Table

    from ptmx.cards import Status
    from ptmx.render.safe import safe_text
    from ptmx.render.styles import severity_style, status_style

    table = Table(header_style="bold")
    table.add_column("field", no_wrap=True)
    table.add_column("severity", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("evidence", overflow="fold")
    for r in result.results:
        lines = [str(e) for e in r.evidence]
        if r.note:
            lines.append(r.note)
        status = r.status if r.counts or r.status in (Status.PASS, Status.NOT_ASSESSED) \
            else f"{r.status}, not counted"
        table.add_row(r.label, safe_text(r.severity, severity_style(r.severity)),
                      safe_text(status, status_style(r.status)),
                      safe_text("\n".join(lines) or "—"))
    return table


# --- check ----------------------------------------------------------------------------------

def _check(args: argparse.Namespace) -> int:
    from ptmx.cards import Severity
    from ptmx.cards.readme import assess_all, assess_by_source, assess_project_by_source
    from ptmx.render.safe import safe_markup

    store = store_from(args)
    if args.model:
        results, scope = [assess_by_source(store, args.model, args.source)[0]], args.model
    elif args.project:
        scope, results = assess_project_by_source(store, args.project, args.source)
    else:
        results, scope = assess_all(store, args.source), "every model with card data"
    levels = Severity(args.fail_on).and_above()
    rows: list[dict[str, Any]] = []
    failed = unassessed = 0
    for a in results:
        fails = a.fails(args.fail_on, strict=args.strict)
        failed += fails
        unassessed += not a.assessed
        rows.append({
            "model": a.model,
            "result": "fail" if fails else ("not assessed" if not a.assessed else "ok"),
            "completeness": a.completeness,
            "missing": [r.key for r in a.missing(args.fail_on, or_worse=True)],
            "inconsistent": [r.key for r in a.inconsistent if r.severity in levels],
            "reuse_count": a.reuse_count,
            "source": a.source,
        })
    rows.sort(key=lambda r: ({"fail": 0, "ok": 1}.get(r["result"], 2), str(r["model"]).lower()))
    # The title is rich markup: the scope names a model or project from the command line.
    emit(rows, args.format, title=f"cards check --fail-on {args.fail_on}: {safe_markup(scope)}")
    summary = (f"{failed:,} of {len(results):,} models miss a field of severity "
               f"{args.fail_on} or worse")
    if unassessed:
        summary += f"; {unassessed:,} not assessed (no card data)"
    print(summary, file=sys.stderr)
    return 1 if failed else 0
