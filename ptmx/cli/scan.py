"""`ptmx scan PATH`: the models a local project loads, checked, as a table, JSON, SARIF or a BOM.

Exit codes: 0 ok (or findings not asked to fail), 1 findings at or above a ``--fail-on``
threshold, 2 usage/input error, 3 the hub could not answer (``--hub``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ptmx.cli.common import add_data_option, store_from, working
from ptmx.errors import UsageError
from ptmx.safetext import visible

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from ptmx.cli.licenses import LiveHubAlternatives
    from ptmx.scan.checks import CardCheck
    from ptmx.scan.detect import Reference
    from ptmx.scan.report import ModelUse, ScanReport

FORMATS = ("table", "json", "sarif", "cyclonedx", "spdx")
FAIL_ON_CHOICES = ("conflict", "drift", "critical", "important")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `ptmx scan`."""
    p = sub.add_parser(
        "scan", help="find the pre-trained models a local project loads; check licenses and "
                     "cards; write an AI BOM",
        description="Walk a local checkout (honouring .gitignore), find the pre-trained models "
                    "its code and configs load, join them with the dataset, check each model's "
                    "license against the project's and its card against the documentation "
                    "rules. Never runs the project's code.")
    p.add_argument("path", type=Path, help="the project folder")
    p.add_argument("--format", choices=FORMATS, default="table",
                   help="table (default), json, sarif (2.1.0), cyclonedx (1.6 AI BOM) or spdx "
                        "(3.0.1 JSON-LD with the AI profile)")
    p.add_argument("--out", type=Path, metavar="FILE", help="write the output to FILE")
    p.add_argument("--fail-on", action="append", default=[], metavar="LEVEL",
                   help="exit 1 on findings at this level: conflict, drift (drift or conflict), "
                        "critical (a missing critical card field; with --hub, files the hub's "
                        "security scan flags), important (critical, a missing important card "
                        "field; with --hub, pickle-only weights); repeat or comma-separate to "
                        "combine")
    p.add_argument("--include-vendored", action="store_true",
                   help="also list models found only in vendored library copies (a copied "
                        "transformers/, third_party/ …) and library catalogues (archive maps, "
                        "doc checkpoints); by default they are set aside and counted")
    p.add_argument("--hub", action="store_true",
                   help="also look each model up live on the Hugging Face Hub; with --suggest, "
                        "remedies also name up to three Hub models of the same task (crawled "
                        "hub_models rows and the live listing, within the request budget and "
                        "deadline of `ptmx licenses check --suggest --hub`)")
    p.add_argument("--activity", default="use",
                   choices=("use", "redistribute", "derive"),
                   help="what the project does with the models: use (loads them at run time, "
                        "the default), redistribute (ships the weights), derive (publishes "
                        "fine-tunes, adapters or merges)")
    p.add_argument("--suggest", action="store_true",
                   help="for each license conflict, drift or use-constrained model: up to three "
                        "models of the dataset doing the same job under terms the project's "
                        "license accepts, and the license to carry where that fixes it")
    add_data_option(p)
    p.set_defaults(handler=_scan)


def _fail_on(values: list[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        for part in value.split(","):
            part = part.strip().lower()
            if not part:
                continue
            if part not in FAIL_ON_CHOICES:
                raise UsageError(f"--fail-on {part!r}: choose from {', '.join(FAIL_ON_CHOICES)}")
            out.append(part)
    return out


def _scan(args: argparse.Namespace) -> int:
    from ptmx.scan.report import scan_project

    fail_on = _fail_on(args.fail_on)
    store = store_from(args)
    # --suggest --hub: the same live remedy source (request budget, deadline) as the licence
    # checks; its HubError ends the run with exit 3.
    live = _live_remedies() if args.suggest and args.hub else None
    try:
        with working(args, "scan", "walking and reading the project's files"):
            report = scan_project(args.path, store, activity=args.activity, hub=args.hub,
                                  include_vendored=args.include_vendored, suggest=args.suggest,
                                  suggest_hub=live)
    finally:
        if live is not None:
            live.close()

    if args.out:
        try:
            with args.out.open("w", encoding="utf-8") as fh:
                _write(report, args.format, fh)
        except OSError as exc:
            raise UsageError(f"--out {args.out}: {exc.strerror or exc}") from exc
        print(f"wrote {args.format} to {visible(args.out, newlines=False)}", file=sys.stderr)
    else:
        _write(report, args.format, sys.stdout)
    # Warnings name the project's files: escaped, one line each.
    for warning in report.warnings:
        print(f"ptmx: {visible(warning, newlines=False)}", file=sys.stderr)

    failing = report.failing(fail_on)
    if failing:
        rules = sorted({f.rule for f in failing})
        print(f"ptmx: {len(failing)} finding(s) fail --fail-on {','.join(fail_on)}: "
              f"{', '.join(rules)}", file=sys.stderr)
        return 1
    return 0


def _live_remedies() -> LiveHubAlternatives:
    from ptmx.cli.licenses import LiveHubAlternatives

    return LiveHubAlternatives()


def _write(report: ScanReport, fmt: str, out: TextIO) -> None:
    from ptmx.render.output import dumps

    if fmt == "json":
        out.write(dumps(report.to_dict()) + "\n")
    elif fmt == "sarif":
        from ptmx.scan.sarif import to_sarif

        out.write(dumps(to_sarif(report)) + "\n")
    elif fmt == "cyclonedx":
        from ptmx.scan.bom import to_cyclonedx

        out.write(dumps(to_cyclonedx(report)) + "\n")
    elif fmt == "spdx":
        from ptmx.scan.spdx import to_spdx

        out.write(dumps(to_spdx(report)) + "\n")
    else:
        _table(report, out)


def _where(refs: list[Reference]) -> str:
    first = refs[0].location
    return first if len(refs) == 1 else f"{first} (+{len(refs) - 1})"


def _card(check: CardCheck | None) -> str:
    if not check:
        return "-"
    if not check.assessed:
        return "no card data"
    score = check.completeness
    crit = len(check.missing_of("critical"))
    text = f"{score:.0f}%" if isinstance(score, int | float) else "checked"
    return text + (f", {crit} critical missing" if crit else "")


def _line(console: Console, text: str) -> None:
    """One line of the report: outside text (file names, ids, reasons) never acts as markup or
    control characters."""
    from ptmx.render.safe import safe_text

    console.print(safe_text(text, newlines=False))


def _print_table(console: Console, rows: list[dict[str, str]], columns: list[str],
                 title: str) -> None:
    """A rich table whose cells are inert text (a model id or path is data, not markup)."""
    from rich.table import Table

    from ptmx.render.safe import safe_text

    table = Table(title=title, show_lines=False, header_style="bold")
    for column in columns:
        table.add_column(column, justify="left", overflow="fold")
    for row in rows:
        cells: list[Text] = [safe_text(row[c], newlines=False) for c in columns]
        table.add_row(*cells)
    console.print(table)


def _table(report: ScanReport, out: TextIO) -> None:
    from ptmx.render.output import console_for

    console = console_for(out)
    lic = report.project_license
    via = ", ".join(s["file"] for s in lic.sources if s.get("spdx")) or "not found"
    head = (f"project {report.project['name']}"
            + (f" {report.project['version']}" if report.project.get("version") else "")
            + f" · license {lic.expression or 'none'} ({via}) · activity {report.activity}"
            + f" · dataset {report.dataset.get('name') or report.dataset.get('folder')}")
    _line(console, head)
    for note in lic.notes:
        _line(console, f"  note: {note}")
    rows = [{
        "model": u.model,
        "license": u.license_expression or ("none" if u.in_dataset else "? (not in dataset)"),
        "verdict": _verdict(u),
        "card": _card(u.card_check),
        "found by": u.found_by,
        "where": _where(u.shown_references(report.include_vendored)),
        "risk": _risk(u),
    } for u in report.listed()]
    columns = ["model", "license", "verdict", "card", "found by", "where"]
    if any(row["risk"] for row in rows):
        columns.insert(4, "risk")
    _print_table(console, rows, columns, f"models loaded ({len(rows)})")
    if report.unresolved:
        _print_table(console, [{"where": r.location, "call": r.call or r.kind,
                                "why": r.reason or ""} for r in report.unresolved],
                     ["where", "call", "why"], f"unresolved references ({len(report.unresolved)})")
    _findings(report, console)
    _set_aside(report, console)
    s = report.stats
    _line(console, f"scanned {s['files_scanned']} files ({s['ignored']} ignored by .gitignore, "
                   f"{s['binary']} binary, {len(s['too_large'])} too large, "
                   f"{len(s['skipped_dirs'])} folders skipped)")


def _verdict(use: ModelUse) -> str:
    """The verdict, and the ancestor whose licence decided it when inherited."""
    v = use.verdict
    if v is None:
        return "-"
    return f"{v.verdict} (via {v.inherited_from})" if v.inherited_from else str(v.verdict)


def remedy_text(remedy: dict[str, Any]) -> str:
    """One line for a remedy given as plain data (``Remedy.to_dict``)."""
    from ptmx.licenses import Alternative, Remedy

    alts = [Alternative(**a) for a in remedy.get("alternatives") or []]
    return Remedy(remedy.get("job"), alts, remedy.get("carry")).text()


def _risk(use: ModelUse) -> str:
    """The hub's weights format and supply-chain risks (``--hub``), e.g. ``pickle-weights``."""
    from ptmx.scan.report import hub_risks

    risks = ", ".join(str(r["id"]) for r in hub_risks(use))
    weights = (use.live or {}).get("weights")
    if risks and weights:
        return f"{risks} ({weights})"
    return risks


def _set_aside(report: ScanReport, console: Console) -> None:
    aside = report.set_aside
    if not aside.get("references"):
        return
    folders = aside.get("folders", {})
    where = ", ".join(f"{path} ({n})" for path, n in list(folders.items())[:5])
    more = f" and {len(folders) - 5} more" if len(folders) > 5 else ""
    verb = "listed above (--include-vendored)" if report.include_vendored \
        else "set aside (--include-vendored lists them)"
    weak = aside.get("weak") or {}
    copies = aside["references"] - sum(weak.values())
    kinds = "".join(f", {n} {kind}" for kind, n in weak.items())
    _line(console, f"vendored: {aside['references']} reference(s) ({copies} in library copies "
                   f"or catalogues{kinds}), {aside['models']} model(s) found only there, "
                   f"{aside.get('unresolved', 0)} unresolved: {verb}"
                   + (f"; in {where}{more}" if where else ""))


def _findings(report: ScanReport, console: Console) -> None:
    if not report.findings:
        _line(console, "findings: none")
        return
    summary = ", ".join(f"{n} {rule}" for rule, n in report.summary().items())
    _line(console, f"findings: {summary}")
    # Errors and warnings in full (notes are in the tables above and in --format json).
    for f in report.findings:
        if f.level not in ("error", "warning"):
            continue
        _line(console, f"{f.level}: {f.rule} at {_where_loc(f.locations)}: {f.message}")
        if f.fix:
            _line(console, f"  fix: {f.fix}")
        if f.remedy:
            _line(console, f"  remedy: {remedy_text(f.remedy)}")


def _where_loc(locations: list[dict[str, Any]]) -> str:
    if not locations:
        return ""
    first = locations[0]
    text = f"{first['path']}:{first['line']}" if first.get("cell") is None \
        else f"{first['path']}[cell {first['cell']}]:{first['line']}"
    return text if len(locations) == 1 else f"{text} (+{len(locations) - 1})"
