"""`ptmx licenses audit|check|explain`: licence verdicts for every model→project link and
base→derived edge, CI checks (exit 1 on conflict or drift, SARIF for code scanning), and the
rule behind any pair.

Records go through :func:`ptmx.render.emit`; the summary by verdict and the family flow (the
paper's Sankey, in text) are rich tables drawn here.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from rich.table import Table
from rich.text import Text

from ptmx.cli.common import (
    add_data_option,
    add_format_option,
    add_limit_option,
    store_from,
    table_limit,
    working,
)
from ptmx.errors import NotFoundError, PtmxError, UsageError
from ptmx.licenses import (
    AUDIT_KEYS,
    CHAIN_KEYS,
    Activity,
    AuditRecord,
    AuditResult,
    Family,
    Remedy,
    Verdict,
    audit,
    check,
    explain,
    explain_model,
    is_license,
    remedies_for,
    to_sarif,
)
from ptmx.render import emit
from ptmx.render.output import ROW_FORMATS, console_for, dumps, write_arrow_json, write_json_batches
from ptmx.render.safe import safe_text
from ptmx.render.styles import verdict_style
from ptmx.safetext import visible
from ptmx.store import Store, find_model_id

VERDICTS = [v.value for v in Verdict]  # argparse choices, in the order of the vocabulary
# Downstream "families" the flow summary names that are no license family.
_NOT_A_FAMILY = {"no-license": "no licence", "not-scanned": "not scanned"}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `ptmx licenses` and its actions."""
    p = sub.add_parser("licenses", help="licence verdicts for model→project and base→derived "
                                        "relations: audit, check (CI), explain")
    actions = p.add_subparsers(dest="licenses_command", metavar="ACTION", required=True,
                               parser_class=type(p))

    a = actions.add_parser(
        "audit", help="a verdict, reason and fix for every link and edge, then a summary by "
                      "verdict and the licence-family flow",
        description="One record per model→project link (activity use, or redistribute when the "
                    "project's scan shows the model's licence) and per base→derived edge "
                    "(derive). Table format lists the worst records first (--limit), then the "
                    "summary and flow; json and csv list every record in dataset order.")
    a.add_argument("--verdict", action="append", choices=VERDICTS, metavar="VERDICT",
                   help="only records with this verdict (repeatable): " + ", ".join(VERDICTS))
    add_limit_option(a)
    _add_suggest(a)
    add_data_option(a)
    add_format_option(a, ROW_FORMATS)
    a.set_defaults(handler=_audit)

    a = actions.add_parser(
        "check", help="findings worse than ok-with-obligations; exit 1 on conflict or drift",
        description="Check one project and/or model (or the whole dataset). Table format lists "
                    "the worst findings first (--limit), then a summary line on stderr; json and "
                    "csv list every finding (sarif always does). Exit code: 1 if any finding is a "
                    "conflict or drift, else 0; 2 on bad input.")
    add_limit_option(a, "findings")
    a.add_argument("--project", metavar="OWNER/NAME", help="a reusing GitHub project")
    a.add_argument("--model", metavar="ID", help="a model (its links, and edges where it is the "
                                                 "base or the derived model)")
    _add_suggest(a)
    add_data_option(a)
    add_format_option(a, ("table", "json", "csv", "sarif"))
    a.set_defaults(handler=_check)

    a = actions.add_parser(
        "explain", help="what a licence requires, or the verdict for a pair with its rule",
        description="One LICENSE: its family, obligations, what a derived work may declare and "
                    "the clauses. Two: the verdict for a work under the first used by / shipped "
                    "in / derived into a work under the second (NONE = no licence). Accepts SPDX "
                    "ids, Hugging Face tags, ScanCode keys and expressions with AND/OR/WITH.")
    a.add_argument("licenses", nargs="+", metavar="LICENSE",
                   help="upstream licence, then optionally the downstream one")
    a.add_argument("--activity", choices=[a.value for a in Activity],
                   help="only this activity (default: all three)")
    a.add_argument("--model", action="store_true",
                   help="the first argument is a model of the dataset (automatic when it is no "
                        "licence): its effective terms along its base chain, and with a second "
                        "LICENSE their verdict")
    add_data_option(a)
    add_format_option(a, ("table", "json"))
    a.set_defaults(handler=_explain)


# ------------------------------------------------------------------------------------ audit
def _add_suggest(p: argparse.ArgumentParser) -> None:
    p.add_argument("--suggest", action="store_true",
                   help="for each conflict, drift and use-constrained finding: up to three models "
                        "of the dataset that do the same job under acceptable terms, and for "
                        "drift the licence to carry (JSON key 'remedy', SARIF fixes)")
    p.add_argument("--hub", action="store_true",
                   help=f"with --suggest: up to three more from the Hugging Face Hub, most "
                        f"downloaded models of the same task (crawled hub_models rows and the "
                        f"live listing: at most {HUB_REQUESTS} requests, {HUB_DEADLINE:.0f} s); "
                        f"exit 3 if the hub fails")


# --hub: the live listing is asked once per task, for at most this many tasks and this long.
HUB_REQUESTS = 10
HUB_DEADLINE = 60.0


class LiveHubAlternatives:
    """The live Hub as a remedy source: one listing per task, within a request budget and a
    deadline (tasks past either get the crawled rows only, and are counted)."""

    def __init__(self) -> None:
        from ptmx.hub import HubClient, HubSettings

        self.client = HubClient(HubSettings.from_env())
        self.left = HUB_REQUESTS
        self.deadline = HUB_DEADLINE
        self.until: float | None = None
        self.skipped: list[str] = []

    def __call__(self, task: str) -> list[dict[str, Any]]:
        from ptmx.hub.alternatives import task_candidates

        now = time.monotonic()
        self.until = self.until if self.until is not None else now + self.deadline
        if self.left <= 0 or now > self.until:
            self.skipped.append(task)
            return []
        self.left -= 1
        return [c.to_dict() for c in task_candidates(self.client, task)]

    def close(self) -> None:
        self.client.close()
        if self.skipped:
            print(f"ptmx: hub: {len(self.skipped):,} tasks not asked (at most {HUB_REQUESTS} "
                  f"requests in {HUB_DEADLINE:.0f} s); their remedies use the dataset and "
                  f"crawled rows only", file=sys.stderr)


def _remedies(args: argparse.Namespace, store: Store,
              records: list[AuditRecord]) -> list[Remedy | None]:
    """The remedies of ``records`` (``--hub``: with Hub models too)."""
    if not args.hub:
        return remedies_for(store, records)
    hub = LiveHubAlternatives()
    try:
        return remedies_for(store, records, hub=hub)
    finally:
        hub.close()


def _with_remedies(args: argparse.Namespace, store: Store, records: list[AuditRecord],
                   rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` (one per record, same order) with a 'remedy' key where one applies."""
    for row, remedy in zip(rows, _remedies(args, store, records), strict=True):
        if remedy is not None:
            row["remedy"] = remedy.to_dict()
            row["remedy_text"] = remedy.text()
    return rows


def _need_suggest(args: argparse.Namespace) -> None:
    if args.hub and not args.suggest:
        raise UsageError("--hub adds Hub models to the remedies: it needs --suggest")


def _audit(args: argparse.Namespace) -> int:
    _need_suggest(args)
    store = store_from(args)
    with working(args, "licenses audit", "judging every link and base edge"):
        result = audit(store)
    if args.format in ("json", "jsonl") and not args.suggest:
        # Built by Arrow from the table and written a batch at a time: no record as a Python
        # dict, the chains (JSON text already) copied as they are.
        write_arrow_json(result.selected(verdicts=args.verdict or (), limit=args.limit),
                         lines=args.format == "jsonl", raw=CHAIN_KEYS[:1],
                         optional_from=CHAIN_KEYS[0])
        return 0
    rows = result.rows()
    if args.suggest:
        rows = _with_remedies(args, store, result.records, rows)
    if args.verdict:
        wanted = set(args.verdict)
        rows = [r for r in rows if r["verdict"] in wanted]
    if args.format != "table":
        if args.limit:
            rows = rows[: args.limit]
        _emit_records(rows, args.format)
        return 0
    limit = table_limit(args.limit, args.format)
    rows.sort(key=lambda r: -Verdict(r["verdict"]).rank)  # stable: dataset order within a verdict
    shown = rows[:limit] if limit else rows
    _print_records(shown, _table_columns(args),
                   f"Licence verdicts (worst first; {len(shown):,} of {len(rows):,} records)")
    if len(shown) < len(rows):
        print(f"ptmx: {len(rows) - len(shown):,} more records not listed; use --limit 0, "
              f"--verdict, or --format json/csv", file=sys.stderr)
    _print_summary(result)
    return 0


def _emit_records(rows: list[dict[str, Any]], fmt: str) -> None:
    """JSON: each record with its own keys (the chain keys only where the model has bases);
    CSV: the documented columns plus the chain (as JSON) and inherited_from."""
    if fmt in ("json", "jsonl"):
        for row in rows:
            row.pop("remedy_text", None)
        write_json_batches([rows], lines=fmt == "jsonl")
    else:
        extra = ("remedy",) if any("remedy" in r for r in rows) else ()
        emit(rows, fmt, columns=(*AUDIT_KEYS, *CHAIN_KEYS, *extra))


def _bar(share: float, width: int = 24) -> str:
    return "█" * max(1, round(share * width)) if share > 0 else ""


def _print_records(rows: list[dict[str, Any]], columns: tuple[str, ...], title: str) -> None:
    """Records as a rich table whose cells are inert text: model ids, project names, licenses
    and the reasons that quote them come from the dataset."""
    table = Table(title=safe_text(title), show_lines=False, header_style="bold")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(_cell(column, row.get(column)) for column in columns))
    console_for().print(table)


def _cell(column: str, value: object) -> Text:
    if value is None:
        return Text("")
    return safe_text(value, verdict_style(str(value)) if column == "verdict" else "")


def _verdict_text(verdict: str) -> Text:
    return safe_text(verdict, verdict_style(verdict))


def _print_summary(result: AuditResult) -> None:
    console = console_for()
    table = Table(title=f"Summary by verdict ({result.links:,} links, {result.edges:,} edges)",
                  header_style="bold")
    for col, justify in (("verdict", "left"), ("links", "right"), ("share", "right"),
                         ("", "left"), ("edges", "right")):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for row in result.summary:
        table.add_row(_verdict_text(row["verdict"]), f"{row['links']:,}",
                      f"{row['share_of_links']:.1%}", _bar(row["share_of_links"]),
                      f"{row['edges']:,}")
    console.print(table)
    console.print(f"unknown + ambiguous: {result.undecided_share:.2%} of links "
                  f"(audit took {result.seconds * 1000:.0f} ms)")

    flow = Table(title="Licence-family flow (upstream → downstream)", header_style="bold")
    for col, justify in (("relation", "left"), ("upstream family", "right"), ("", "center"),
                         ("downstream family", "left"), ("count", "right"), ("", "left"),
                         ("verdicts", "left")):
        flow.add_column(col, justify=justify)  # type: ignore[arg-type]
    totals = {"link": result.links, "edge": result.edges}
    for row in result.flow:
        total = totals.get(row["relation"]) or 1
        verdicts = Text(", ").join(Text.assemble(_verdict_text(v), f" {n:,}")
                                   for v, n in row["verdicts"].items())
        flow.add_row(row["relation"], _family(row["upstream_family"]), "→",
                     _family(row["downstream_family"]), f"{row['count']:,}",
                     _bar(row["count"] / total, 16), verdicts)
    console.print(flow)


def _family(name: str) -> Text:
    if name in tuple(Family):
        return Text(Family(name).label)
    return safe_text(_NOT_A_FAMILY.get(name, name))


# ------------------------------------------------------------------------------------ check
def _table_columns(args: argparse.Namespace) -> tuple[str, ...]:
    if args.suggest:  # the remedy replaces the long reason and fix (JSON keeps everything)
        return ("model", "project", "derived", "upstream", "downstream", "verdict",
                "remedy_text")
    return AUDIT_KEYS


def _check(args: argparse.Namespace) -> int:
    _need_suggest(args)
    store = store_from(args)
    with working(args, "licenses check", "judging relations"):
        result = check(store, project=args.project, model=args.model)
    remedies = _remedies(args, store, result.findings) if args.suggest else None
    if args.format == "sarif":
        sys.stdout.write(dumps(to_sarif(result, remedies)) + "\n")
        return result.exit_code
    rows = result.rows()
    if remedies is not None:
        for row, remedy in zip(rows, remedies, strict=True):
            if remedy is not None:
                row["remedy"] = remedy.to_dict()
                row["remedy_text"] = remedy.text()
    limit = table_limit(args.limit, args.format)
    if args.format != "table":
        _emit_records(rows[:limit] if limit else rows, args.format)
        return result.exit_code
    rows.sort(key=lambda r: -Verdict(r["verdict"]).rank)  # stable: dataset order within a verdict
    shown = rows[:limit] if limit else rows
    # The scope echoes the user's --project/--model: shown with control characters made visible.
    scope = " and ".join(f"{k} {visible(v, newlines=False)}" for k, v in result.scope.items()
                         if v) or "the whole dataset"
    counts = ", ".join(f"{v} {n:,}" for v, n in result.counts.items()) or "nothing"
    if shown:
        listed = f"{len(shown):,} of " if len(shown) < len(rows) else ""
        _print_records(shown, _table_columns(args),
                       f"Licence findings for {scope} (worst first; {listed}{len(rows):,} "
                       f"findings in {result.checked:,} relations)")
    if len(shown) < len(rows):
        print(f"ptmx: {len(rows) - len(shown):,} more findings not listed; use --limit 0, "
              f"--format json/csv or sarif", file=sys.stderr)
    noun = "relation" if result.checked == 1 else "relations"
    print(f"ptmx: checked {result.checked:,} {noun} of {scope}: {counts}; "
          + ("failing (conflict or drift)" if result.exit_code else "no conflict or drift"),
          file=sys.stderr)
    return result.exit_code


# ------------------------------------------------------------------------------------ explain
def _explain(args: argparse.Namespace) -> int:
    if len(args.licenses) > 2:
        raise UsageError("explain takes one or two licences",
                         hint="quote an expression: 'mit AND cc-by-nc-4.0'")
    upstream = args.licenses[0]
    downstream = args.licenses[1] if len(args.licenses) == 2 else None
    if args.model or (not is_license(upstream) and _names_a_model(args, upstream)):
        return _explain_model(args, upstream, downstream)
    result = explain(upstream, downstream, args.activity)
    if args.format == "json":
        sys.stdout.write(dumps(result.to_dict()) + "\n")
        return 0
    if result.license is not None:
        _print_records(_license_rows(result.license), ("field", "value"),
                       f"{result.license.get('name') or upstream}")
        return 0
    _print_records([v.to_dict() for v in result.verdicts],
                   ("activity", "verdict", "rule", "explanation", "fix"),
                   f"{upstream} → {downstream}")
    return 0


def _names_a_model(args: argparse.Namespace, text: str) -> bool:
    """An unknown licence spelling is taken for a model when it has an owner ("org/name") or
    the dataset has a model of that name; otherwise it stays a licence typo (with suggestions)."""
    if visible(text, newlines=False) != text:  # control characters: no model id, a licence typo
        return False
    if "/" in text:
        return True
    try:
        store = store_from(args)
    except PtmxError:  # no dataset to look in: report the licence spelling instead
        return False
    return find_model_id(store, text) is not None


def _explain_model(args: argparse.Namespace, model: str, downstream: str | None) -> int:
    if visible(model, newlines=False) != model:
        raise NotFoundError(f"no model {model!r} in the dataset")
    result = explain_model(store_from(args), model, downstream, args.activity)
    if args.format == "json":
        sys.stdout.write(dumps(result.to_dict()) + "\n")
        return 0
    terms = [{"from": t["source"], "licence": t["license"] or "—",
              "imposes": ", ".join(t["imposes"]) or "—",
              "path / note": " ".join(filter(None, [
                  t["note"] or t["via"],
                  f"(tagged {t['declared']})" if t.get("declared") else None,
                  "[Hub base_model tag]" if t.get("edge") == "hub" else None]))}
             for t in result.terms()]
    _print_records(terms, ("from", "licence", "imposes", "path / note"),
                   f"Effective terms of {result.model} ({len(result.chain.ancestors)} "
                   f"ancestors)")
    rows = [{**e.judgement.to_dict(),
             "inherited_from": e.inherited_from.model if e.inherited_from else "—"}
            for e in result.verdicts]
    against = result.downstream or "any project (use)"
    _print_records(rows, ("activity", "verdict", "inherited_from", "explanation", "fix"),
                   f"{result.model} → {against}")
    return 0


def _license_rows(info: dict[str, Any]) -> list[dict[str, Any]]:
    if "parts" in info:
        rows = [{"field": "expression", "value": info["symbol"]},
                {"field": "family", "value": info["family_label"]}]
        for part in info["parts"]:
            rows.append({"field": part["symbol"],
                         "value": f"{part['family_label']}; obligations: "
                                  f"{', '.join(part['obligations']) or 'none'}"})
        return rows
    clauses = info.get("clauses") or {}
    order = [
        ("symbol", info.get("symbol")), ("name", info.get("name")),
        ("family", info.get("family_label")), ("commercial use", info.get("commercial")),
        ("copyleft", info.get("copyleft")),
        ("use restrictions", "yes" if info.get("use_restrictions") else None),
        ("user cap", info.get("cap")), ("naming", info.get("naming")),
        ("obligations", ", ".join(info.get("obligations") or []) or "none"),
        ("a derived work may declare", info.get("may_declare")),
        ("candidates", ", ".join(info.get("candidates") or []) or None),
        ("use", clauses.get("use")), ("redistribute", clauses.get("redistribute")),
        ("derive", clauses.get("derive")), ("note", info.get("note")),
        ("aliases", ", ".join(info.get("aliases") or [])), ("text", info.get("url")),
        ("source", info.get("source")),
    ]
    return [{"field": k, "value": v} for k, v in order if v not in (None, "", False)]
